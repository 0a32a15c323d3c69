// OpenPGP card application 3.4 constants as constexpr tables: AID, instructions, data-object tags,
// password references, control reference templates, algorithm ids, curves and the three key slots.
// Source: /work/shared/specs/openpgp-card.md (section numbers in comments refer to it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "card-apps/common/card_application.h"
#include "core/base/bytes.h"

namespace openpgp {

using cardapp::KeyAlgorithm;

// §1/§2: RID D2 76 00 01 24 + PIX 01; SELECT uses this 6-byte prefix of the 16-byte AID.
inline constexpr std::array<uint8_t, 6> kAidPrefix = {0xD2, 0x76, 0x00, 0x01, 0x24, 0x01};
inline constexpr std::size_t kAidLength = 16;

namespace ins {
inline constexpr uint8_t kSelect = 0xA4;
inline constexpr uint8_t kGetData = 0xCA;
inline constexpr uint8_t kGetNextData = 0xCC;
inline constexpr uint8_t kSelectData = 0xA5;
inline constexpr uint8_t kPutData = 0xDA;
inline constexpr uint8_t kPutDataOdd = 0xDB;
inline constexpr uint8_t kVerify = 0x20;
inline constexpr uint8_t kChangeReference = 0x24;
inline constexpr uint8_t kResetRetryCounter = 0x2C;
inline constexpr uint8_t kPso = 0x2A;
inline constexpr uint8_t kInternalAuthenticate = 0x88;
inline constexpr uint8_t kGenerateKeyPair = 0x47;
inline constexpr uint8_t kGetChallenge = 0x84;
inline constexpr uint8_t kTerminateDf = 0xE6;
inline constexpr uint8_t kActivateFile = 0x44;
}  // namespace ins

// P1/P2 pairs of PERFORM SECURITY OPERATION (§5).
namespace pso {
inline constexpr uint8_t kCdsP1 = 0x9E, kCdsP2 = 0x9A;            // COMPUTE DIGITAL SIGNATURE
inline constexpr uint8_t kDecipherP1 = 0x80, kDecipherP2 = 0x86;  // DECIPHER
inline constexpr uint8_t kRsaPaddingIndicator = 0x00;             // §5.2: 00 || cryptogram
}  // namespace pso

// GENERATE ASYMMETRIC KEY PAIR P1 (§5.4).
namespace generate {
inline constexpr uint8_t kGenerate = 0x80;
inline constexpr uint8_t kReadPublicKey = 0x81;
}  // namespace generate

// Data-object tags (§3), as TLV tag numbers.
namespace tag {
inline constexpr uint32_t kAid = 0x4F;
inline constexpr uint32_t kName = 0x5B;
inline constexpr uint32_t kLoginData = 0x5E;
inline constexpr uint32_t kLanguage = 0x5F2D;
inline constexpr uint32_t kSex = 0x5F35;
inline constexpr uint32_t kUrl = 0x5F50;
inline constexpr uint32_t kHistoricalBytes = 0x5F52;
inline constexpr uint32_t kCardholderData = 0x65;
inline constexpr uint32_t kApplicationData = 0x6E;
inline constexpr uint32_t kDiscretionaryData = 0x73;
inline constexpr uint32_t kSecuritySupport = 0x7A;
inline constexpr uint32_t kSignatureCounter = 0x93;
inline constexpr uint32_t kCardholderCertificate = 0x7F21;
inline constexpr uint32_t kExtendedLengthInfo = 0x7F66;
inline constexpr uint32_t kGeneralFeatures = 0x7F74;
inline constexpr uint32_t kExtendedCapabilities = 0xC0;
inline constexpr uint32_t kAttributesSig = 0xC1;
inline constexpr uint32_t kAttributesDec = 0xC2;
inline constexpr uint32_t kAttributesAut = 0xC3;
inline constexpr uint32_t kPwStatus = 0xC4;
inline constexpr uint32_t kFingerprints = 0xC5;
inline constexpr uint32_t kCaFingerprints = 0xC6;
inline constexpr uint32_t kFingerprintSig = 0xC7;
inline constexpr uint32_t kFingerprintDec = 0xC8;
inline constexpr uint32_t kFingerprintAut = 0xC9;
inline constexpr uint32_t kCaFingerprint1 = 0xCA;
inline constexpr uint32_t kCaFingerprint2 = 0xCB;
inline constexpr uint32_t kCaFingerprint3 = 0xCC;
inline constexpr uint32_t kGenerationTimes = 0xCD;
inline constexpr uint32_t kGenerationTimeSig = 0xCE;
inline constexpr uint32_t kGenerationTimeDec = 0xCF;
inline constexpr uint32_t kGenerationTimeAut = 0xD0;
inline constexpr uint32_t kResettingCode = 0xD3;
inline constexpr uint32_t kKeyInformation = 0xDE;
inline constexpr uint32_t kKdf = 0xF9;
inline constexpr uint32_t kAlgorithmInformation = 0xFA;
inline constexpr uint32_t kPrivateDo1 = 0x0101;
// Inside commands and answers.
inline constexpr uint32_t kPublicKey = 0x7F49;
inline constexpr uint32_t kRsaModulus = 0x81;
inline constexpr uint32_t kRsaExponent = 0x82;
inline constexpr uint32_t kEcPoint = 0x86;
inline constexpr uint32_t kCipher = 0xA6;
inline constexpr uint32_t kTagReference = 0x60;  // SELECT DATA: 60 { 5C <tag> }
inline constexpr uint32_t kTagList = 0x5C;
inline constexpr uint32_t kExtendedHeaderList = 0x4D;
inline constexpr uint32_t kPrivateKeyTemplate = 0x7F48;
inline constexpr uint32_t kPrivateKeyData = 0x5F48;
inline constexpr uint32_t kKdfAlgorithm = 0x81;  // inside F9
}  // namespace tag

// Private-key template member tags (§5.5).
namespace keytag {
inline constexpr uint8_t kRsaE = 0x91, kRsaP = 0x92, kRsaQ = 0x93, kRsaQinv = 0x94, kRsaDp = 0x95,
                         kRsaDq = 0x96, kRsaN = 0x97;
inline constexpr uint8_t kEcPrivate = 0x92, kEcPublic = 0x99;
}  // namespace keytag

// Password references (§4).
namespace pw {
inline constexpr uint8_t kPw1Sign = 0x81;        // PW1 for PSO:CDS
inline constexpr uint8_t kPw1Other = 0x82;       // PW1 for decipher, internal authenticate, private DOs
inline constexpr uint8_t kPw3 = 0x83;            // admin
inline constexpr uint8_t kVerifyResetP1 = 0xFF;  // VERIFY P1=FF: drop that verification (v3)
inline constexpr uint8_t kResetWithCodeP1 = 0x00;
inline constexpr uint8_t kResetAsAdminP1 = 0x02;
inline constexpr std::size_t kMinPw1 = 6;
inline constexpr std::size_t kMinPw3 = 8;
inline constexpr std::size_t kMinResettingCode = 8;
}  // namespace pw

// Control reference templates naming a key slot (§5.4).
namespace crt {
inline constexpr uint8_t kSig = 0xB6;
inline constexpr uint8_t kDec = 0xB8;
inline constexpr uint8_t kAut = 0xA4;
}  // namespace crt

// OpenPGP public-key algorithm ids (§3.4; RFC 4880 numbering).
namespace algo {
inline constexpr uint8_t kRsa = 0x01;
inline constexpr uint8_t kEcdh = 0x12;
inline constexpr uint8_t kEcdsa = 0x13;
inline constexpr uint8_t kEdDsa = 0x16;
}  // namespace algo

// Extended capabilities C0 byte 1 flags (§3.3).
namespace extcap {
inline constexpr uint8_t kSecureMessaging = 0x80;
inline constexpr uint8_t kGetChallenge = 0x40;
inline constexpr uint8_t kKeyImport = 0x20;
inline constexpr uint8_t kPwStatusChangeable = 0x10;
inline constexpr uint8_t kPrivateDos = 0x08;
inline constexpr uint8_t kAttributesChangeable = 0x04;
inline constexpr uint8_t kAes = 0x02;
inline constexpr uint8_t kKdf = 0x01;
}  // namespace extcap

// Curves of §3.4. `oid` holds the DER content octets (no 06 tag, no length).
enum class Curve {
    P256,
    P384,
    P521,
    BrainpoolP256,
    BrainpoolP384,
    BrainpoolP512,
    Secp256k1,
    Ed25519,
    Cv25519
};

struct CurveInfo {
    Curve curve;
    const char* name;  // OpenSSL group / key type name
    std::array<uint8_t, 10> oid;
    uint8_t oidLength;
    uint8_t fieldBytes;  // coordinate / scalar size
    uint8_t kdfHash;     // RFC 6637 ECDH KDF parameters (fingerprint of ECDH keys)
    uint8_t kdfCipher;
    std::optional<KeyAlgorithm> keyAlgorithm;
    bool edwardsOrMontgomery;  // raw 32-byte keys, "40" prefix in OpenPGP packets

