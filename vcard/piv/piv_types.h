// PIV constants (piv.md) and the applet's persistent state.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "core/base/bytes.h"

namespace vcard::piv {

using core::Bytes;
using core::ByteView;
using core::SecureBytes;

// Algorithm identifiers (piv.md §4).
namespace alg {
constexpr uint8_t kTdes = 0x03;
constexpr uint8_t kTdesLegacy = 0x00;  // accepted as an alias of 03 for the management key
constexpr uint8_t kRsa3072 = 0x05;
constexpr uint8_t kRsa1024 = 0x06;
constexpr uint8_t kRsa2048 = 0x07;
constexpr uint8_t kAes128 = 0x08;
constexpr uint8_t kAes192 = 0x0A;
constexpr uint8_t kAes256 = 0x0C;
constexpr uint8_t kEccP256 = 0x11;
constexpr uint8_t kEccP384 = 0x14;
constexpr uint8_t kRsa4096 = 0x16;
constexpr uint8_t kEd25519 = 0xE0;
constexpr uint8_t kX25519 = 0xE1;
constexpr uint8_t kPinPuk = 0xFF;  // GET METADATA algorithm of references 80/81
}  // namespace alg

bool isRsa(uint8_t a);
bool isEc(uint8_t a);                 // P-256 / P-384
bool isAsymmetric(uint8_t a);         // everything GENERATE / IMPORT accept
bool isSymmetric(uint8_t a);          // management key algorithms
std::size_t rsaBytes(uint8_t a);      // modulus length k
std::size_t ecFieldBytes(uint8_t a);  // 32 / 48; 32 for the 25519 algorithms
std::size_t symKeyBytes(uint8_t a);
std::size_t symBlockBytes(uint8_t a);

// Key references.
namespace ref {
constexpr uint8_t kGlobalPin = 0x00;
constexpr uint8_t kPin = 0x80;
constexpr uint8_t kPuk = 0x81;
constexpr uint8_t kAuth = 0x9A;
constexpr uint8_t kMgmt = 0x9B;
constexpr uint8_t kSign = 0x9C;
constexpr uint8_t kKeyMgmt = 0x9D;
constexpr uint8_t kCardAuth = 0x9E;
constexpr uint8_t kRetiredFirst = 0x82;
constexpr uint8_t kRetiredLast = 0x95;
constexpr uint8_t kAttestation = 0xF9;
}  // namespace ref

// Slots a host may generate/import into and use with GENERAL AUTHENTICATE (not F9).
bool isUserKeySlot(uint8_t r);
// User slots plus F9 (GET METADATA).
bool isKeySlot(uint8_t r);

// Yubico PIN / touch policies.
namespace policy {
constexpr uint8_t kDefault = 0x00;
constexpr uint8_t kNever = 0x01;
constexpr uint8_t kOnce = 0x02;
constexpr uint8_t kAlways = 0x03;
constexpr uint8_t kTouchAlways = 0x02;
constexpr uint8_t kTouchCached = 0x03;
}  // namespace policy
uint8_t defaultPinPolicy(uint8_t slot);

enum class KeyOrigin : uint8_t { Generated = 0x01, Imported = 0x02 };

struct EvpPkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
// Immutable once created, so PivState copies can share it.
using KeyPtr = std::shared_ptr<EVP_PKEY>;

struct KeySlot {
    uint8_t algorithm = 0;
    uint8_t pinPolicy = policy::kOnce;     // effective value, never kDefault
    uint8_t touchPolicy = policy::kNever;  // stored and reported; there is no button to touch
    KeyOrigin origin = KeyOrigin::Generated;
    KeyPtr key;
    // ECDSA: the signing context, made at the first signature and reused (provider lookup and sign init
    // cost ~3 µs of a ~30 µs P-256 signature, which `openssl speed` does not pay per signature either).
    // Lives and dies with this key; the card runs one command at a time.
    std::shared_ptr<EVP_PKEY_CTX> signContext;
};

struct PivState {
    SecureBytes pin;  // 8 bytes, FF padded
    SecureBytes puk;
    uint8_t pinMax = 3, pinLeft = 3, pukMax = 3, pukLeft = 3;
    uint8_t mgmtAlg = alg::kTdes;
    uint8_t mgmtTouch = policy::kNever;
    SecureBytes mgmtKey;
    uint32_t serial = 0;
    std::map<uint32_t, Bytes> objects;  // tag -> content (without the 53 / 7E wrapper)
    std::map<uint8_t, KeySlot> keys;
};

// Defaults (piv.md §3.3).
SecureBytes defaultPin();
SecureBytes defaultPuk();
SecureBytes defaultMgmtKey();
constexpr uint8_t kDefaultRetries = 3;

// Firmware version reported by GET VERSION: 5.4.3 makes yubico-piv-tool 2.x use GET SERIAL, GET METADATA,
// AES management keys and VERIFY P1=FF.
constexpr uint8_t kVersion[3] = {5, 4, 3};

}  // namespace vcard::piv
