#include "pkcs11/attributes.h"

#include <cstring>
#include <ctime>
#include <initializer_list>

#include "core/crypto/hash.h"

namespace p11 {
namespace {

using A = Access;

// Policy tables: every attribute a class has. Builders supply values; anything a table lists but a
// builder leaves out is reported as present and empty (e.g. CKA_URL).
constexpr AttrPolicy kStorage[] = {
    {CKA_CLASS, A::Readable},      {CKA_TOKEN, A::Readable},    {CKA_PRIVATE, A::Readable},
    {CKA_LABEL, A::Readable},      {CKA_MODIFIABLE, A::Readable}, {CKA_COPYABLE, A::Readable},
    {CKA_DESTROYABLE, A::Readable}, {CKA_UNIQUE_ID, A::Readable},
};
constexpr AttrPolicy kCertificate[] = {
    {CKA_CERTIFICATE_TYPE, A::Readable}, {CKA_TRUSTED, A::Readable},
    {CKA_CERTIFICATE_CATEGORY, A::Readable}, {CKA_CHECK_VALUE, A::Readable},
    {CKA_START_DATE, A::Readable},       {CKA_END_DATE, A::Readable},
    {CKA_PUBLIC_KEY_INFO, A::Readable},  {CKA_SUBJECT, A::Readable},
    {CKA_ID, A::Readable},               {CKA_ISSUER, A::Readable},
    {CKA_SERIAL_NUMBER, A::Readable},    {CKA_VALUE, A::Readable},
    {CKA_URL, A::Readable},              {CKA_HASH_OF_SUBJECT_PUBLIC_KEY, A::Readable},
    {CKA_HASH_OF_ISSUER_PUBLIC_KEY, A::Readable}, {CKA_JAVA_MIDP_SECURITY_DOMAIN, A::Readable},
    {CKA_NAME_HASH_ALGORITHM, A::Readable},
};
constexpr AttrPolicy kKey[] = {
    {CKA_KEY_TYPE, A::Readable}, {CKA_ID, A::Readable},    {CKA_START_DATE, A::Readable},
    {CKA_END_DATE, A::Readable}, {CKA_DERIVE, A::Readable}, {CKA_LOCAL, A::Readable},
    {CKA_KEY_GEN_MECHANISM, A::Readable}, {CKA_ALLOWED_MECHANISMS, A::Readable},
};
constexpr AttrPolicy kPublicKey[] = {
    {CKA_SUBJECT, A::Readable}, {CKA_ENCRYPT, A::Readable}, {CKA_VERIFY, A::Readable},
    {CKA_VERIFY_RECOVER, A::Readable}, {CKA_WRAP, A::Readable}, {CKA_TRUSTED, A::Readable},
    {CKA_PUBLIC_KEY_INFO, A::Readable},
};
constexpr AttrPolicy kPrivateKey[] = {
    {CKA_SUBJECT, A::Readable},         {CKA_SENSITIVE, A::Readable},
    {CKA_DECRYPT, A::Readable},         {CKA_SIGN, A::Readable},
    {CKA_SIGN_RECOVER, A::Readable},    {CKA_UNWRAP, A::Readable},
    {CKA_EXTRACTABLE, A::Readable},     {CKA_ALWAYS_SENSITIVE, A::Readable},
    {CKA_NEVER_EXTRACTABLE, A::Readable}, {CKA_WRAP_WITH_TRUSTED, A::Readable},
    {CKA_ALWAYS_AUTHENTICATE, A::Readable}, {CKA_PUBLIC_KEY_INFO, A::Readable},
};
constexpr AttrPolicy kRsaPublic[] = {
    {CKA_MODULUS, A::Readable}, {CKA_MODULUS_BITS, A::Readable}, {CKA_PUBLIC_EXPONENT, A::Readable}};
constexpr AttrPolicy kRsaPrivate[] = {
    {CKA_MODULUS, A::Readable},          {CKA_MODULUS_BITS, A::Readable},
    {CKA_PUBLIC_EXPONENT, A::Readable},  {CKA_PRIVATE_EXPONENT, A::Sensitive},
    {CKA_PRIME_1, A::Sensitive},         {CKA_PRIME_2, A::Sensitive},
    {CKA_EXPONENT_1, A::Sensitive},      {CKA_EXPONENT_2, A::Sensitive},
    {CKA_COEFFICIENT, A::Sensitive},
};
constexpr AttrPolicy kEcPublic[] = {{CKA_EC_PARAMS, A::Readable}, {CKA_EC_POINT, A::Readable}};
constexpr AttrPolicy kEcPrivate[] = {{CKA_EC_PARAMS, A::Readable}, {CKA_VALUE, A::Sensitive}};
constexpr AttrPolicy kProfile[] = {{CKA_PROFILE_ID, A::Readable}};
constexpr AttrPolicy kData[] = {{CKA_APPLICATION, A::Readable}, {CKA_OBJECT_ID, A::Readable}, {CKA_VALUE, A::Readable}};
constexpr AttrPolicy kSecretKey[] = {
    {CKA_SENSITIVE, A::Readable},        {CKA_ENCRYPT, A::Readable},  {CKA_DECRYPT, A::Readable},
    {CKA_SIGN, A::Readable},             {CKA_VERIFY, A::Readable},   {CKA_WRAP, A::Readable},
    {CKA_UNWRAP, A::Readable},           {CKA_EXTRACTABLE, A::Readable},
    {CKA_ALWAYS_SENSITIVE, A::Readable}, {CKA_NEVER_EXTRACTABLE, A::Readable},
    {CKA_VALUE_LEN, A::Readable},
};

AttributeSet applyPolicy(std::initializer_list<std::span<const AttrPolicy>> tables, AttributeMap values) {
    AttributeSet out;
    for (auto table : tables) {
        for (const AttrPolicy& p : table) {
            if (p.access == Access::Sensitive) {
                out.sensitive.insert(p.type);
                continue;
            }
            auto it = values.find(p.type);
            out.values[p.type] = it != values.end() ? std::move(it->second) : Bytes{};
        }
    }
    return out;
}

// CK_DATE: "YYYYMMDD" as ASCII digits.
Bytes ckDate(std::time_t t) {
    if (t == 0) return {};
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
                  tm.tm_mday % 100);
    return Bytes(buf, buf + 8);
}

struct SlotNames {
    std::string cert, pub, priv;
};

SlotNames namesFor(token::AppKind app, uint8_t ref) {
    if (app == token::AppKind::OpenPgp) {  // OpenSC's labels for the OpenPGP keys
        switch (ref) {
            case 0x01: return {"Signature certificate", "Signature key", "Signature key"};
            case 0x02: return {"Encryption certificate", "Encryption key", "Encryption key"};
            default: return {"Authentication certificate", "Authentication key", "Authentication key"};
        }
    }
    switch (ref) {
        case 0x9A: return {"Certificate for PIV Authentication", "PIV AUTH pubkey", "PIV AUTH key"};
        case 0x9C: return {"Certificate for Digital Signature", "SIGN pubkey", "SIGN key"};
        case 0x9D: return {"Certificate for Key Management", "KEY MAN pubkey", "KEY MAN key"};
        case 0x9E: return {"Certificate for Card Authentication", "CARD AUTH pubkey", "CARD AUTH key"};
        default: break;
    }
    std::string n = std::to_string(ref >= 0x82 ? ref - 0x81 : ref);
    return {"Retired Certificate for Key Management " + n, "RETIRED KEY MAN pubkey " + n,
            "RETIRED KEY MAN key " + n};
}

// Key type and public parts, from the public key when known, else from the algorithm alone.
bool isEcKey(const token::KeyObject& k) {
    if (k.publicKey) return k.publicKey->type != crypto::KeyType::Rsa;
    return k.key.algorithm && !cardapp::isRsa(*k.key.algorithm);
}

CK_KEY_TYPE keyType(const token::KeyObject& k) {
    if (!k.publicKey) return isEcKey(k) ? CKK_EC : CKK_RSA;
    switch (k.publicKey->type) {
        case crypto::KeyType::Rsa: return CKK_RSA;
        case crypto::KeyType::Ec: return CKK_EC;
        case crypto::KeyType::Ed25519: return CKK_EC_EDWARDS;
        case crypto::KeyType::X25519: return CKK_EC_MONTGOMERY;
    }
    return CKK_RSA;
}

void addKeyCommon(AttributeMap& v, const token::KeyObject& k, token::AppKind app) {
    v[CKA_KEY_TYPE] = ckUlong(keyType(k));
    v[CKA_ID] = Bytes{keyId(app, k.key.ref)};
    v[CKA_DERIVE] = ckBool(false);
    bool local = k.key.generatedOnCard.value_or(false);
    v[CKA_LOCAL] = ckBool(local);
    CK_ULONG genMech = CK_UNAVAILABLE_INFORMATION;
    if (local) genMech = isEcKey(k) ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN;
    if (local && keyType(k) == CKK_EC_EDWARDS) genMech = CKM_EC_EDWARDS_KEY_PAIR_GEN;
    if (local && keyType(k) == CKK_EC_MONTGOMERY) genMech = CKM_EC_MONTGOMERY_KEY_PAIR_GEN;
    v[CKA_KEY_GEN_MECHANISM] = ckUlong(genMech);
    if (k.certificate) v[CKA_SUBJECT] = k.certificate->subjectDer;
    const Bytes* spki = k.publicKey ? &k.publicKey->spki : nullptr;
    if (!spki && !k.key.publicKeyInfo.empty()) spki = &k.key.publicKeyInfo;
    if (spki) v[CKA_PUBLIC_KEY_INFO] = *spki;
    if (k.publicKey && k.publicKey->type == crypto::KeyType::Rsa) {
        v[CKA_MODULUS] = k.publicKey->modulus;
        v[CKA_MODULUS_BITS] = ckUlong(k.publicKey->bits);
        v[CKA_PUBLIC_EXPONENT] = k.publicKey->publicExponent;
    } else if (k.publicKey) {
        v[CKA_EC_PARAMS] = k.publicKey->ecParams;
        v[CKA_EC_POINT] = derOctetString(k.publicKey->ecPoint);
    } else if (k.key.algorithm) {
        // Public key unknown (no certificate, no metadata): what the algorithm alone tells.
        switch (*k.key.algorithm) {
            case cardapp::KeyAlgorithm::EcP256: v[CKA_EC_PARAMS] = core::hexBytes("06082A8648CE3D030107"); break;
            case cardapp::KeyAlgorithm::EcP384: v[CKA_EC_PARAMS] = core::hexBytes("06052B81040022"); break;
            default:
                if (cardapp::isRsa(*k.key.algorithm))
                    v[CKA_MODULUS_BITS] = ckUlong(cardapp::rsaModulusBytes(*k.key.algorithm) * 8);
                break;
        }
    }
}

void addStorage(AttributeMap& v, CK_OBJECT_CLASS cls, bool isPrivate, std::string_view label) {
    v[CKA_CLASS] = ckUlong(cls);
    v[CKA_TOKEN] = ckBool(true);
    v[CKA_PRIVATE] = ckBool(isPrivate);
    v[CKA_LABEL] = ckString(label);
    v[CKA_MODIFIABLE] = ckBool(false);
    v[CKA_COPYABLE] = ckBool(false);
    v[CKA_DESTROYABLE] = ckBool(false);
}

std::span<const AttrPolicy> rsaOrEc(const token::KeyObject& k, std::span<const AttrPolicy> rsa,
                                    std::span<const AttrPolicy> ec) {
    return isEcKey(k) ? ec : rsa;
}

}  // namespace

