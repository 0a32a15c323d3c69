// PIV constants (NIST SP 800-73 / 800-78 and the Yubico extensions), as constexpr tables: AIDs,
// instructions, data-object tags, key references, algorithm identifiers and the per-slot defaults.
// Source: /work/shared/specs/piv.md (section numbers in comments refer to it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "card-apps/common/card_application.h"

namespace piv {

using cardapp::KeyAlgorithm;

// §1. SELECT uses the right-truncated AID (PIX without version), as in the worked trace §8.1; every
// conforming card accepts it and it also matches future versions of the application.
inline constexpr std::array<uint8_t, 11> kAid = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00,
                                                 0x00, 0x10, 0x00, 0x01, 0x00};
inline constexpr std::array<uint8_t, 9> kAidTruncated = {0xA0, 0x00, 0x00, 0x03, 0x08,
                                                         0x00, 0x00, 0x10, 0x00};
// Selecting another application resets PIV security status: used to log out on old YubiKeys.
inline constexpr std::array<uint8_t, 8> kYubicoOtpAid = {0xA0, 0x00, 0x00, 0x05, 0x27, 0x20, 0x01, 0x01};

namespace ins {
inline constexpr uint8_t kSelect = 0xA4;
inline constexpr uint8_t kGetData = 0xCB;
inline constexpr uint8_t kPutData = 0xDB;
inline constexpr uint8_t kVerify = 0x20;
inline constexpr uint8_t kChangeReference = 0x24;
inline constexpr uint8_t kResetRetryCounter = 0x2C;
inline constexpr uint8_t kGeneralAuthenticate = 0x87;
inline constexpr uint8_t kGenerateKeyPair = 0x47;
// Yubico extensions (§6)
inline constexpr uint8_t kGetVersion = 0xFD;
inline constexpr uint8_t kGetSerial = 0xF8;
inline constexpr uint8_t kGetMetadata = 0xF7;
inline constexpr uint8_t kAttest = 0xF9;
inline constexpr uint8_t kImportKey = 0xFE;
}  // namespace ins

// Data-object tags (§2.1), as TLV tag numbers.
namespace obj {
inline constexpr uint32_t kCardCapability = 0x5FC107;
inline constexpr uint32_t kChuid = 0x5FC102;
inline constexpr uint32_t kCertPivAuth = 0x5FC105;
inline constexpr uint32_t kFingerprints = 0x5FC103;
inline constexpr uint32_t kSecurityObject = 0x5FC106;
inline constexpr uint32_t kFacialImage = 0x5FC108;
inline constexpr uint32_t kCertCardAuth = 0x5FC101;
inline constexpr uint32_t kCertSignature = 0x5FC10A;
inline constexpr uint32_t kCertKeyManagement = 0x5FC10B;
inline constexpr uint32_t kPrintedInformation = 0x5FC109;
inline constexpr uint32_t kDiscovery = 0x7E;
inline constexpr uint32_t kKeyHistory = 0x5FC10C;
inline constexpr uint32_t kCertRetiredFirst = 0x5FC10D;  // ... 5FC120 for key 95
inline constexpr uint32_t kIris = 0x5FC121;
inline constexpr uint32_t kBiometricGroup = 0x7F61;
inline constexpr uint32_t kSmCertSigner = 0x5FC122;
inline constexpr uint32_t kPairingCode = 0x5FC123;
inline constexpr uint32_t kYubicoAttestationCert = 0x5FFF01;
}  // namespace obj

