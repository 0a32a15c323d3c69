// Changes to the card: C_GenerateKeyPair (on-card RSA / EC keys), C_CreateObject (X.509 certificate
// into a key slot, checked against the key; PIV data objects into the writable objects; private keys in
// key_import_api.cpp) and C_DestroyObject
// of certificates and writable data objects. All need the SO logged
// in with the PIV management key or, on an OpenPGP token, PW3 (README.md), in a read/write session.
#include <optional>

#include "core/crypto/certificate.h"
#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/ckr_map.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/object_store.h"

namespace p11 {
namespace {

using cardapp::KeyAlgorithm;

// Key slots in the order a key without CKA_ID goes to: the first free one.
constexpr uint8_t kSlotOrder[] = {0x9A, 0x9C, 0x9D, 0x9E, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                                  0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95};
constexpr uint8_t kOpenPgpOrder[] = {0x01, 0x02, 0x03};

const CK_ATTRIBUTE* findAttr(std::span<CK_ATTRIBUTE> t, CK_ATTRIBUTE_TYPE type) {
    for (const CK_ATTRIBUTE& a : t)
        if (a.type == type) return &a;
    return nullptr;
}

}  // namespace

CK_RV requireAdmin(Session& s) {
    if (!s.readWrite()) return CKR_SESSION_READ_ONLY;
    TokenContext& ctx = s.context();
    std::lock_guard lock(ctx.mutex);
    if (ctx.login != LoginState::So || ctx.soCredential == token::SoCredential::Puk) return CKR_USER_NOT_LOGGED_IN;
    return CKR_OK;
}

// CKA_ID from either template (they must agree) → the key slot; nullopt id → first free slot.
CK_RV chooseSlot(token::AppKind app, std::span<CK_ATTRIBUTE> pub, std::span<CK_ATTRIBUTE> priv,
                 const std::vector<token::KeyObject>& present, uint8_t& ref) {
    const CK_ATTRIBUTE* a = findAttr(pub, CKA_ID);
    const CK_ATTRIBUTE* b = findAttr(priv, CKA_ID);
    if (a && b && (a->ulValueLen != b->ulValueLen ||
                   !std::equal(bytesOf(a->pValue, a->ulValueLen).begin(), bytesOf(a->pValue, a->ulValueLen).end(),
                               bytesOf(b->pValue, b->ulValueLen).begin())))
        return CKR_TEMPLATE_INCONSISTENT;
    if (const CK_ATTRIBUTE* id = a ? a : b) {
        auto r = keyRefForId(app, bytesOf(id->pValue, id->ulValueLen));
        if (!r) return CKR_ATTRIBUTE_VALUE_INVALID;
        ref = *r;
        return CKR_OK;
    }
    std::span<const uint8_t> order = kSlotOrder;
    if (app == token::AppKind::OpenPgp) order = kOpenPgpOrder;
    for (uint8_t candidate : order) {
        bool used = std::any_of(present.begin(), present.end(),
                                [&](const token::KeyObject& k) { return k.key.ref == candidate; });
        if (!used) {
            ref = candidate;
            return CKR_OK;
        }
    }
    return CKR_DEVICE_MEMORY;
}

namespace {

CK_RV rsaAlgorithm(std::span<CK_ATTRIBUTE> pub, KeyAlgorithm& alg) {
    const CK_ATTRIBUTE* bits = findAttr(pub, CKA_MODULUS_BITS);
    if (!bits) return CKR_TEMPLATE_INCOMPLETE;
    auto v = readUlong(*bits);
    if (!v) return CKR_ATTRIBUTE_VALUE_INVALID;
    switch (*v) {
        case 1024: alg = KeyAlgorithm::Rsa1024; break;
        case 2048: alg = KeyAlgorithm::Rsa2048; break;
        case 3072: alg = KeyAlgorithm::Rsa3072; break;
        case 4096: alg = KeyAlgorithm::Rsa4096; break;
        default: return CKR_KEY_SIZE_RANGE;
    }
    if (const CK_ATTRIBUTE* e = findAttr(pub, CKA_PUBLIC_EXPONENT)) {
        core::ByteView exp = bytesOf(e->pValue, e->ulValueLen);
        while (!exp.empty() && exp[0] == 0) exp = exp.subspan(1);
        const Bytes f4{0x01, 0x00, 0x01};  // the card generates with e = 65537 only
        if (!std::equal(exp.begin(), exp.end(), f4.begin(), f4.end())) return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    return CKR_OK;
}

CK_RV ecAlgorithm(std::span<CK_ATTRIBUTE> pub, KeyAlgorithm& alg) {
    const CK_ATTRIBUTE* params = findAttr(pub, CKA_EC_PARAMS);
    if (!params) return CKR_TEMPLATE_INCOMPLETE;
    core::ByteView p = bytesOf(params->pValue, params->ulValueLen);
    const Bytes p256 = core::hexBytes("06082A8648CE3D030107"), p384 = core::hexBytes("06052B81040022");
    if (std::equal(p.begin(), p.end(), p256.begin(), p256.end())) alg = KeyAlgorithm::EcP256;
    else if (std::equal(p.begin(), p.end(), p384.begin(), p384.end())) alg = KeyAlgorithm::EcP384;
    else return CKR_CURVE_NOT_SUPPORTED;
    return CKR_OK;
}

// Ed25519 / X25519: CKA_EC_PARAMS is optional; if given, the RFC 8410 OID or the printable curve name.
CK_RV curve25519Params(std::span<CK_ATTRIBUTE> pub, std::string_view name, std::string_view oidHex) {
    const CK_ATTRIBUTE* params = findAttr(pub, CKA_EC_PARAMS);
    if (!params) return CKR_OK;
    core::ByteView p = bytesOf(params->pValue, params->ulValueLen);
    Bytes printable{0x13, static_cast<uint8_t>(name.size())};
    printable.insert(printable.end(), name.begin(), name.end());
    const Bytes oid = core::hexBytes(oidHex);
    if (std::equal(p.begin(), p.end(), printable.begin(), printable.end())) return CKR_OK;
    if (std::equal(p.begin(), p.end(), oid.begin(), oid.end())) return CKR_OK;
    return CKR_CURVE_NOT_SUPPORTED;
}

// Hardware keys are always token objects and never extractable.
CK_RV checkKeyTemplate(std::span<CK_ATTRIBUTE> t) {
    for (const CK_ATTRIBUTE& a : t) {
        if (a.type == CKA_UNIQUE_ID) return CKR_ATTRIBUTE_READ_ONLY;  // the token assigns it
        if (a.type == CKA_TOKEN && readBool(a) == false) return CKR_TEMPLATE_INCONSISTENT;
        if (a.type == CKA_EXTRACTABLE && readBool(a) == true) return CKR_TEMPLATE_INCONSISTENT;
    }
    return CKR_OK;
}

// A CKO_DATA template: the writable object it names (by CKA_LABEL; none: the first free one), whether it
// asks for a private object, and the value. Everything else must describe what the card can hold. No card I/O.
struct DataTemplate {
    const token::DataObjectSpec* named = nullptr;
    bool isPrivate = false;
    core::ByteView value;
};

CK_RV parseDataTemplate(token::AppKind app, std::span<CK_ATTRIBUTE> t, DataTemplate& out) {
    const token::DataObjectSpec* byLabel = nullptr;
    const CK_ATTRIBUTE* valueAttr = nullptr;
    for (const CK_ATTRIBUTE& a : t) {
        if (!a.pValue && a.ulValueLen) return CKR_ATTRIBUTE_VALUE_INVALID;
        switch (a.type) {
            case CKA_CLASS: break;
            case CKA_TOKEN:  // data objects live on the card
            case CKA_DESTROYABLE:
                if (!readBool(a)) return CKR_ATTRIBUTE_VALUE_INVALID;
                if (!*readBool(a)) return CKR_TEMPLATE_INCONSISTENT;
                break;
            case CKA_PRIVATE:  // must match what the card enforces for the object (checked below)
                if (!readBool(a)) return CKR_ATTRIBUTE_VALUE_INVALID;
                out.isPrivate = *readBool(a);
                break;
            case CKA_MODIFIABLE:
            case CKA_COPYABLE:
                if (!readBool(a)) return CKR_ATTRIBUTE_VALUE_INVALID;
                if (*readBool(a)) return CKR_TEMPLATE_INCONSISTENT;
                break;
            case CKA_APPLICATION: {
                const std::string_view name = token::dataObjectApplication(app);
                core::ByteView v = bytesOf(a.pValue, a.ulValueLen);
                if (!std::equal(v.begin(), v.end(), name.begin(), name.end())) return CKR_ATTRIBUTE_VALUE_INVALID;
                break;
            }
            case CKA_OBJECT_ID:  // the writable objects have none; a standard object's OID is refused
                if (a.ulValueLen) return CKR_ATTRIBUTE_VALUE_INVALID;
                break;
            case CKA_LABEL: {  // the card stores no labels: only a writable object's own name is accepted
                core::ByteView v = bytesOf(a.pValue, a.ulValueLen);
                byLabel = nullptr;
                for (const token::DataObjectSpec& spec : token::dataObjectSpecs(app))
                    if (spec.writable && std::equal(v.begin(), v.end(), spec.label.begin(), spec.label.end()))
                        byLabel = &spec;
                if (!byLabel) return CKR_ATTRIBUTE_VALUE_INVALID;
                break;
            }
            case CKA_VALUE: valueAttr = &a; break;
            case CKA_UNIQUE_ID: return CKR_ATTRIBUTE_READ_ONLY;  // the token assigns it
            default: return CKR_ATTRIBUTE_TYPE_INVALID;
        }
    }
    if (!valueAttr) return CKR_TEMPLATE_INCOMPLETE;
    if (valueAttr->ulValueLen == 0) return CKR_ATTRIBUTE_VALUE_INVALID;  // an empty object is a deleted one
    if (byLabel && byLabel->pinToRead != out.isPrivate) return CKR_TEMPLATE_INCONSISTENT;
    const auto specs = token::dataObjectSpecs(app);
    if (!std::any_of(specs.begin(), specs.end(),
                     [&](const token::DataObjectSpec& s) { return s.writable && s.pinToRead == out.isPrivate; }))
        return CKR_TEMPLATE_INCONSISTENT;  // e.g. a private PIV object: the card cannot protect the writable ones
    out.named = byLabel;
    out.value = bytesOf(valueAttr->pValue, valueAttr->ulValueLen);
    return CKR_OK;
}

CK_RV createDataObject(Module& m, Session& s, std::span<CK_ATTRIBUTE> tmpl, CK_OBJECT_HANDLE_PTR out) {
    token::Token& tok = s.context().token();
    const token::AppKind app = tok.kind();
    DataTemplate dt;
    if (CK_RV rv = parseDataTemplate(app, tmpl, dt); rv != CKR_OK) return rv;
    // PIV: SO with the management key. OpenPGP: the token checks the DO's writer (user or PW3).
    if (app == token::AppKind::Piv) {
        if (CK_RV rv = requireAdmin(s); rv != CKR_OK) return rv;
    } else if (!s.readWrite()) {
        return CKR_SESSION_READ_ONLY;
    }
    uint32_t tag = 0;
    if (dt.named) {
        tag = dt.named->tag;  // an object already there is replaced, as a certificate is
    } else {
        auto present = tok.dataObjects();
        if (!present) return toCkr(present.error());
        const bool so = s.login() == LoginState::So;
        for (const token::DataObjectSpec& spec : token::dataObjectSpecs(app)) {
            if (!spec.writable || spec.pinToRead != dt.isPrivate) continue;
            if (app == token::AppKind::OpenPgp && (spec.tag == 0x0102) != so) continue;  // 0102: PW3's
            if (std::find(present->begin(), present->end(), spec.tag) == present->end()) {
                tag = spec.tag;
                break;
            }
        }
        if (!tag) return app == token::AppKind::Piv || s.login() != LoginState::Public ? CKR_DEVICE_MEMORY
                                                                                        : CKR_USER_NOT_LOGGED_IN;
    }
    if (auto r = tok.writeDataObject(tag, dt.value); !r) return toCkr(r.error());
    auto cardId = tok.cardId();
    if (!cardId) return toCkr(cardId.error());
    *out = m.objectHandle(TokenObjectId{s.slot(), *cardId, ObjectKind::Data, 0, tag});
    return CKR_OK;
}

}  // namespace

CK_RV generateKeyPair(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_ATTRIBUTE_PTR pubT, CK_ULONG pubN,
                      CK_ATTRIBUTE_PTR privT, CK_ULONG privN, CK_OBJECT_HANDLE_PTR pubOut,
                      CK_OBJECT_HANDLE_PTR privOut) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!mech || !pubOut || !privOut || (!pubT && pubN) || (!privT && privN)) return CKR_ARGUMENTS_BAD;
    auto pub = templateSpan(pubT, pubN);
    auto priv = templateSpan(privT, privN);
    KeyAlgorithm alg;
    CK_RV rv;
    const token::AppKind app = s->context().token().kind();
    if (!findMechanism(mech->mechanism, app)) return CKR_MECHANISM_INVALID;
    if (mech->mechanism == CKM_RSA_PKCS_KEY_PAIR_GEN) {
        rv = rsaAlgorithm(pub, alg);
    } else if (mech->mechanism == CKM_EC_KEY_PAIR_GEN) {
        rv = ecAlgorithm(pub, alg);
    } else if (mech->mechanism == CKM_EC_EDWARDS_KEY_PAIR_GEN) {
        alg = KeyAlgorithm::Ed25519;
        rv = curve25519Params(pub, "edwards25519", "06032B6570");
    } else if (mech->mechanism == CKM_EC_MONTGOMERY_KEY_PAIR_GEN) {
        alg = KeyAlgorithm::X25519;
        rv = curve25519Params(pub, "curve25519", "06032B656E");
    } else {
        return CKR_MECHANISM_INVALID;
    }
    if (rv != CKR_OK) return rv;
    if ((rv = checkKeyTemplate(pub)) != CKR_OK || (rv = checkKeyTemplate(priv)) != CKR_OK) return rv;
    if ((rv = requireAdmin(*s)) != CKR_OK) return rv;

