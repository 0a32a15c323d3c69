// Algorithm attributes (C1–C3, FA): which key types the card offers per slot, and how they are written.
#pragma once

#include <optional>
#include <vector>

#include "vcard/openpgp/openpgp_types.h"

namespace vcard::openpgp {

// OpenPGP public-key algorithm IDs (first attribute byte).
namespace algo_id {
constexpr uint8_t kRsa = 0x01;
constexpr uint8_t kEcdh = 0x12;
constexpr uint8_t kEcdsa = 0x13;
constexpr uint8_t kEddsa = 0x16;
}  // namespace algo_id

enum class KeyKind : uint8_t { Rsa, P256, P384, Ed25519, X25519 };

// RSA private key import formats (attribute byte 6).
enum class RsaImport : uint8_t { Std = 0, StdN = 1, Crt = 2, CrtN = 3 };

struct AlgoSpec {
    KeyKind kind = KeyKind::Rsa;
    uint8_t id = algo_id::kRsa;
    unsigned rsaBits = 0;     // 2048 / 3072 / 4096
    unsigned rsaEBits = 0;    // width of e on import (17–32)
    RsaImport rsaImport = RsaImport::Std;
    bool importWithPublic = false;  // ECC attribute ending in FF: import must carry 99
};

// nullopt when `attr` is not a value this card accepts for `slot` (wrong algorithm for the slot, unknown
// curve, unsupported size or format).
std::optional<AlgoSpec> parseAttributes(Slot slot, ByteView attr);

// The factory value of every slot: RSA-2048, e 32 bits, standard import format (what GnuPG writes).
Bytes defaultAttributes();

// DO FA: every attribute value the card accepts, as C1/C2/C3 TLVs.
Bytes algorithmInformation();

bool isEc(KeyKind k);             // P-256 / P-384
std::size_t fieldBytes(KeyKind k);  // 32 / 48; 32 for the 25519 kinds
bool canSign(KeyKind k);
bool canDecipher(KeyKind k);

}  // namespace vcard::openpgp