// TLV tags inside commands and responses (legacy PIV inner tags are opaque numbers, §2.2).
namespace tag {
inline constexpr uint32_t kApplicationTemplate = 0x61;
inline constexpr uint32_t kAid = 0x4F;
inline constexpr uint32_t kAllocationAuthority = 0x79;
inline constexpr uint32_t kLabel = 0x50;
inline constexpr uint32_t kAlgorithms = 0xAC;
inline constexpr uint32_t kAlgorithmId = 0x80;
inline constexpr uint32_t kTagList = 0x5C;
inline constexpr uint32_t kData = 0x53;
inline constexpr uint32_t kDynamicAuth = 0x7C;
inline constexpr uint32_t kWitness = 0x80;
inline constexpr uint32_t kChallenge = 0x81;
inline constexpr uint32_t kResponse = 0x82;
inline constexpr uint32_t kExponentiation = 0x85;
inline constexpr uint32_t kPublicKey = 0x7F49;
inline constexpr uint32_t kRsaModulus = 0x81;
inline constexpr uint32_t kRsaExponent = 0x82;
inline constexpr uint32_t kEcPoint = 0x86;
inline constexpr uint32_t kGenerateControl = 0xAC;
inline constexpr uint32_t kMechanism = 0x80;
inline constexpr uint32_t kPinPolicy = 0xAA;
inline constexpr uint32_t kTouchPolicy = 0xAB;
inline constexpr uint32_t kCertificate = 0x70;
inline constexpr uint32_t kCertInfo = 0x71;
inline constexpr uint32_t kErrorDetection = 0xFE;
inline constexpr uint32_t kFascn = 0x30;
inline constexpr uint32_t kGuid = 0x34;
inline constexpr uint32_t kExpiration = 0x35;
inline constexpr uint32_t kCardholderUuid = 0x36;
inline constexpr uint32_t kIssuerSignature = 0x3E;
inline constexpr uint32_t kPinUsagePolicy = 0x5F2F;
inline constexpr uint32_t kKeysWithOnCardCerts = 0xC1;
inline constexpr uint32_t kKeysWithOffCardCerts = 0xC2;
inline constexpr uint32_t kOffCardCertUrl = 0xF3;
// GET METADATA (§6)
inline constexpr uint32_t kMetaAlgorithm = 0x01;
inline constexpr uint32_t kMetaPolicy = 0x02;
inline constexpr uint32_t kMetaOrigin = 0x03;
inline constexpr uint32_t kMetaPublicKey = 0x04;
inline constexpr uint32_t kMetaIsDefault = 0x05;
inline constexpr uint32_t kMetaRetries = 0x06;
// IMPORT KEY (§6)
inline constexpr uint32_t kImportP = 0x01;
inline constexpr uint32_t kImportQ = 0x02;
inline constexpr uint32_t kImportDp = 0x03;
inline constexpr uint32_t kImportDq = 0x04;
inline constexpr uint32_t kImportQinv = 0x05;
inline constexpr uint32_t kImportEcScalar = 0x06;
inline constexpr uint32_t kImportEd25519Seed = 0x07;
inline constexpr uint32_t kImportX25519Key = 0x08;
}  // namespace tag

// Key references (§3.1).
namespace key {
inline constexpr uint8_t kGlobalPin = 0x00;
inline constexpr uint8_t kPin = 0x80;
inline constexpr uint8_t kPuk = 0x81;
inline constexpr uint8_t kPivAuth = 0x9A;
inline constexpr uint8_t kManagement = 0x9B;
inline constexpr uint8_t kSignature = 0x9C;
inline constexpr uint8_t kKeyManagement = 0x9D;
inline constexpr uint8_t kCardAuth = 0x9E;
inline constexpr uint8_t kRetiredFirst = 0x82;
inline constexpr uint8_t kRetiredLast = 0x95;
inline constexpr uint8_t kAttestation = 0xF9;
}  // namespace key

// Algorithm identifiers (§4).
namespace alg {
inline constexpr uint8_t kTdes = 0x03;
inline constexpr uint8_t kRsa3072 = 0x05;
inline constexpr uint8_t kRsa1024 = 0x06;
inline constexpr uint8_t kRsa2048 = 0x07;
inline constexpr uint8_t kAes128 = 0x08;
inline constexpr uint8_t kAes192 = 0x0A;
inline constexpr uint8_t kAes256 = 0x0C;
inline constexpr uint8_t kEccP256 = 0x11;
inline constexpr uint8_t kEccP384 = 0x14;
inline constexpr uint8_t kRsa4096 = 0x16;
inline constexpr uint8_t kEd25519 = 0xE0;
inline constexpr uint8_t kX25519 = 0xE1;
inline constexpr uint8_t kPinPuk = 0xFF;
}  // namespace alg