const Bytes* AttributeSet::find(CK_ATTRIBUTE_TYPE t) const {
    auto it = values.find(t);
    return it == values.end() ? nullptr : &it->second;
}

bool AttributeSet::boolean(CK_ATTRIBUTE_TYPE t) const {
    const Bytes* b = find(t);
    return b && b->size() == sizeof(CK_BBOOL) && (*b)[0] != CK_FALSE;
}

Bytes ckBool(bool b) { return Bytes{static_cast<uint8_t>(b ? CK_TRUE : CK_FALSE)}; }

Bytes ckUlong(CK_ULONG v) {
    Bytes out(sizeof v);
    std::memcpy(out.data(), &v, sizeof v);
    return out;
}

Bytes ckString(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::optional<bool> readBool(const CK_ATTRIBUTE& a) {
    if (!a.pValue || a.ulValueLen != sizeof(CK_BBOOL)) return std::nullopt;
    return *static_cast<const CK_BBOOL*>(a.pValue) != CK_FALSE;
}

std::optional<CK_ULONG> readUlong(const CK_ATTRIBUTE& a) {
    if (!a.pValue || a.ulValueLen != sizeof(CK_ULONG)) return std::nullopt;
    CK_ULONG v;
    std::memcpy(&v, a.pValue, sizeof v);
    return v;
}

uint8_t pivKeyId(uint8_t ref) {
    switch (ref) {
        case 0x9A: return 0x01;
        case 0x9C: return 0x02;
        case 0x9D: return 0x03;
        case 0x9E: return 0x04;
        default: break;
    }
    if (ref >= 0x82 && ref <= 0x95) return static_cast<uint8_t>(ref - 0x82 + 0x05);
    return ref;
}

std::optional<uint8_t> pivKeyRefForId(ByteView id) {
    if (id.size() != 1) return std::nullopt;
    switch (id[0]) {
        case 0x01: return 0x9A;
        case 0x02: return 0x9C;
        case 0x03: return 0x9D;
        case 0x04: return 0x9E;
        default: break;
    }
    if (id[0] >= 0x05 && id[0] <= 0x18) return static_cast<uint8_t>(id[0] - 0x05 + 0x82);
    return std::nullopt;
}

Bytes derOctetString(ByteView content) {
    Bytes out{0x04};
    std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<uint8_t>(n));
    } else if (n < 0x100) {
        out.push_back(0x81);
        out.push_back(static_cast<uint8_t>(n));
    } else {
        out.push_back(0x82);
        out.push_back(static_cast<uint8_t>(n >> 8));
        out.push_back(static_cast<uint8_t>(n));
    }
    core::append(out, content);
    return out;
}

