// Helpers shared by the PIV applet's implementation files.
#pragma once

#include <optional>

#include "vcard/piv/piv_types.h"

namespace vcard::piv {

constexpr uint16_t kMemoryFailure = 0x6581;

// Members of the dynamic authentication template 7C (found by tag, any order, each at most once).
struct AuthTemplate {
    std::optional<ByteView> witness;    // 80
    std::optional<ByteView> challenge;  // 81
    std::optional<ByteView> response;   // 82
    std::optional<ByteView> exponent;   // 85
};
// nullopt when the data is not exactly one well-formed 7C with only those members.
std::optional<AuthTemplate> parseAuthTemplate(ByteView data);

// PIV PIN: 6–8 ASCII digits right-padded with FF to 8 bytes.
bool isWellFormedPin(ByteView pin);
// New PUK value: 6–8 bytes other than FF, right-padded with FF to 8 bytes.
bool isWellFormedPuk(ByteView puk);

}  // namespace vcard::piv
