// Creation of a factory-fresh PIV state and its encoding in the card file (section tag E1).
#pragma once

#include "core/base/result.h"
#include "vcard/piv/piv_types.h"

namespace vcard::piv {

constexpr uint32_t kStateSectionTag = 0xE1;

// Default PIN/PUK/management key, retries 3/3, random serial, CHUID with a random GUID, CCC, Discovery,
// and an attestation key (P-256) in F9 with its self-signed certificate in 5FFF01. `serial` 0 = random.
core::Result<PivState> newPivState(uint32_t serial = 0);
// Yubico RESET: like a new card but keeping the serial and the attestation key and certificate.
core::Result<PivState> resetPivState(const PivState& old);

// Fails only if OpenSSL cannot serialise a key (the caller must then not write the file).
core::Result<core::SecureBytes> encodePivState(const PivState& s);
// Malformed with a description of the first inconsistency.
core::Result<PivState> decodePivState(ByteView body);

}  // namespace vcard::piv
