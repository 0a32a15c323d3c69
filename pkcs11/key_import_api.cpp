// C_CreateObject(CKO_PRIVATE_KEY): a private key handed over as PKCS#11 attributes is written into a card
// slot (PIV: Yubico IMPORT ASYMMETRIC KEY; OpenPGP: PUT DATA 3FFF with PW3). Only the card ever uses the
// key: the module copies the components into wiped buffers (SecureBytes), checks their sizes (and that
// p·q = n with BIGNUM arithmetic in secure memory) and never parses them with OpenSSL's key functions
// (tests/secrets checks the imports). The template's buffers stay the caller's; nothing of it is kept.
#include <openssl/bn.h>

#include <memory>

#include "card-apps/common/private_key.h"
#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/attributes.h"
#include "pkcs11/ckr_map.h"
#include "pkcs11/object_store.h"

namespace p11 {
namespace {

using cardapp::KeyAlgorithm;
using cardapp::PrivateKeyComponents;

struct BnFree {
    void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct CtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using SecureBn = std::unique_ptr<BIGNUM, BnFree>;

SecureBn secureBn(core::ByteView v) {
    SecureBn b(BN_secure_new());
    if (b && !BN_bin2bn(v.data(), static_cast<int>(v.size()), b.get())) b.reset();
    return b;
}

// p·q = n: a template whose factors belong to another modulus would give a key that signs garbage.
CK_RV checkFactors(const PrivateKeyComponents& k) {
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_secure_new());
    SecureBn p = secureBn(core::view(k.p)), q = secureBn(core::view(k.q)), n = secureBn(k.modulus);
    SecureBn product(BN_secure_new());
    if (!ctx || !p || !q || !n || !product) return CKR_HOST_MEMORY;
    if (!BN_mul(product.get(), p.get(), q.get(), ctx.get())) return CKR_HOST_MEMORY;
    return BN_cmp(product.get(), n.get()) == 0 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
}

struct KeyTemplate {
    std::optional<CK_KEY_TYPE> keyType;
    const CK_ATTRIBUTE* id = nullptr;
    const CK_ATTRIBUTE* ecParams = nullptr;
    const CK_ATTRIBUTE* value = nullptr;  // EC private value
    const CK_ATTRIBUTE* publicKeyInfo = nullptr;
    const CK_ATTRIBUTE* rsa[7] = {};  // n, e, p, q, dp, dq, qinv
};

constexpr CK_ATTRIBUTE_TYPE kRsaTypes[7] = {CKA_MODULUS,    CKA_PUBLIC_EXPONENT, CKA_PRIME_1,    CKA_PRIME_2,
                                            CKA_EXPONENT_1, CKA_EXPONENT_2,      CKA_COEFFICIENT};

CK_RV requireTrue(const CK_ATTRIBUTE& a, bool wanted) {
    auto b = readBool(a);
    if (!b) return CKR_ATTRIBUTE_VALUE_INVALID;
    return *b == wanted ? CKR_OK : CKR_TEMPLATE_INCONSISTENT;
}

// Sorts the template's attributes; refuses what a card key cannot be. No card I/O.
CK_RV parseTemplate(std::span<CK_ATTRIBUTE> t, KeyTemplate& out) {
    for (const CK_ATTRIBUTE& a : t) {
        if (!a.pValue && a.ulValueLen) return CKR_ATTRIBUTE_VALUE_INVALID;
        CK_RV rv = CKR_OK;
        switch (a.type) {
            case CKA_CLASS:
                break;
            case CKA_KEY_TYPE:
                if (!(out.keyType = readUlong(a))) return CKR_ATTRIBUTE_VALUE_INVALID;
                break;
            // We only make sensitive, non-extractable token keys.
            case CKA_TOKEN:
                rv = requireTrue(a, true);
                break;
            case CKA_SENSITIVE:
                rv = requireTrue(a, true);
                break;
            case CKA_EXTRACTABLE:
                rv = requireTrue(a, false);
                break;
            // Set by the card's slot, not by the template: any value is accepted, none is stored.
            case CKA_PRIVATE:
            case CKA_MODIFIABLE:
            case CKA_COPYABLE:
            case CKA_DESTROYABLE:
            case CKA_SIGN:
            case CKA_SIGN_RECOVER:
            case CKA_DECRYPT:
            case CKA_UNWRAP:
            case CKA_DERIVE:
            case CKA_WRAP_WITH_TRUSTED:
            case CKA_ALWAYS_AUTHENTICATE:
                if (!readBool(a)) return CKR_ATTRIBUTE_VALUE_INVALID;
                break;
            case CKA_LABEL:  // the card stores no labels
            case CKA_SUBJECT:
            case CKA_START_DATE:
            case CKA_END_DATE:
            case CKA_PRIVATE_EXPONENT:  // not needed by either card: ignored, never copied
                break;
            case CKA_ID:
                out.id = &a;
                break;
            case CKA_EC_PARAMS:
                out.ecParams = &a;
                break;
            case CKA_VALUE:
                out.value = &a;
                break;
            case CKA_PUBLIC_KEY_INFO:
                out.publicKeyInfo = &a;
                break;
            case CKA_LOCAL:
            case CKA_ALWAYS_SENSITIVE:
            case CKA_NEVER_EXTRACTABLE:
            case CKA_KEY_GEN_MECHANISM:
            case CKA_UNIQUE_ID:
                return CKR_ATTRIBUTE_READ_ONLY;
            default: {
                const auto* it = std::find(std::begin(kRsaTypes), std::end(kRsaTypes), a.type);
                if (it == std::end(kRsaTypes)) return CKR_ATTRIBUTE_TYPE_INVALID;
                out.rsa[it - std::begin(kRsaTypes)] = &a;
            }
        }
        if (rv != CKR_OK) return rv;
    }
    return CKR_OK;
}

core::SecureBytes secret(const CK_ATTRIBUTE* a) {
    return core::secureCopy(bytesOf(a->pValue, a->ulValueLen));
}

CK_RV rsaComponents(const KeyTemplate& t, PrivateKeyComponents& k) {
    if (t.ecParams || t.value) return CKR_TEMPLATE_INCONSISTENT;
    for (const CK_ATTRIBUTE* a : t.rsa)
        if (!a) return CKR_TEMPLATE_INCOMPLETE;
    const core::ByteView n = cardapp::stripLeadingZeros(bytesOf(t.rsa[0]->pValue, t.rsa[0]->ulValueLen));
    switch (n.size() * 8) {
        case 1024:
            k.algorithm = KeyAlgorithm::Rsa1024;
            break;
        case 2048:
            k.algorithm = KeyAlgorithm::Rsa2048;
            break;
        case 3072:
            k.algorithm = KeyAlgorithm::Rsa3072;
            break;
        case 4096:
            k.algorithm = KeyAlgorithm::Rsa4096;
            break;
        default:
            return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    k.modulus.assign(n.begin(), n.end());
    const core::ByteView e = bytesOf(t.rsa[1]->pValue, t.rsa[1]->ulValueLen);
    k.publicExponent.assign(e.begin(), e.end());
    k.p = secret(t.rsa[2]);
    k.q = secret(t.rsa[3]);
    k.dp = secret(t.rsa[4]);
    k.dq = secret(t.rsa[5]);
    k.qinv = secret(t.rsa[6]);
    if (!cardapp::checkComponents(k)) return CKR_ATTRIBUTE_VALUE_INVALID;
    return checkFactors(k);
}

CK_RV ecComponents(const KeyTemplate& t, PrivateKeyComponents& k) {
    for (const CK_ATTRIBUTE* a : t.rsa)
        if (a) return CKR_TEMPLATE_INCONSISTENT;
    if (!t.ecParams || !t.value) return CKR_TEMPLATE_INCOMPLETE;
    const core::ByteView p = bytesOf(t.ecParams->pValue, t.ecParams->ulValueLen);
    const Bytes p256 = core::hexBytes("06082A8648CE3D030107"), p384 = core::hexBytes("06052B81040022");
    if (std::equal(p.begin(), p.end(), p256.begin(), p256.end()))
        k.algorithm = KeyAlgorithm::EcP256;
    else if (std::equal(p.begin(), p.end(), p384.begin(), p384.end()))
        k.algorithm = KeyAlgorithm::EcP384;
    else
        return CKR_ATTRIBUTE_VALUE_INVALID;  // the cards take P-256 and P-384 only
    k.scalar = secret(t.value);
    // The public point, when the caller gave CKA_PUBLIC_KEY_INFO (an OpenPGP card may need it).
    if (t.publicKeyInfo && t.publicKeyInfo->ulValueLen) {
        auto pub = crypto::parseSpki(bytesOf(t.publicKeyInfo->pValue, t.publicKeyInfo->ulValueLen));
        if (!pub || pub->type != crypto::KeyType::Ec) return CKR_ATTRIBUTE_VALUE_INVALID;
        const Bytes& params = pub->ecParams;
        if (!std::equal(params.begin(), params.end(), p.begin(), p.end())) return CKR_TEMPLATE_INCONSISTENT;
        k.publicPoint = pub->ecPoint;
    }
    if (!cardapp::checkComponents(k)) return CKR_ATTRIBUTE_VALUE_INVALID;
    return CKR_OK;
}

}  // namespace

CK_RV createPrivateKey(Module& m, Session& s, std::span<CK_ATTRIBUTE> tmpl, CK_OBJECT_HANDLE_PTR out) {
    KeyTemplate t;
    if (CK_RV rv = parseTemplate(tmpl, t); rv != CKR_OK) return rv;
    if (!t.keyType) return CKR_TEMPLATE_INCOMPLETE;
    PrivateKeyComponents key;
    CK_RV rv = CKR_OK;
    if (*t.keyType == CKK_RSA)
        rv = rsaComponents(t, key);
    else if (*t.keyType == CKK_EC)
        rv = ecComponents(t, key);
    else
        rv = CKR_ATTRIBUTE_VALUE_INVALID;  // Edwards / Montgomery keys: not importable through PKCS#11 here
    if (rv != CKR_OK) return rv;
    if ((rv = requireAdmin(s)) != CKR_OK) return rv;

    token::Token& tok = s.context().token();
    auto present = tok.objects();
    if (!present) return toCkr(present.error());
    uint8_t ref = 0;
    std::span<CK_ATTRIBUTE> priv = tmpl;
    if ((rv = chooseSlot(tok.kind(), {}, priv, *present, ref)) != CKR_OK) return rv;
    if (auto r = tok.importKey(ref, key); !r) {
        // The application refuses keys its slot cannot hold (e.g. RSA-1024 on OpenPGP) before any APDU.
        if (r.error().code == core::Errc::InvalidArgument) return CKR_ATTRIBUTE_VALUE_INVALID;
        return toCkr(r.error());
    }
    auto cardId = tok.cardId();
    if (!cardId) return toCkr(cardId.error());
    *out = m.objectHandle(TokenObjectId{s.slot(), *cardId, ObjectKind::PrivateKey, ref});
    return CKR_OK;
}

}  // namespace p11