uint8_t keyId(token::AppKind app, uint8_t ref) {
    return app == token::AppKind::OpenPgp ? ref : pivKeyId(ref);
}

std::optional<uint8_t> keyRefForId(token::AppKind app, ByteView id) {
    if (app == token::AppKind::Piv) return pivKeyRefForId(id);
    if (id.size() == 1 && id[0] >= 0x01 && id[0] <= 0x03) return id[0];
    return std::nullopt;
}

AttributeSet certificateAttributes(const token::KeyObject& k, token::AppKind app) {
    AttributeMap v;
    const crypto::CertificateInfo& c = *k.certificate;
    addStorage(v, CKO_CERTIFICATE, false, namesFor(app, k.key.ref).cert);
    v[CKA_DESTROYABLE] = ckBool(true);  // C_DestroyObject deletes it (SO with management key)
    v[CKA_CERTIFICATE_TYPE] = ckUlong(CKC_X_509);
    v[CKA_TRUSTED] = ckBool(false);
    v[CKA_CERTIFICATE_CATEGORY] = ckUlong(1);  // token user: its key is on this token
    Bytes sha1 = crypto::digest(crypto::HashAlg::Sha1, c.der);
    v[CKA_CHECK_VALUE] = Bytes(sha1.begin(), sha1.begin() + 3);
    v[CKA_START_DATE] = ckDate(c.notBefore);
    v[CKA_END_DATE] = ckDate(c.notAfter);
    v[CKA_PUBLIC_KEY_INFO] = c.spki;
    v[CKA_SUBJECT] = c.subjectDer;
    v[CKA_ID] = Bytes{keyId(app, k.key.ref)};
    v[CKA_ISSUER] = c.issuerDer;
    v[CKA_SERIAL_NUMBER] = c.serialDer;
    v[CKA_VALUE] = c.der;
    v[CKA_JAVA_MIDP_SECURITY_DOMAIN] = ckUlong(0);
    v[CKA_NAME_HASH_ALGORITHM] = ckUlong(CKM_SHA_1);
    return applyPolicy({kStorage, kCertificate}, std::move(v));
}

