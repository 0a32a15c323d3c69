// Encoding and decoding of PIV data-object contents (§2.2) and of the SELECT / GET METADATA
// answers (§1, §6). Pure functions over bytes: no card I/O here, so every parser is unit-testable and
// fuzzable. Every malformation is Errc::Malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace piv {

using core::Bytes;
using core::ByteView;

// SELECT answer, template 61.
struct SelectInfo {
    Bytes aid;                        // 4F: PIX+version (YubiKey) or full AID (older cards)
    std::string label;                // 50, optional
    std::vector<uint8_t> algorithms;  // AC/80 entries, optional
};
core::Result<SelectInfo> decodeSelectResponse(ByteView data);

struct Chuid {
    Bytes fascn;             // 30, 25 bytes
    Bytes guid;              // 34, 16 bytes: the card UUID
    std::string expiration;  // 35, "YYYYMMDD"
    Bytes cardholderUuid;    // 36, optional
    Bytes issuerSignature;   // 3E, CMS (empty when unsigned)
};
core::Result<Chuid> decodeChuid(ByteView content);
Bytes encodeChuid(const Chuid& c);

struct Discovery {
    Bytes aid;               // 4F
    uint8_t pinPolicy1 = 0;  // 5F2F byte 1
    uint8_t pinPolicy2 = 0;  // 5F2F byte 2
    bool globalPinSatisfiesAcr() const { return pinPolicy1 & 0x20; }
    // OpenSC logs in with the Global PIN only when both PINs work and the Global PIN is primary.
    bool globalPinPrimary() const { return globalPinSatisfiesAcr() && pinPolicy2 == 0x20; }
};
core::Result<Discovery> decodeDiscovery(ByteView value);  // value inside the 7E template

struct KeyHistory {
    uint8_t keysWithOnCardCerts = 0;
    uint8_t keysWithOffCardCerts = 0;
    std::string offCardCertUrl;
};
core::Result<KeyHistory> decodeKeyHistory(ByteView content);
Bytes encodeKeyHistory(const KeyHistory& h);  // C1, C2, F3 (when set), FE

// Certificate containers: 70 cert, 71 CertInfo, FE. nullopt for an empty object or empty 70.
// CertInfo 01 (or 80 on old cards) means gzip; the result is always the DER certificate.
core::Result<std::optional<Bytes>> decodeCertificateContainer(ByteView content);
core::Result<Bytes> encodeCertificateContainer(ByteView der, bool compress);

// Yubico GET METADATA (§6).
struct Metadata {
    std::optional<uint8_t> algorithm;
    std::optional<uint8_t> pinPolicy;    // PinPolicyByte value
    std::optional<uint8_t> touchPolicy;  // TouchPolicy value
    std::optional<uint8_t> origin;       // 01 generated, 02 imported
    Bytes publicKey;                     // 7F49-style content (81/82 or 86), empty if absent
    std::optional<bool> isDefault;
    std::optional<int> retriesTotal;
    std::optional<int> retriesRemaining;
};
core::Result<Metadata> decodeMetadata(ByteView data);

// gzip helpers (zlib). inflateBounded accepts gzip and zlib streams and fails with Malformed when the
// output would exceed maxOut.
core::Result<Bytes> gzipCompress(ByteView data);
core::Result<Bytes> inflateBounded(ByteView data, std::size_t maxOut);

// PIN / PUK reference data (§3.2): 6-8 bytes right-padded with FF to 8. PINs must be printable ASCII
// (YubiKeys accept any ASCII, the spec says digits); PUKs may be any bytes. InvalidArgument otherwise.
core::Result<core::SecureBytes> formatPin(ByteView pin);
core::Result<core::SecureBytes> formatPuk(ByteView puk);

}  // namespace piv
