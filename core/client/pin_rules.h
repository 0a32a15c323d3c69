// The PIN rules a dialog states and checks before the card sees a PIN, so that a typo in the length never
// costs a try: PIV PIN and PUK 6–8 characters (a new PUK: exactly 8, as the CLI and yubico-piv-tool
// require); OpenPGP PW1 at least 6, PW3 at least 8, resetting code at least 8 (all at most 127).
#pragma once

#include <cstddef>
#include <string>

#include "core/base/bytes.h"
#include "core/token/card_app_registry.h"

namespace client {

enum class PinRole { User, Puk, Admin, ResettingCode };

struct PinRules {
    std::size_t minLength = 6, maxLength = 8;
    // English text a UI may show as is, e.g. "6 to 8 characters".
    std::string describe() const;
    bool accepts(core::ByteView pin) const { return pin.size() >= minLength && pin.size() <= maxLength; }
};

PinRules pinRules(token::AppKind kind, PinRole role);
// What unblocks a user PIN on this application by default: PIV the PUK; OpenPGP the admin PIN (PW3), which
// every card has (the resetting code is optional and usually unset; unblockPin takes it as well).
PinRole unblockRole(token::AppKind kind);
const char* pinRoleName(token::AppKind kind, PinRole role);  // "PIN", "PUK", "Admin PIN (PW3)", ...

}  // namespace client