// Yubico PIN / touch policy bytes (GENERATE AA/AB, IMPORT, GET METADATA 02).
enum class PinPolicyByte : uint8_t {
    Default = 0,
    Never = 1,
    Once = 2,
    Always = 3,
    MatchOnce = 4,
    MatchAlways = 5
};
enum class TouchPolicy : uint8_t { Default = 0, Never = 1, Always = 2, Cached = 3 };

// Object contents are at most 3063 bytes on YubiKey 4/5 (§2.1); larger certificates get compressed.
inline constexpr std::size_t kMaxObjectContent = 3063;
// Bound on a decompressed certificate so a hostile card cannot make us inflate a zip bomb.
inline constexpr std::size_t kMaxCertificateSize = 128 * 1024;

struct SlotInfo {
    uint8_t ref;
    uint32_t certificateObject;
    const char* label;
    unsigned usage;  // cardapp::KeyUsage bits before the algorithm filter (see keyUsageFor)
    cardapp::PinPolicy pinPolicy;
};

namespace detail {
inline constexpr unsigned kSign = cardapp::kUsageSign;
inline constexpr unsigned kDecryptDerive = cardapp::kUsageDecrypt | cardapp::kUsageDerive;
inline constexpr auto kOnce = cardapp::PinPolicy::Once;
}  // namespace detail

// The asymmetric key slots in enumeration order (§3.1; slot -> certificate object as in §2.1).
inline constexpr std::array<SlotInfo, 24> kSlots = {{
    {0x9A, 0x5FC105, "PIV AUTH key", detail::kSign, detail::kOnce},
    {0x9C, 0x5FC10A, "SIGN key", detail::kSign, cardapp::PinPolicy::Always},
    {0x9D, 0x5FC10B, "KEY MAN key", detail::kDecryptDerive, detail::kOnce},
    {0x9E, 0x5FC101, "CARD AUTH key", detail::kSign, cardapp::PinPolicy::Never},
    {0x82, 0x5FC10D, "RETIRED KEY 1", detail::kDecryptDerive, detail::kOnce},
    {0x83, 0x5FC10E, "RETIRED KEY 2", detail::kDecryptDerive, detail::kOnce},
    {0x84, 0x5FC10F, "RETIRED KEY 3", detail::kDecryptDerive, detail::kOnce},
    {0x85, 0x5FC110, "RETIRED KEY 4", detail::kDecryptDerive, detail::kOnce},
    {0x86, 0x5FC111, "RETIRED KEY 5", detail::kDecryptDerive, detail::kOnce},
    {0x87, 0x5FC112, "RETIRED KEY 6", detail::kDecryptDerive, detail::kOnce},
    {0x88, 0x5FC113, "RETIRED KEY 7", detail::kDecryptDerive, detail::kOnce},
    {0x89, 0x5FC114, "RETIRED KEY 8", detail::kDecryptDerive, detail::kOnce},
    {0x8A, 0x5FC115, "RETIRED KEY 9", detail::kDecryptDerive, detail::kOnce},
    {0x8B, 0x5FC116, "RETIRED KEY 10", detail::kDecryptDerive, detail::kOnce},
    {0x8C, 0x5FC117, "RETIRED KEY 11", detail::kDecryptDerive, detail::kOnce},
    {0x8D, 0x5FC118, "RETIRED KEY 12", detail::kDecryptDerive, detail::kOnce},
    {0x8E, 0x5FC119, "RETIRED KEY 13", detail::kDecryptDerive, detail::kOnce},
    {0x8F, 0x5FC11A, "RETIRED KEY 14", detail::kDecryptDerive, detail::kOnce},
    {0x90, 0x5FC11B, "RETIRED KEY 15", detail::kDecryptDerive, detail::kOnce},
    {0x91, 0x5FC11C, "RETIRED KEY 16", detail::kDecryptDerive, detail::kOnce},
    {0x92, 0x5FC11D, "RETIRED KEY 17", detail::kDecryptDerive, detail::kOnce},
    {0x93, 0x5FC11E, "RETIRED KEY 18", detail::kDecryptDerive, detail::kOnce},
    {0x94, 0x5FC11F, "RETIRED KEY 19", detail::kDecryptDerive, detail::kOnce},
    {0x95, 0x5FC120, "RETIRED KEY 20", detail::kDecryptDerive, detail::kOnce},
}};