AttributeSet publicKeyAttributes(const token::KeyObject& k, token::AppKind app) {
    AttributeMap v;
    addStorage(v, CKO_PUBLIC_KEY, false, namesFor(app, k.key.ref).pub);
    addKeyCommon(v, k, app);
    bool rsa = !isEcKey(k);
    // The key's permitted use (clients encrypt to it themselves): an RSA decryption key's public half
    // encrypts and wraps, as OpenSC reports the PIV key-management key.
    bool encrypts = rsa && (k.key.usage & cardapp::kUsageDecrypt);
    v[CKA_ENCRYPT] = ckBool(encrypts);
    v[CKA_VERIFY] = ckBool(k.key.usage & cardapp::kUsageSign);
    v[CKA_VERIFY_RECOVER] = ckBool(false);
    v[CKA_WRAP] = ckBool(encrypts);
    v[CKA_TRUSTED] = ckBool(false);
    v[CKA_DERIVE] = ckBool(false);
    return applyPolicy({kStorage, kKey, kPublicKey, rsaOrEc(k, kRsaPublic, kEcPublic)}, std::move(v));
}

AttributeSet privateKeyAttributes(const token::KeyObject& k, token::AppKind app) {
    AttributeMap v;
    // PIV 9E (card authentication) is usable without the PIN, so its key is visible before login.
    const bool noPin = app == token::AppKind::Piv && k.key.ref == 0x9E;
    addStorage(v, CKO_PRIVATE_KEY, !noPin, namesFor(app, k.key.ref).priv);
    addKeyCommon(v, k, app);
    v.erase(CKA_EC_POINT);
    bool rsa = !isEcKey(k);
    v[CKA_SENSITIVE] = ckBool(true);
    v[CKA_DECRYPT] = ckBool(rsa && (k.key.usage & cardapp::kUsageDecrypt));
    v[CKA_SIGN] = ckBool(k.key.usage & cardapp::kUsageSign);
    v[CKA_DERIVE] = ckBool(!rsa && (k.key.usage & cardapp::kUsageDerive));
    v[CKA_SIGN_RECOVER] = ckBool(false);
    v[CKA_UNWRAP] = ckBool(false);
    v[CKA_EXTRACTABLE] = ckBool(false);
    // An imported key (PIV metadata origin 02, OpenPGP key status 02) was outside the card before: both
    // false (§4.9). Keys of unknown origin (no metadata) keep true: most card keys are made on the card.
    const bool neverOutside = k.key.generatedOnCard.value_or(true);
    v[CKA_ALWAYS_SENSITIVE] = ckBool(neverOutside);
    v[CKA_NEVER_EXTRACTABLE] = ckBool(neverOutside);
    v[CKA_WRAP_WITH_TRUSTED] = ckBool(false);
    v[CKA_ALWAYS_AUTHENTICATE] = ckBool(k.key.pinPolicy == cardapp::PinPolicy::Always);
    return applyPolicy({kStorage, kKey, kPrivateKey, rsaOrEc(k, kRsaPrivate, kEcPrivate)}, std::move(v));
}