    token::Token& tok = s->context().token();
    auto present = tok.objects();
    if (!present) return toCkr(present.error());
    uint8_t ref = 0;
    if ((rv = chooseSlot(app, pub, priv, *present, ref)) != CKR_OK) return rv;
    auto key = tok.generateKey(ref, alg);
    if (!key) return toCkr(key.error());
    auto cardId = tok.cardId();
    if (!cardId) return toCkr(cardId.error());
    *pubOut = m.objectHandle(TokenObjectId{s->slot(), *cardId, ObjectKind::PublicKey, ref});
    *privOut = m.objectHandle(TokenObjectId{s->slot(), *cardId, ObjectKind::PrivateKey, ref});
    return CKR_OK;
}

CK_RV createObject(Module& m, CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!out || (!t && n)) return CKR_ARGUMENTS_BAD;
    auto tmpl = templateSpan(t, n);
    if (findAttr(tmpl, CKA_UNIQUE_ID)) return CKR_ATTRIBUTE_READ_ONLY;  // the token assigns it
    const CK_ATTRIBUTE* cls = findAttr(tmpl, CKA_CLASS);
    if (!cls) return CKR_TEMPLATE_INCOMPLETE;
    if (readUlong(*cls) == CK_OBJECT_CLASS(CKO_DATA)) return createDataObject(m, *s, tmpl, out);
    if (readUlong(*cls) == CK_OBJECT_CLASS(CKO_PRIVATE_KEY)) return createPrivateKey(m, *s, tmpl, out);
    if (readUlong(*cls) != CKO_CERTIFICATE) return CKR_TEMPLATE_INCONSISTENT;  // certificates, data, private keys
    if (const CK_ATTRIBUTE* ct = findAttr(tmpl, CKA_CERTIFICATE_TYPE); ct && readUlong(*ct) != CKC_X_509)
        return CKR_TEMPLATE_INCONSISTENT;
    if (const CK_ATTRIBUTE* tokenAttr = findAttr(tmpl, CKA_TOKEN); tokenAttr && readBool(*tokenAttr) != true)
        return CKR_TEMPLATE_INCONSISTENT;  // certificates live on the card
    const CK_ATTRIBUTE* value = findAttr(tmpl, CKA_VALUE);
    const CK_ATTRIBUTE* id = findAttr(tmpl, CKA_ID);
    if (!value || !id) return CKR_TEMPLATE_INCOMPLETE;
    auto ref = keyRefForId(s->context().token().kind(), bytesOf(id->pValue, id->ulValueLen));
    if (!ref) return CKR_ATTRIBUTE_VALUE_INVALID;
    core::ByteView der = bytesOf(value->pValue, value->ulValueLen);
    auto cert = crypto::parseCertificate(der);
    if (!cert) return CKR_ATTRIBUTE_VALUE_INVALID;
    if (CK_RV rv = requireAdmin(*s); rv != CKR_OK) return rv;

    token::Token& tok = s->context().token();
    auto present = tok.objects();
    if (!present) return toCkr(present.error());
    auto key = std::find_if(present->begin(), present->end(), [&](const auto& k) { return k.key.ref == *ref; });
    if (key == present->end()) return CKR_ATTRIBUTE_VALUE_INVALID;  // no key in that slot
    if (key->publicKey && !crypto::certificateMatchesKey(*cert, key->publicKey->spki))
        return CKR_ATTRIBUTE_VALUE_INVALID;  // the certificate is for another key
    if (auto r = tok.writeCertificate(*ref, der); !r) return toCkr(r.error());
    auto cardId = tok.cardId();
    if (!cardId) return toCkr(cardId.error());
    *out = m.objectHandle(TokenObjectId{s->slot(), *cardId, ObjectKind::Certificate, *ref});
    return CKR_OK;
}

CK_RV destroyCertificate(Module& m, Session& s, CK_OBJECT_HANDLE o) {
    if (CK_RV rv = requireAdmin(s); rv != CKR_OK) return rv;
    std::optional<TokenObjectId> id = m.objectId(o);
    if (!id) return CKR_OBJECT_HANDLE_INVALID;
    if (auto r = s.context().token().deleteCertificate(id->keyRef); !r) return toCkr(r.error());
    return CKR_OK;
}

CK_RV destroyDataObject(Module& m, Session& s, CK_OBJECT_HANDLE o) {
    if (s.context().token().kind() == token::AppKind::Piv) {
        if (CK_RV rv = requireAdmin(s); rv != CKR_OK) return rv;
    } else if (!s.readWrite()) {
        return CKR_SESSION_READ_ONLY;
    }
    std::optional<TokenObjectId> id = m.objectId(o);
    if (!id || id->kind != ObjectKind::Data) return CKR_OBJECT_HANDLE_INVALID;
    if (auto r = s.context().token().deleteDataObject(id->dataTag); !r) return toCkr(r.error());
    return CKR_OK;
}

}  // namespace p11
