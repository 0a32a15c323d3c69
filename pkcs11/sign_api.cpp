// C_SignInit / C_Sign / C_SignUpdate / C_SignFinal. Padding and hashing on the host, one raw
// private-key operation on the card. Length queries and short buffers never touch the card.
//
// Single-part mechanisms (CKM_RSA_PKCS, CKM_RSA_X_509, CKM_RSA_PKCS_PSS, CKM_ECDSA) also accept
// C_SignUpdate: the data is buffered and signed at C_SignFinal (as OpenSC does); the length limits
// are checked there. Real clients rely on it: pkcs11-tool --test signs CKM_RSA_PKCS multi-part. C_Sign after C_SignUpdate ends the operation with CKR_OPERATION_ACTIVE.
#include "core/crypto/public_key.h"
#include "core/crypto/rsa_padding.h"
#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/key_ops.h"
#include "pkcs11/object_store.h"

namespace p11 {
namespace {

constexpr std::size_t kMaxBuffered = 8192;

std::size_t signatureSize(const KeyHandle& k) {
    if (k.type == crypto::KeyType::Ed25519) return 64;
    return k.type == crypto::KeyType::Rsa ? k.rsaBytes() : 2 * ((k.bits + 7) / 8);
}

CK_RV readPssParams(const CK_MECHANISM& mech, const MechanismSpec& spec, const KeyHandle& key,
                    SignOperation& op) {
    if (!mech.pParameter || mech.ulParameterLen != sizeof(CK_RSA_PKCS_PSS_PARAMS))
        return CKR_MECHANISM_PARAM_INVALID;
    const auto* p = static_cast<const CK_RSA_PKCS_PSS_PARAMS*>(mech.pParameter);
    auto hash = hashFromMechanism(p->hashAlg);
    auto mgf = hashFromMgf(p->mgf);
    if (!hash || !mgf || (spec.hash && *spec.hash != *hash)) return CKR_MECHANISM_PARAM_INVALID;
    std::size_t emLen = (key.bits - 1 + 7) / 8;
    if (emLen < crypto::hashSize(*hash) + 2 || p->sLen > emLen - crypto::hashSize(*hash) - 2)
        return CKR_MECHANISM_PARAM_INVALID;
    op.pssHash = *hash;
    op.pssMgf = *mgf;
    op.pssSalt = p->sLen;
    return CKR_OK;
}

// The block (RSA) or hash (EC) the card signs. `payload` is the hash for hash-and-sign mechanisms,
// the caller's data otherwise.
CK_RV encodeInput(const SignOperation& op, core::ByteView payload, Bytes& out) {
    const KeyHandle& k = op.key;
    core::Result<Bytes> r;
    switch (op.mechanism) {
        case CKM_RSA_PKCS: r = crypto::pkcs1v15SignBlock(payload, k.rsaBytes()); break;
        case CKM_RSA_X_509: {
            if (payload.size() > k.rsaBytes()) return CKR_DATA_LEN_RANGE;
            r = crypto::leftPad(payload, k.rsaBytes());
            // The input must be smaller than the modulus.
            if (r && k.key.publicKey && r->size() == k.key.publicKey->modulus.size() &&
                !std::lexicographical_compare(r->begin(), r->end(), k.key.publicKey->modulus.begin(),
                                              k.key.publicKey->modulus.end()))
                return CKR_DATA_INVALID;
            break;
        }
        case CKM_EDDSA:  // pure Ed25519: the card signs the message itself
            out.assign(payload.begin(), payload.end());
            return CKR_OK;
        case CKM_ECDSA:
        case CKM_ECDSA_SHA1:
        case CKM_ECDSA_SHA224:
        case CKM_ECDSA_SHA256:
        case CKM_ECDSA_SHA384:
        case CKM_ECDSA_SHA512: {
            // Leftmost nLen bytes if longer, zero-padded on the left if shorter.
            std::size_t n = (k.bits + 7) / 8;
            Bytes h(n, 0);
            std::size_t take = std::min(n, payload.size());
            std::copy(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(take), h.end() - take);
            out = std::move(h);
            return CKR_OK;
        }
        default: {
            const MechanismSpec* spec = findMechanism(op.mechanism);
            if (spec && spec->pss) {
                if (payload.size() != crypto::hashSize(op.pssHash)) return CKR_DATA_LEN_RANGE;
                r = crypto::pssEncode(payload, op.pssHash, op.pssMgf, op.pssSalt, k.bits);
            } else if (spec && spec->hash) {
                r = crypto::pkcs1v15DigestInfoBlock(*spec->hash, payload, k.rsaBytes());
            } else {
                return CKR_MECHANISM_INVALID;
            }
        }
    }
    if (!r) return r.error().code == core::Errc::InvalidArgument ? CKR_DATA_LEN_RANGE : CKR_FUNCTION_FAILED;
    out = std::move(*r);
    return CKR_OK;
}

// Encodes, signs on the card, formats. Ends the operation unless a wrong context PIN keeps it.
CK_RV finishSign(Session& s, core::ByteView payload, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen) {
    SignOperation& op = *s.sign;
    Bytes block;
    CK_RV rv = encodeInput(op, payload, block);
    std::optional<core::ByteView> pin;
    if (rv == CKR_OK) pin = contextPin(op, rv);
    if (rv != CKR_OK) {
        s.sign.reset();
        return rv;
    }
    auto r = s.context().token().sign(op.key.key.key.ref, block, pin);
    if (!r) {
        bool keep = false;
        rv = cardCallFailed(s, op, r.error(), keep);
        if (!keep) s.sign.reset();
        return rv;
    }
    Bytes out = std::move(*r);
    if (op.key.type == crypto::KeyType::Ec) {
        auto raw = crypto::ecdsaDerToRaw(out, (op.key.bits + 7) / 8);
        if (!raw) {
            s.sign.reset();
            return CKR_DEVICE_ERROR;
        }
        out = std::move(*raw);
    }
    s.sign.reset();
    if (out.size() > *sigLen) return CKR_GENERAL_ERROR;  // sizes were checked before the card call
    copyOut(out, sig, sigLen);
    return CKR_OK;
}

}  // namespace

CK_RV signInit(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!mech) {  // 3.0: a NULL mechanism cancels the active operation
        if (!s->sign) return CKR_ARGUMENTS_BAD;
        s->sign.reset();
        return CKR_OK;
    }
    if (s->sign) return CKR_OPERATION_ACTIVE;
    const MechanismSpec* spec = findMechanism(mech->mechanism, s->context().token().kind());
    if (!spec || !canSign(*spec)) return CKR_MECHANISM_INVALID;
    SignOperation op;
    if (CK_RV rv = lookupSessionKey(m, *s, key, op.key); rv != CKR_OK) return rv;
    if (CK_RV rv = checkKeyFamily(*spec, op.key); rv != CKR_OK) return rv;
    if (!(op.key.key.key.usage & cardapp::kUsageSign)) return CKR_KEY_FUNCTION_NOT_PERMITTED;
    if (spec->pss)
        if (CK_RV rv = readPssParams(*mech, *spec, op.key, op); rv != CKR_OK) return rv;
    if (spec->type == CKM_EDDSA && mech->pParameter) {  // only pure Ed25519 (no prehash, no context)
        if (mech->ulParameterLen != sizeof(CK_EDDSA_PARAMS)) return CKR_MECHANISM_PARAM_INVALID;
        const auto* p = static_cast<const CK_EDDSA_PARAMS*>(mech->pParameter);
        if (p->phFlag || p->ulContextDataLen) return CKR_MECHANISM_PARAM_INVALID;
    }
    op.mechanism = spec->type;
    op.hash = spec->hash;
    if (op.hash) {
        auto hasher = crypto::Hasher::create(*op.hash);
        if (!hasher) return CKR_FUNCTION_FAILED;
        op.hasher.emplace(std::move(*hasher));
    }
    s->sign = std::move(op);
    return CKR_OK;
}