AttributeSet profileAttributes() {
    AttributeMap v;
    addStorage(v, CKO_PROFILE, false, "");
    v[CKA_PROFILE_ID] = ckUlong(CKP_PUBLIC_CERTIFICATES_TOKEN);
    return applyPolicy({kStorage, kProfile}, std::move(v));
}

AttributeSet dataObjectAttributes(const token::DataObjectSpec& spec, std::string_view application, Bytes oid) {
    AttributeMap v;
    addStorage(v, CKO_DATA, spec.pinToRead, spec.label);
    v[CKA_DESTROYABLE] = ckBool(spec.writable);  // C_DestroyObject deletes it (README: who may)
    v[CKA_APPLICATION] = ckString(application);
    v[CKA_OBJECT_ID] = std::move(oid);
    return applyPolicy({kStorage, kData}, std::move(v));
}

void setDataValue(AttributeSet& set, Bytes value) {
    set.values[CKA_VALUE] = std::move(value);
}

AttributeSet secretKeyAttributes(const SecretKeyOptions& o) {
    AttributeMap v = o.fromTemplate;
    v[CKA_CLASS] = ckUlong(CKO_SECRET_KEY);
    v[CKA_TOKEN] = ckBool(false);
    if (!v.contains(CKA_PRIVATE)) v[CKA_PRIVATE] = ckBool(true);
    v[CKA_MODIFIABLE] = ckBool(true);
    v[CKA_COPYABLE] = ckBool(false);
    v[CKA_DESTROYABLE] = ckBool(true);
    v[CKA_KEY_TYPE] = ckUlong(o.keyType);
    v[CKA_LOCAL] = ckBool(false);
    v[CKA_KEY_GEN_MECHANISM] = ckUlong(CK_UNAVAILABLE_INFORMATION);
    v[CKA_SENSITIVE] = ckBool(o.sensitive);
    v[CKA_EXTRACTABLE] = ckBool(o.extractable);
    v[CKA_ALWAYS_SENSITIVE] = ckBool(o.alwaysSensitive);
    v[CKA_NEVER_EXTRACTABLE] = ckBool(o.neverExtractable);
    v[CKA_VALUE_LEN] = ckUlong(o.value.size());
    for (CK_ATTRIBUTE_TYPE t : {CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE})
        if (!v.contains(t)) v[t] = ckBool(false);
    bool hidden = o.sensitive || !o.extractable;
    static constexpr AttrPolicy kValueReadable[] = {{CKA_VALUE, A::Readable}};
    static constexpr AttrPolicy kValueSensitive[] = {{CKA_VALUE, A::Sensitive}};
    if (!hidden) v[CKA_VALUE] = o.value;
    return applyPolicy({kStorage, kKey, kSecretKey, hidden ? std::span<const AttrPolicy>(kValueSensitive)
                                                           : std::span<const AttrPolicy>(kValueReadable)},
                       std::move(v));
}

