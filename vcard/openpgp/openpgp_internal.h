// Helpers shared by the OpenPGP applet's implementation files.
#pragma once

#include <optional>

#include "core/base/result.h"
#include "vcard/openpgp/openpgp_types.h"

namespace vcard::openpgp {

constexpr uint16_t kMemoryFailure = 0x6581;
constexpr uint16_t kTerminated = 0x6285;

// Status word for a failed crypto::* call: bad host input 6A80, anything else 6F00.
uint16_t swFor(const core::Error& e);

// Key slot named by a control reference template: B6 (SIG), B8 (DEC), A4 (AUT), each empty or holding
// 84 01 <key ref 1|2|3> that agrees with it. nullopt when `crt` is anything else.
std::optional<Slot> slotFromCrt(ByteView crt);

// Puts a generated or imported key into `slot` of `s`: fingerprint and date cleared (the host writes the
// new ones), signature counter reset for the signature key.
void installKey(OpenPgpState& s, Slot slot, KeyPtr key, KeyOrigin origin);

}  // namespace vcard::openpgp