// (Value lookups below avoid comparing pointers into kSlots: GCC cannot constant-fold that under
// -fsanitize.)
constexpr std::optional<SlotInfo> slotInfo(uint8_t ref) {
    for (const auto& s : kSlots)
        if (s.ref == ref) return s;
    return std::nullopt;
}

inline const SlotInfo* findSlot(uint8_t ref) {
    for (const auto& s : kSlots)
        if (s.ref == ref) return &s;
    return nullptr;
}

// Certificate object of a key slot, including Yubico's attestation slot F9.
constexpr std::optional<uint32_t> certificateObjectFor(uint8_t ref) {
    if (ref == key::kAttestation) return obj::kYubicoAttestationCert;
    if (auto s = slotInfo(ref)) return s->certificateObject;
    return std::nullopt;
}

// Usage of a key: the slot's purpose, restricted to what the algorithm can do (RSA cannot derive,
// EC cannot decrypt). NIST forbids ECDH with 9A/9C/9E, so those stay sign-only.
constexpr unsigned keyUsageFor(uint8_t ref, KeyAlgorithm a) {
    const auto s = slotInfo(ref);
    unsigned u = s ? s->usage : 0;
    switch (a) {
        case KeyAlgorithm::Rsa1024:
        case KeyAlgorithm::Rsa2048:
        case KeyAlgorithm::Rsa3072:
        case KeyAlgorithm::Rsa4096:
            return u & ~unsigned(cardapp::kUsageDerive);
        case KeyAlgorithm::EcP256:
        case KeyAlgorithm::EcP384:
            return u & ~unsigned(cardapp::kUsageDecrypt);
        case KeyAlgorithm::Ed25519:
            return u & cardapp::kUsageSign;
        case KeyAlgorithm::X25519:
            return u & cardapp::kUsageDerive;
    }
    return u;
}

struct AlgorithmInfo {
    KeyAlgorithm algorithm;
    uint8_t id;
};

inline constexpr std::array<AlgorithmInfo, 8> kAlgorithms = {{
    {KeyAlgorithm::Rsa1024, alg::kRsa1024},
    {KeyAlgorithm::Rsa2048, alg::kRsa2048},
    {KeyAlgorithm::Rsa3072, alg::kRsa3072},
    {KeyAlgorithm::Rsa4096, alg::kRsa4096},
    {KeyAlgorithm::EcP256, alg::kEccP256},
    {KeyAlgorithm::EcP384, alg::kEccP384},
    {KeyAlgorithm::Ed25519, alg::kEd25519},
    {KeyAlgorithm::X25519, alg::kX25519},
}};

constexpr uint8_t algorithmId(KeyAlgorithm a) {
    for (const auto& i : kAlgorithms)
        if (i.algorithm == a) return i.id;
    return 0;
}

constexpr std::optional<KeyAlgorithm> keyAlgorithmFromId(uint8_t id) {
    for (const auto& i : kAlgorithms)
        if (i.id == id) return i.algorithm;
    return std::nullopt;
}

// EC field size in bytes (ECDSA input / ECDH Z length); 0 for others.
constexpr std::size_t ecFieldBytes(KeyAlgorithm a) {
    return a == KeyAlgorithm::EcP256 ? 32 : a == KeyAlgorithm::EcP384 ? 48 : 0;
}

// Maps a Yubico policy byte to the task-level policy; Default means the slot's default.
constexpr cardapp::PinPolicy pinPolicyFrom(uint8_t ref, PinPolicyByte p) {
    switch (p) {
        case PinPolicyByte::Never:
            return cardapp::PinPolicy::Never;
        case PinPolicyByte::Once:
        case PinPolicyByte::MatchOnce:
            return cardapp::PinPolicy::Once;
        case PinPolicyByte::Always:
        case PinPolicyByte::MatchAlways:
            return cardapp::PinPolicy::Always;
        case PinPolicyByte::Default:
            break;
    }
    const auto s = slotInfo(ref);
    return s ? s->pinPolicy : cardapp::PinPolicy::Once;
}

}  // namespace piv