CK_RV readAttributes(const AttributeSet& set, std::span<CK_ATTRIBUTE> tmpl) {
    CK_RV rv = CKR_OK;
    for (CK_ATTRIBUTE& a : tmpl) {
        if (set.sensitive.contains(a.type)) {
            a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_ATTRIBUTE_SENSITIVE;
            continue;
        }
        const Bytes* v = set.find(a.type);
        if (!v) {
            a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_ATTRIBUTE_TYPE_INVALID;
            continue;
        }
        if (!a.pValue) {
            a.ulValueLen = v->size();
        } else if (a.ulValueLen >= v->size()) {
            if (!v->empty()) std::memcpy(a.pValue, v->data(), v->size());
            a.ulValueLen = v->size();
        } else {
            a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_BUFFER_TOO_SMALL;
        }
    }
    return rv;
}

bool matchesTemplate(const AttributeSet& set, std::span<const CK_ATTRIBUTE> tmpl) {
    for (const CK_ATTRIBUTE& a : tmpl) {
        const Bytes* v = set.find(a.type);
        if (!v || v->size() != a.ulValueLen) return false;
        if (!v->empty() && (!a.pValue || std::memcmp(v->data(), a.pValue, v->size()) != 0)) return false;
    }
    return true;
}

}  // namespace p11
