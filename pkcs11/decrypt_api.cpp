// C_DecryptInit / C_Decrypt: raw RSA on the card, padding removed on the host. All our decryption
// mechanisms are single-part: C_DecryptUpdate / C_DecryptFinal end the operation with
// CKR_OPERATION_NOT_INITIALIZED (as C_SignUpdate does for single-part signing). The plaintext length is unknown before the card answers: a NULL
// buffer gets k (the modulus size); when the caller's buffer proves too short after the card call, the
// result is kept in the session so the retry does not touch the card again.
#include "core/crypto/rsa_padding.h"
#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/key_ops.h"
#include "pkcs11/object_store.h"

namespace p11 {
namespace {

CK_RV readOaepParams(const CK_MECHANISM& mech, DecryptOperation& op) {
    if (!mech.pParameter || mech.ulParameterLen != sizeof(CK_RSA_PKCS_OAEP_PARAMS))
        return CKR_MECHANISM_PARAM_INVALID;
    const auto* p = static_cast<const CK_RSA_PKCS_OAEP_PARAMS*>(mech.pParameter);
    auto hash = hashFromMechanism(p->hashAlg);
    auto mgf = hashFromMgf(p->mgf);
    if (!hash || !mgf) return CKR_MECHANISM_PARAM_INVALID;
    bool noLabel = !p->pSourceData || p->ulSourceDataLen == 0;
    if (p->source != CKZ_DATA_SPECIFIED && !(p->source == 0 && noLabel)) return CKR_MECHANISM_PARAM_INVALID;
    if (!p->pSourceData && p->ulSourceDataLen) return CKR_MECHANISM_PARAM_INVALID;
    op.oaepHash = *hash;
    op.oaepMgf = *mgf;
    core::ByteView label = bytesOf(p->pSourceData, p->ulSourceDataLen);
    op.oaepLabel.assign(label.begin(), label.end());
    return CKR_OK;
}

// Delivers the plaintext (cached or fresh); ends the operation unless the buffer is short.
CK_RV deliver(Session& s, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    DecryptOperation& op = *s.decrypt;
    if (auto q = lengthQuery(out, outLen, op.result->size())) return *q;
    copyOut(core::view(*op.result), out, outLen);
    s.decrypt.reset();
    return CKR_OK;
}

CK_RV decryptBlock(Session& s, core::ByteView in, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    DecryptOperation& op = *s.decrypt;
    if (op.result) return deliver(s, out, outLen);
    std::size_t k = op.key.rsaBytes();
    if (in.size() != k) {
        s.decrypt.reset();
        return CKR_ENCRYPTED_DATA_LEN_RANGE;
    }
    if (!out) {  // upper bound, without the card
        *outLen = k;
        return CKR_OK;
    }
    CK_RV rv = CKR_OK;
    std::optional<core::ByteView> pin = contextPin(op, rv);
    if (rv != CKR_OK) {
        s.decrypt.reset();
        return rv;
    }
    op.dataSeen = true;
    auto r = s.context().token().decipher(op.key.key.key.ref, in, pin);
    if (!r) {
        bool keep = false;
        rv = cardCallFailed(s, op, r.error(), keep);
        if (!keep) s.decrypt.reset();
        return rv;
    }
    core::SecureBytes block = core::secureCopy(*r);
    core::secureWipe(r->data(), r->size());
    core::Result<Bytes> plain;
    switch (op.mechanism) {
        case CKM_RSA_X_509: plain = Bytes(block.begin(), block.end()); break;
        case CKM_RSA_PKCS: plain = crypto::pkcs1v15DecryptUnpad(core::view(block)); break;
        default: plain = crypto::oaepDecode(core::view(block), op.oaepHash, op.oaepMgf, op.oaepLabel); break;
    }
    if (!plain) {  // one code for every padding failure: no oracle
        s.decrypt.reset();
        return CKR_ENCRYPTED_DATA_INVALID;
    }
    op.result = core::secureCopy(*plain);
    core::secureWipe(plain->data(), plain->size());
    return deliver(s, out, outLen);
}

}  // namespace

CK_RV decryptInit(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!mech) {  // 3.0: a NULL mechanism cancels the active operation
        if (!s->decrypt) return CKR_ARGUMENTS_BAD;
        s->decrypt.reset();
        return CKR_OK;
    }
    if (s->decrypt) return CKR_OPERATION_ACTIVE;
    const MechanismSpec* spec = findMechanism(mech->mechanism, s->context().token().kind());
    if (!spec || !canDecrypt(*spec)) return CKR_MECHANISM_INVALID;
    DecryptOperation op;
    if (CK_RV rv = lookupSessionKey(m, *s, key, op.key); rv != CKR_OK) return rv;
    if (CK_RV rv = checkKeyFamily(*spec, op.key); rv != CKR_OK) return rv;
    if (!(op.key.key.key.usage & cardapp::kUsageDecrypt)) return CKR_KEY_FUNCTION_NOT_PERMITTED;
    if (spec->type == CKM_RSA_PKCS_OAEP)
        if (CK_RV rv = readOaepParams(*mech, op); rv != CKR_OK) return rv;
    op.mechanism = spec->type;
    s->decrypt = std::move(op);
    return CKR_OK;
}

CK_RV decrypt(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out,
              CK_ULONG_PTR outLen) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!s->decrypt) return CKR_OPERATION_NOT_INITIALIZED;
    if ((!in && inLen) || !outLen) {
        s->decrypt.reset();
        return CKR_ARGUMENTS_BAD;
    }
    return decryptBlock(*s, bytesOf(in, inLen), out, outLen);
}

CK_RV decryptUpdate(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return decryptFinal(m, h, nullptr, nullptr);
}

CK_RV decryptFinal(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR, CK_ULONG_PTR) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!s->decrypt) return CKR_OPERATION_NOT_INITIALIZED;
    s->decrypt.reset();  // single-part mechanisms only
    return CKR_OPERATION_NOT_INITIALIZED;
}

}  // namespace p11
