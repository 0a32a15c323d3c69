// Yubico-style attestation: the per-card attestation key in F9 signs an X.509 certificate for a key that
// was generated on the card (extensions 1.3.6.1.4.1.41482.3.3 firmware, .7 serial, .8 policies).
#pragma once

#include "core/base/result.h"
#include "vcard/piv/piv_types.h"

namespace vcard::piv {

// Self-signed certificate of the attestation key itself (stored in object 5FFF01).
core::Result<Bytes> makeAttestationRootCert(EVP_PKEY* attestationKey, uint32_t serial);
// Certificate for `slot`'s public key, issued by the attestation key.
core::Result<Bytes> makeAttestation(EVP_PKEY* attestationKey, uint8_t slot, const KeySlot& key,
                                    uint32_t serial);

}  // namespace vcard::piv
