// A private key handed to a card for import, as its components. No OpenSSL object and no parser: the
// PKCS#11 module fills it from a template's attributes, so the module never links an OpenSSL function
// that reads a private key (tests/secrets). Hosts that have a DER key use private_key_der.h (a separate
// library the module does not link).
#pragma once

#include "card-apps/common/card_application.h"

namespace cardapp {

struct PrivateKeyComponents {
    KeyAlgorithm algorithm = KeyAlgorithm::Rsa2048;
    // RSA: the public half (big-endian, leading zeros allowed) and the CRT values (secrets).
    Bytes modulus, publicExponent;
    core::SecureBytes p, q, dp, dq, qinv;
    // P-256 / P-384: the private scalar. Ed25519: the 32-byte seed. X25519: the 32-byte private key as
    // RFC 7748 writes it (little-endian), which is how OpenSSL and PKCS#11 hand it over.
    core::SecureBytes scalar;
    // Optional public key: EC 04||X||Y, 25519 the raw 32 bytes. Empty when the caller does not know it
    // (a PKCS#11 EC template has none): the card is asked after the import where it must be known.
    Bytes publicPoint;
};

// Checks sizes against the algorithm (no arithmetic): every RSA CRT value fits in half the modulus,
// the modulus has exactly the algorithm's size, the scalar fits the field and is not zero.
// InvalidArgument with a reason otherwise.
core::Status checkComponents(const PrivateKeyComponents& k);

// `v` without its leading zero bytes.
ByteView stripLeadingZeros(ByteView v);

}  // namespace cardapp
