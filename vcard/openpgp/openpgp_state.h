// Creation of a factory-fresh OpenPGP state and its encoding in the card file (section tag E3; PIV has E1).
#pragma once

#include "core/base/result.h"
#include "vcard/openpgp/openpgp_types.h"

namespace vcard::openpgp {

constexpr uint32_t kStateSectionTag = 0xE3;

// Default PW1/PW3, retries 3/0/3, no resetting code, RSA-2048 attributes, no keys. `serial` 0 = random.
OpenPgpState newOpenPgpState(uint32_t serial = 0);

core::Result<core::SecureBytes> encodeOpenPgpState(const OpenPgpState& s);
// Malformed with a description of the first inconsistency.
core::Result<OpenPgpState> decodeOpenPgpState(ByteView body);

}  // namespace vcard::openpgp
