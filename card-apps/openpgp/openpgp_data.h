// Decoders (and the few encoders) of OpenPGP card data objects (§3): application related data 6E
// with everything inside it, algorithm attributes, PW status, cardholder data, the signature counter.
// Pure functions over bytes, no card I/O: every parser is unit-testable and fuzzable. Every
// malformation is Errc::Malformed; optional DOs that are absent are std::nullopt / empty.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "card-apps/openpgp/openpgp_constants.h"
#include "core/base/bytes.h"
#include "core/base/result.h"

namespace openpgp {

using core::Bytes;
using core::ByteView;

using Fingerprint = std::array<uint8_t, 20>;

// C1 / C2 / C3 (§3.4).
struct AlgorithmAttributes {
    uint8_t algorithm = 0;  // algo::kRsa, kEcdh, kEcdsa, kEdDsa (others kept as raw)
    // RSA
    uint16_t rsaBits = 0;
    uint16_t rsaExponentBits = 0;
    uint8_t rsaImportFormat = 0;  // 00 e,p,q; 01 +n; 02 CRT; 03 CRT+n
    // ECC
    Bytes oid;                            // as on the card, import byte removed
    std::optional<Curve> curve;           // nullopt for curves we do not know
    std::optional<uint8_t> ecImportByte;  // trailing 00 / FF when present (FF: public key in imports)
    Bytes raw;                            // the DO as read

    bool isRsa() const { return algorithm == algo::kRsa; }
    bool isEcc() const {
        return algorithm == algo::kEcdh || algorithm == algo::kEcdsa || algorithm == algo::kEdDsa;
    }
    // The cardapp algorithm when this driver supports it (RSA 1024-4096, P-256/P-384, Ed25519, X25519).
    std::optional<cardapp::KeyAlgorithm> keyAlgorithm() const;
    bool operator==(const AlgorithmAttributes& o) const { return raw == o.raw; }
};
core::Result<AlgorithmAttributes> decodeAlgorithmAttributes(ByteView value);
// The attributes to PUT for `alg` in slot `keyRef`. An RSA slot keeps the card's current exponent size
// and import format when it already holds RSA attributes; otherwise GnuPG's form (e 32 bits, format 00).
core::Result<Bytes> encodeAlgorithmAttributes(uint8_t keyRef, cardapp::KeyAlgorithm alg,
                                              const AlgorithmAttributes* current);

// C0 (§3.3). Bytes 7-10 mean different things in v2 and v3.
struct ExtendedCapabilities {
    uint8_t flags = 0;
    uint8_t smAlgorithm = 0;
    uint16_t maxChallenge = 0;
    uint16_t maxCertificate = 0;
    uint16_t maxSpecialDo = 0;     // v3
    uint16_t maxCommandData = 0;   // v2 (v3: 7F66)
    uint16_t maxResponseData = 0;  // v2 (v3: 7F66)
    bool pinBlockFormat2 = false;  // v3
    bool mse = false;              // v3
    bool has(uint8_t flag) const { return (flags & flag) != 0; }
};
core::Result<ExtendedCapabilities> decodeExtendedCapabilities(ByteView value, uint16_t version);

// C4 (§3.5).
struct PwStatus {
    bool pw1ValidForSeveralSignatures = true;  // byte 1: 00 = one PSO:CDS per VERIFY 81
    uint8_t maxLengthPw1 = 0;
    uint8_t maxLengthRc = 0;
    uint8_t maxLengthPw3 = 0;
    uint8_t retriesPw1 = 0;
    uint8_t retriesRc = 0;
    uint8_t retriesPw3 = 0;
};
core::Result<PwStatus> decodePwStatus(ByteView value);

// 5F52 (§3.2), COMPACT-TLV. Parsed leniently: a card with odd historical bytes is still usable.
struct HistoricalBytes {
    bool commandChaining = false;
    bool extendedLength = false;
    std::optional<uint8_t> lifeCycle;  // 05 operational, 03 initialisation (terminated)
};
HistoricalBytes decodeHistoricalBytes(ByteView value);

// 7F66: 02 02 <max Lc> 02 02 <max Le>.
struct ExtendedLengthInfo {
    uint16_t maxCommand = 0;
    uint16_t maxResponse = 0;
};
core::Result<ExtendedLengthInfo> decodeExtendedLengthInfo(ByteView value);

// 6E (§3.1): the value with or without its own 6E wrapper; C0-DE inside 73 or directly inside 6E.
struct ApplicationData {
    Bytes aid;  // 4F, 16 bytes
    uint8_t versionMajor = 0;
    uint8_t versionMinor = 0;
    uint16_t manufacturer = 0;
    uint32_t serial = 0;
    Bytes historicalBytesRaw;
    HistoricalBytes historical;
    std::optional<ExtendedLengthInfo> extendedLength;              // 7F66
    Bytes generalFeatures;                                         // 7F74 as read (empty when absent)
    std::optional<ExtendedCapabilities> capabilities;              // C0
    std::array<std::optional<AlgorithmAttributes>, 3> attributes;  // C1 C2 C3 (slot index)
    std::optional<PwStatus> pwStatus;                              // C4
    std::array<Fingerprint, 3> fingerprints{};                     // C5 (zero = none)
    std::array<Fingerprint, 3> caFingerprints{};                   // C6
    std::array<uint32_t, 3> generationTimes{};                     // CD (0 = none)
    std::optional<std::array<uint8_t, 3>> keyStatus;               // DE: 00 none, 01 generated, 02 imported

    uint16_t version() const { return static_cast<uint16_t>(versionMajor << 8 | versionMinor); }
    // Whether the card takes extended APDUs: 5F52 card capabilities or a 7F66 object.
    bool supportsExtendedLength() const { return historical.extendedLength || extendedLength.has_value(); }
    // "D2760001240103040006123456780000" style hex, and the short serial used as the token serial.
    std::string aidHex() const;
    std::string serialText() const;  // manufacturer (4 hex) + serial (8 hex): unique per card
};
core::Result<ApplicationData> decodeApplicationData(ByteView data);

// 65 (§3.7): with or without its 65 wrapper.
struct CardholderData {
    std::string name;            // 5B, ISO 8859-1 as stored (surname<<forename)
    std::string language;        // 5F2D
    std::optional<uint8_t> sex;  // 5F35, ISO 5218
};
core::Result<CardholderData> decodeCardholderData(ByteView data);

// 7A (or a bare 93): the digital signature counter.
core::Result<uint32_t> decodeSignatureCounter(ByteView data);

// F9 (KDF-DO): true when the card expects PINs hashed on the host (KDF algorithm byte other than 00).
core::Result<bool> decodeKdfActive(ByteView data);

bool isZero(ByteView v);

}  // namespace openpgp
