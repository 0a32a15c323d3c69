// OpenPGP card application 3.4 (openpgp-card.md): constants and the applet's persistent state.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>

#include "core/base/bytes.h"

namespace vcard::openpgp {

using core::Bytes;
using core::ByteView;
using core::SecureBytes;

// AID: RID D2 76 00 01 24, PIX 01 (OpenPGP), version 3.4, manufacturer, serial, RFU 00 00.
constexpr uint8_t kRid[6] = {0xD2, 0x76, 0x00, 0x01, 0x24, 0x01};
constexpr uint8_t kVersion[2] = {0x03, 0x04};
// FF00–FFFE is reserved for randomly generated serial numbers (openpgp-card.md §1).
constexpr uint16_t kManufacturer = 0xFF00;

// Key slots in the order of C1–C3, C5, C6, CD, the certificate table and key references 1–3.
enum class Slot : uint8_t { Sig = 0, Dec = 1, Aut = 2 };
constexpr std::size_t kSlots = 3;
inline std::size_t idx(Slot s) { return static_cast<std::size_t>(s); }

// Key information (DE) status values.
enum class KeyOrigin : uint8_t { None = 0x00, Generated = 0x01, Imported = 0x02 };

// Immutable once created, so state copies may share it.
using KeyPtr = std::shared_ptr<EVP_PKEY>;

struct KeySlot {
    Bytes attributes;  // C1/C2/C3 value exactly as stored (validated)
    KeyPtr key;        // null: no key
    KeyOrigin origin = KeyOrigin::None;
    std::array<uint8_t, 20> fingerprint{};
    std::array<uint8_t, 20> caFingerprint{};
    uint32_t timestamp = 0;
};

// Password limits (C4 bytes 2–4 and §4).
constexpr std::size_t kPw1Min = 6;
constexpr std::size_t kPw3Min = 8;
constexpr std::size_t kRcMin = 8;
constexpr std::size_t kPinMax = 127;
constexpr uint8_t kRetries = 3;

// Data object size limits (advertised in C0).
constexpr std::size_t kMaxCert = 2048;
constexpr std::size_t kMaxSpecialDo = 255;  // login data, URL, private DOs
constexpr std::size_t kMaxName = 39;
constexpr std::size_t kMaxChallenge = 255;
constexpr uint32_t kMaxSigCount = 0xFFFFFF;

struct OpenPgpState {
    uint32_t serial = 0;
    SecureBytes pw1, pw3, rc;  // rc empty: no resetting code
    uint8_t pw1Left = kRetries, rcLeft = 0, pw3Left = kRetries;
    bool pw1ValidMultiple = false;  // C4 byte 1: 00 = PW1 valid for one PSO:CDS only
    bool terminated = false;
    uint32_t sigCount = 0;
    Bytes name, language, sex, url, login;
    std::array<KeySlot, kSlots> keys;
    std::array<Bytes, kSlots> certs;        // 7F21 per slot
    std::array<Bytes, 4> privateDos;        // 0101–0104
};

SecureBytes defaultPw1();
SecureBytes defaultPw3();

}  // namespace vcard::openpgp
