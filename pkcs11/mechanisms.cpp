#include "pkcs11/mechanisms.h"

#include <algorithm>

namespace p11 {
namespace {

using crypto::HashAlg;

constexpr MechanismSpec kMechanisms[] = {
    {CKM_RSA_PKCS, KeyFamily::Rsa, MechKind::SignDecrypt, std::nullopt},
    {CKM_RSA_X_509, KeyFamily::Rsa, MechKind::SignDecrypt, std::nullopt},
    {CKM_RSA_PKCS_OAEP, KeyFamily::Rsa, MechKind::Decrypt, std::nullopt},
    {CKM_SHA1_RSA_PKCS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha1},
    {CKM_SHA224_RSA_PKCS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha224},
    {CKM_SHA256_RSA_PKCS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha256},
    {CKM_SHA384_RSA_PKCS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha384},
    {CKM_SHA512_RSA_PKCS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha512},
    {CKM_RSA_PKCS_PSS, KeyFamily::Rsa, MechKind::Sign, std::nullopt, true},
    {CKM_SHA1_RSA_PKCS_PSS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha1, true},
    {CKM_SHA224_RSA_PKCS_PSS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha224, true},
    {CKM_SHA256_RSA_PKCS_PSS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha256, true},
    {CKM_SHA384_RSA_PKCS_PSS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha384, true},
    {CKM_SHA512_RSA_PKCS_PSS, KeyFamily::Rsa, MechKind::Sign, HashAlg::Sha512, true},
    {CKM_ECDSA, KeyFamily::Ec, MechKind::Sign, std::nullopt},
    {CKM_ECDSA_SHA1, KeyFamily::Ec, MechKind::Sign, HashAlg::Sha1},
    {CKM_ECDSA_SHA224, KeyFamily::Ec, MechKind::Sign, HashAlg::Sha224},
    {CKM_ECDSA_SHA256, KeyFamily::Ec, MechKind::Sign, HashAlg::Sha256},
    {CKM_ECDSA_SHA384, KeyFamily::Ec, MechKind::Sign, HashAlg::Sha384},
    {CKM_ECDSA_SHA512, KeyFamily::Ec, MechKind::Sign, HashAlg::Sha512},
    {CKM_ECDH1_DERIVE, KeyFamily::Ec, MechKind::Derive, std::nullopt},
    {CKM_RSA_PKCS_KEY_PAIR_GEN, KeyFamily::Rsa, MechKind::GenerateKeyPair, std::nullopt},
    {CKM_EC_KEY_PAIR_GEN, KeyFamily::Ec, MechKind::GenerateKeyPair, std::nullopt},
    {CKM_EDDSA, KeyFamily::EdDsa, MechKind::Sign, std::nullopt},
    {CKM_EC_EDWARDS_KEY_PAIR_GEN, KeyFamily::EdDsa, MechKind::GenerateKeyPair, std::nullopt},
    {CKM_EC_MONTGOMERY_KEY_PAIR_GEN, KeyFamily::Ec, MechKind::GenerateKeyPair, std::nullopt},
};

bool offered(const MechanismSpec& m, token::AppKind app) {
    const bool edwards = m.family == KeyFamily::EdDsa || m.type == CKM_EC_MONTGOMERY_KEY_PAIR_GEN;
    if (app == token::AppKind::Piv) return !edwards;
    return !m.pss && m.type != CKM_RSA_X_509 && m.type != CKM_RSA_PKCS_OAEP;
}

}  // namespace

std::span<const MechanismSpec> allMechanisms() { return kMechanisms; }

const MechanismSpec* findMechanism(CK_MECHANISM_TYPE type) {
    for (const MechanismSpec& m : kMechanisms)
        if (m.type == type) return &m;
    return nullptr;
}

std::vector<MechanismSpec> mechanismsFor(token::AppKind app) {
    std::vector<MechanismSpec> out;
    for (const MechanismSpec& m : kMechanisms)
        if (offered(m, app)) out.push_back(m);
    return out;
}

const MechanismSpec* findMechanism(CK_MECHANISM_TYPE type, token::AppKind app) {
    const MechanismSpec* m = findMechanism(type);
    return m && offered(*m, app) ? m : nullptr;
}

bool canSign(const MechanismSpec& m) { return m.kind == MechKind::Sign || m.kind == MechKind::SignDecrypt; }
bool canDecrypt(const MechanismSpec& m) {
    return m.kind == MechKind::Decrypt || m.kind == MechKind::SignDecrypt;
}

CK_MECHANISM_INFO mechanismInfo(const MechanismSpec& spec, const std::vector<token::KeyObject>& keys,
                                const std::vector<cardapp::KeyAlgorithm>& generatable) {
    CK_MECHANISM_INFO info{};
    // PIV guarantees RSA-1024/2048 and P-256/P-384; larger RSA keys (YubiKey 5.7, cards announcing RSA-3072 /
    // 4096 in their SELECT answer) widen the range when the card announces or holds one.
    CK_ULONG rsaMax = 2048;
    for (const token::KeyObject& k : keys)
        if (k.publicKey && k.publicKey->type == crypto::KeyType::Rsa)
            rsaMax = std::max<CK_ULONG>(rsaMax, k.publicKey->bits);
    for (cardapp::KeyAlgorithm a : generatable)
        if (cardapp::isRsa(a)) rsaMax = std::max<CK_ULONG>(rsaMax, cardapp::rsaModulusBytes(a) * 8);
    if (spec.family == KeyFamily::Rsa) {
        info.ulMinKeySize = 1024;
        info.ulMaxKeySize = rsaMax;
    } else if (spec.family == KeyFamily::EdDsa || spec.type == CKM_EC_MONTGOMERY_KEY_PAIR_GEN) {
        info.ulMinKeySize = 255;
        info.ulMaxKeySize = 255;
    } else {
        info.ulMinKeySize = 256;
        info.ulMaxKeySize = 384;
    }
    info.flags = CKF_HW;
    if (canSign(spec)) info.flags |= CKF_SIGN;
    if (canDecrypt(spec)) info.flags |= CKF_DECRYPT;
    if (spec.kind == MechKind::Derive) info.flags |= CKF_DERIVE;
    if (spec.kind == MechKind::GenerateKeyPair) info.flags |= CKF_GENERATE_KEY_PAIR;
    if (spec.family == KeyFamily::Ec && spec.type != CKM_EC_MONTGOMERY_KEY_PAIR_GEN)
        info.flags |= CKF_EC_F_P | CKF_EC_OID | CKF_EC_UNCOMPRESS;
    return info;
}

std::optional<crypto::HashAlg> hashFromMechanism(CK_MECHANISM_TYPE m) {
    switch (m) {
        case CKM_SHA_1: return HashAlg::Sha1;
        case CKM_SHA224: return HashAlg::Sha224;
        case CKM_SHA256: return HashAlg::Sha256;
        case CKM_SHA384: return HashAlg::Sha384;
        case CKM_SHA512: return HashAlg::Sha512;
        default: return std::nullopt;
    }
}

std::optional<crypto::HashAlg> hashFromMgf(CK_RSA_PKCS_MGF_TYPE mgf) {
    switch (mgf) {
        case CKG_MGF1_SHA1: return HashAlg::Sha1;
        case CKG_MGF1_SHA224: return HashAlg::Sha224;
        case CKG_MGF1_SHA256: return HashAlg::Sha256;
        case CKG_MGF1_SHA384: return HashAlg::Sha384;
        case CKG_MGF1_SHA512: return HashAlg::Sha512;
        default: return std::nullopt;
    }
}

std::vector<CK_MECHANISM_TYPE> allowedMechanisms(const token::KeyObject& k, token::AppKind app) {
    std::optional<crypto::KeyType> type;
    if (k.publicKey) {
        type = k.publicKey->type;
    } else if (k.key.algorithm) {
        using cardapp::KeyAlgorithm;
        const KeyAlgorithm a = *k.key.algorithm;
        type = cardapp::isRsa(a)            ? crypto::KeyType::Rsa
               : a == KeyAlgorithm::Ed25519 ? crypto::KeyType::Ed25519
               : a == KeyAlgorithm::X25519  ? crypto::KeyType::X25519
                                            : crypto::KeyType::Ec;
    }
    std::vector<CK_MECHANISM_TYPE> out;
    if (!type) return out;
    const unsigned usage = k.key.usage;
    for (const MechanismSpec& m : mechanismsFor(app)) {
        bool fits = false;
        switch (m.family) {
            case KeyFamily::Rsa: fits = *type == crypto::KeyType::Rsa; break;
            case KeyFamily::Ec:
                fits = *type == crypto::KeyType::Ec ||
                       (m.kind == MechKind::Derive && *type == crypto::KeyType::X25519);
                break;
            case KeyFamily::EdDsa: fits = *type == crypto::KeyType::Ed25519; break;
        }
        if (!fits) continue;
        const bool rsa = *type == crypto::KeyType::Rsa;
        const bool use = (canSign(m) && (usage & cardapp::kUsageSign)) ||
                         (canDecrypt(m) && rsa && (usage & cardapp::kUsageDecrypt)) ||
                         (m.kind == MechKind::Derive && !rsa && (usage & cardapp::kUsageDerive));
        if (use) out.push_back(m.type);
    }
    return out;
}

}  // namespace p11
