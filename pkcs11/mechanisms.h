// The mechanisms the module offers, in one table: which key family they need, what they hash on the
// host, and whether they are single-part only. Key sizes come from the card (mechanismInfo()).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/crypto/hash.h"
#include "core/token/token.h"
#include "pkcs11/p11_header.h"

namespace p11 {

// Ec: ECDSA keys (P-256/P-384) and, for ECDH1_DERIVE, X25519 as well; EdDsa: Ed25519.
enum class KeyFamily { Rsa, Ec, EdDsa };
enum class MechKind { Sign, Decrypt, SignDecrypt, Derive, GenerateKeyPair };

struct MechanismSpec {
    CK_MECHANISM_TYPE type;
    KeyFamily family;
    MechKind kind;
    std::optional<crypto::HashAlg> hash;  // hashed on the host before the card call
    bool pss = false;
};

std::span<const MechanismSpec> allMechanisms();
const MechanismSpec* findMechanism(CK_MECHANISM_TYPE type);
// What a token of application `app` offers: PIV everything but EdDSA; OpenPGP (the card pads RSA itself)
// CKM_RSA_PKCS and its hash variants only, no PSS, X_509 or OAEP, plus CKM_EDDSA.
std::vector<MechanismSpec> mechanismsFor(token::AppKind app);
const MechanismSpec* findMechanism(CK_MECHANISM_TYPE type, token::AppKind app);
bool canSign(const MechanismSpec& m);
// CKA_ALLOWED_MECHANISMS of a private key: the token's mechanisms of the key's family that match its usage
// (sign / decrypt / derive; never key generation): exactly what C_SignInit/C_DecryptInit/C_DeriveKey accept.
std::vector<CK_MECHANISM_TYPE> allowedMechanisms(const token::KeyObject& k, token::AppKind app);
bool canDecrypt(const MechanismSpec& m);

// CK_MECHANISM_INFO for `spec` on a token holding `keys`.
// `generatable`: what the card announces it can generate (Token::generatableAlgorithms; may be empty). The RSA
// range covers those sizes and the RSA keys the card already holds.
CK_MECHANISM_INFO mechanismInfo(const MechanismSpec& spec, const std::vector<token::KeyObject>& keys,
                                const std::vector<cardapp::KeyAlgorithm>& generatable = {});

// CKM_SHA_1 .. CKM_SHA512 and CKG_MGF1_* to our hash enum.
std::optional<crypto::HashAlg> hashFromMechanism(CK_MECHANISM_TYPE m);
std::optional<crypto::HashAlg> hashFromMgf(CK_RSA_PKCS_MGF_TYPE mgf);

}  // namespace p11