CK_RV sign(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!s->sign) return CKR_OPERATION_NOT_INITIALIZED;
    if ((!data && len) || !sigLen || s->sign->multiPart) {
        CK_RV rv = s->sign->multiPart ? CKR_OPERATION_ACTIVE : CKR_ARGUMENTS_BAD;
        s->sign.reset();
        return rv;
    }
    if (auto q = lengthQuery(sig, sigLen, signatureSize(s->sign->key))) return *q;
    s->sign->dataSeen = true;
    core::ByteView input = bytesOf(data, len);
    if (s->sign->hash) {
        if (!s->sign->finishedHash) s->sign->finishedHash = crypto::digest(*s->sign->hash, input);
        Bytes hash = *s->sign->finishedHash;
        return finishSign(*s, hash, sig, sigLen);
    }
    return finishSign(*s, input, sig, sigLen);
}

CK_RV signUpdate(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!s->sign) return CKR_OPERATION_NOT_INITIALIZED;
    SignOperation& op = *s->sign;
    CK_RV rv = CKR_OK;
    if (!data && len) {
        rv = CKR_ARGUMENTS_BAD;
    } else if (op.finishedHash) {
        rv = CKR_OPERATION_ACTIVE;  // a C_Sign already consumed the data
    } else if (op.hasher) {
        if (!op.hasher->update(bytesOf(data, len))) rv = CKR_FUNCTION_FAILED;
    } else if (op.buffered.size() + len > kMaxBuffered) {
        rv = CKR_DATA_LEN_RANGE;
    } else {
        core::ByteView in = bytesOf(data, len);
        op.buffered.insert(op.buffered.end(), in.begin(), in.end());
    }
    if (rv != CKR_OK) {
        s->sign.reset();  // a failed update ends the operation
        return rv;
    }
    op.dataSeen = true;
    op.multiPart = true;
    return CKR_OK;
}

CK_RV signFinal(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!s->sign) return CKR_OPERATION_NOT_INITIALIZED;
    if (!sigLen) {
        s->sign.reset();
        return CKR_ARGUMENTS_BAD;
    }
    if (auto q = lengthQuery(sig, sigLen, signatureSize(s->sign->key))) return *q;
    SignOperation& op = *s->sign;
    op.dataSeen = true;
    if (op.hasher && !op.finishedHash) {
        auto hash = op.hasher->finish();
        if (!hash) {
            s->sign.reset();
            return CKR_FUNCTION_FAILED;
        }
        op.finishedHash = std::move(*hash);
    }
    if (op.finishedHash) {
        Bytes hash = *op.finishedHash;
        return finishSign(*s, hash, sig, sigLen);
    }
    core::SecureBytes data = op.buffered;
    return finishSign(*s, core::view(data), sig, sigLen);
}

}  // namespace p11