    core::ByteView oidBytes() const { return {oid.data(), oidLength}; }
};

// OpenPGP hash / cipher ids for the ECDH KDF parameters (RFC 4880 §9.2, §9.4).
namespace kdf {
inline constexpr uint8_t kSha256 = 0x08, kSha384 = 0x09, kSha512 = 0x0A;
inline constexpr uint8_t kAes128 = 0x07, kAes192 = 0x08, kAes256 = 0x09;
}  // namespace kdf

inline constexpr std::array<CurveInfo, 9> kCurves = {{
    {Curve::P256,
     "P-256",
     {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07},
     8,
     32,
     kdf::kSha256,
     kdf::kAes128,
     KeyAlgorithm::EcP256,
     false},
    {Curve::P384,
     "P-384",
     {0x2B, 0x81, 0x04, 0x00, 0x22},
     5,
     48,
     kdf::kSha384,
     kdf::kAes192,
     KeyAlgorithm::EcP384,
     false},
    {Curve::P521,
     "P-521",
     {0x2B, 0x81, 0x04, 0x00, 0x23},
     5,
     66,
     kdf::kSha512,
     kdf::kAes256,
     std::nullopt,
     false},
    {Curve::BrainpoolP256,
     "brainpoolP256r1",
     {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07},
     9,
     32,
     kdf::kSha256,
     kdf::kAes128,
     std::nullopt,
     false},
    {Curve::BrainpoolP384,
     "brainpoolP384r1",
     {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B},
     9,
     48,
     kdf::kSha384,
     kdf::kAes192,
     std::nullopt,
     false},
    {Curve::BrainpoolP512,
     "brainpoolP512r1",
     {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D},
     9,
     64,
     kdf::kSha512,
     kdf::kAes256,
     std::nullopt,
     false},
    {Curve::Secp256k1,
     "secp256k1",
     {0x2B, 0x81, 0x04, 0x00, 0x0A},
     5,
     32,
     kdf::kSha256,
     kdf::kAes128,
     std::nullopt,
     false},
    {Curve::Ed25519,
     "ED25519",
     {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01},
     9,
     32,
     0,
     0,
     KeyAlgorithm::Ed25519,
     true},
    {Curve::Cv25519,
     "X25519",
     {0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01},
     10,
     32,
     kdf::kSha256,
     kdf::kAes128,
     KeyAlgorithm::X25519,
     true},
}};

// RFC 8410 OIDs some cards use instead of the OpenPGP ones (OpenSC accepts them as aliases).
inline constexpr std::array<uint8_t, 3> kOidX25519Rfc8410 = {0x2B, 0x65, 0x6E};
inline constexpr std::array<uint8_t, 3> kOidEd25519Rfc8410 = {0x2B, 0x65, 0x70};

const CurveInfo& curveInfo(Curve c);
std::optional<Curve> curveFromOid(core::ByteView oid);  // OpenPGP OIDs and the RFC 8410 aliases

// Key references of this driver (cardapp key refs): 1 = SIG, 2 = DEC, 3 = AUT, as OpenSC's PKCS#15
// emulation numbers them (§9).
namespace key {
inline constexpr uint8_t kSig = 0x01;
inline constexpr uint8_t kDec = 0x02;
inline constexpr uint8_t kAut = 0x03;
}  // namespace key

struct SlotInfo {
    uint8_t ref;
    const char* label;
    uint8_t crt;                    // B6 / B8 / A4
    uint32_t attributesTag;         // C1 / C2 / C3
    uint32_t fingerprintTag;        // C7 / C8 / C9 (write)
    uint32_t caFingerprintTag;      // CA / CB / CC (write)
    uint32_t generationTimeTag;     // CE / CF / D0 (write)
    uint8_t certificateOccurrence;  // SELECT DATA occurrence of 7F21 (§3.8): AUT 0, DEC 1, SIG 2
    uint8_t pinReference;           // the PW1 reference its private-key operation needs
    std::size_t index;              // position in C5 / C6 / CD / DE
};

inline constexpr std::array<SlotInfo, 3> kSlots = {{
    {key::kSig, "Signature key", crt::kSig, tag::kAttributesSig, tag::kFingerprintSig, tag::kCaFingerprint1,
     tag::kGenerationTimeSig, 2, pw::kPw1Sign, 0},
    {key::kDec, "Encryption key", crt::kDec, tag::kAttributesDec, tag::kFingerprintDec, tag::kCaFingerprint2,
     tag::kGenerationTimeDec, 1, pw::kPw1Other, 1},
    {key::kAut, "Authentication key", crt::kAut, tag::kAttributesAut, tag::kFingerprintAut,
     tag::kCaFingerprint3, tag::kGenerationTimeAut, 0, pw::kPw1Other, 2},
}};

const SlotInfo* findSlot(uint8_t keyRef);

// Which algorithms generateKey()/importKey() put in which slot: SIG and AUT sign (RSA, ECDSA, EdDSA), DEC
// decrypts or agrees keys (RSA, ECDH on P-256/P-384, X25519).
bool slotAccepts(uint8_t keyRef, KeyAlgorithm alg);

// Manufacturer name for AID bytes 8-9 (§1), "Unknown" otherwise.
const char* manufacturerName(uint16_t id);

}  // namespace openpgp
