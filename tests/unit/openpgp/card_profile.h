// Builds realistic application related data (6E) for the tests with TlvBuilder, in the layouts cards
// use (§3.1): wrapped or bare, C0-DE inside 73 or directly in 6E, with or without 7F66 / 7F74 / DE.
#pragma once

#include <array>
#include <optional>

#include "core/apdu/tlv.h"
#include "tests/unit/openpgp/test_keys.h"

namespace openpgp::test {

inline const Bytes kAttrRsa2048 = h("01 08 00 00 20 00");
inline const Bytes kAttrRsa2048Smartpgp = h("01 08 00 00 11 03");
inline const Bytes kAttrP256Ecdsa = h("13 2A 86 48 CE 3D 03 01 07");
inline const Bytes kAttrP256Ecdh = h("12 2A 86 48 CE 3D 03 01 07");
inline const Bytes kAttrP384Ecdsa = h("13 2B 81 04 00 22");
inline const Bytes kAttrEd25519 = h("16 2B 06 01 04 01 DA 47 0F 01");
inline const Bytes kAttrCv25519 = h("12 2B 06 01 04 01 97 55 01 05 01");

struct CardProfile {
    uint8_t versionMajor = 3, versionMinor = 4;
    uint16_t manufacturer = 0x0006;
    uint32_t serial = 0x12345678;
    bool wrapped = true;           // 6E 81 xx ... (SmartPGP) or the bare content
    bool discretionary = true;     // C0-DE inside 73
    bool extendedLength = false;   // 5F52 card capabilities bit 40 and a 7F66 object
    bool generalFeatures = false;  // 7F74 (v3.3+, YubiKey 5 "touch" button)
    uint8_t extcapFlags =
        0x7C;  // GET CHALLENGE, key import, C4 changeable, private DOs, attributes changeable
    uint16_t maxCertificate = 0x0800;
    std::array<Bytes, 3> attributes = {kAttrRsa2048, kAttrCv25519, kAttrEd25519};
    uint8_t pw1Several = 0x00;                   // C4 byte 1 (00: one signature per VERIFY; the 3.4 default)
    std::array<uint8_t, 3> retries = {3, 0, 3};  // PW1, RC, PW3
    std::array<Bytes, 3> fingerprints = {Bytes(20, 0), Bytes(20, 0), Bytes(20, 0)};
    std::array<uint32_t, 3> times = {0, 0, 0};
    std::optional<std::array<uint8_t, 3>> keyStatus = std::array<uint8_t, 3>{0, 0, 0};

    Bytes aid() const {
        return {0xD2,
                0x76,
                0x00,
                0x01,
                0x24,
                0x01,
                versionMajor,
                versionMinor,
                uint8_t(manufacturer >> 8),
                uint8_t(manufacturer),
                uint8_t(serial >> 24),
                uint8_t(serial >> 16),
                uint8_t(serial >> 8),
                uint8_t(serial),
                0x00,
                0x00};
    }
    Bytes pwStatus() const { return {pw1Several, 0x7F, 0x7F, 0x7F, retries[0], retries[1], retries[2]}; }

    Bytes build() const {
        apdu::TlvBuilder b;
        if (wrapped) b.begin(0x6E);
        b.add(0x4F, aid());
        b.add(0x5F52,
              extendedLength ? h("00 31 C5 73 C0 01 C0 05 90 00") : h("00 31 C5 73 C0 01 80 05 90 00"));
        if (extendedLength) b.add(0x7F66, h("02 02 08 00 02 02 08 00"));
        if (generalFeatures) b.add(0x7F74, h("81 01 20"));
        if (discretionary) b.begin(0x73);
        b.add(0xC0, {extcapFlags, 0x00, 0x00, 0xFF, uint8_t(maxCertificate >> 8), uint8_t(maxCertificate),
                     0x00, 0xFF, 0x00, 0x00});
        b.add(0xC1, attributes[0]).add(0xC2, attributes[1]).add(0xC3, attributes[2]);
        b.add(0xC4, pwStatus());
        b.add(0xC5, cat({fingerprints[0], fingerprints[1], fingerprints[2]}));
        b.add(0xC6, Bytes(60, 0));
        Bytes cd;
        for (uint32_t t : times)
            core::append(cd, Bytes{uint8_t(t >> 24), uint8_t(t >> 16), uint8_t(t >> 8), uint8_t(t)});
        b.add(0xCD, cd);
        if (keyStatus) b.add(0xDE, {0x01, (*keyStatus)[0], 0x02, (*keyStatus)[1], 0x03, (*keyStatus)[2]});
        return b.take();
    }
};

// The worked example of openpgp-card.md §3.1, byte for byte (248 bytes).
inline Bytes workedExample6E() {
    return cat({h("6E 81 F5 4F 10 D2 76 00 01 24 01 03 04 00 00 12 34 56 78 00 00"
                  "5F 52 0A 00 31 C5 73 C0 01 C0 05 90 00"
                  "7F 66 08 02 02 08 00 02 02 08 00"
                  "73 81 C8 C0 0A 7C 00 00 FF 08 00 00 FF 00 00"
                  "C1 06 01 08 00 00 20 00"
                  "C2 0B 12 2B 06 01 04 01 97 55 01 05 01"
                  "C3 0A 16 2B 06 01 04 01 DA 47 0F 01"
                  "C4 07 00 7F 7F 7F 03 00 03 C5 3C"),
                Bytes(60, 0), h("C6 3C"), Bytes(60, 0), h("CD 0C"), Bytes(12, 0),
                h("DE 06 01 00 02 00 03 00")});
}

}  // namespace openpgp::test
