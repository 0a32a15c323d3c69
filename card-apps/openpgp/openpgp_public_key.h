// Public keys as an OpenPGP card returns them (GENERATE ASYMMETRIC KEY PAIR: 7F49 with 81/82 for RSA,
// 86 for ECC), their DER SubjectPublicKeyInfo (OpenSSL 3 EVP_PKEY_fromdata), and the OpenPGP v4
// fingerprint the host computes and writes to C7-C9 (§3.6, RFC 4880 §12.2, RFC 6637 for ECC).
#pragma once

#include <cstdint>

#include "card-apps/openpgp/openpgp_data.h"

namespace openpgp {

// Content of a 7F49 public key template.
struct CardPublicKey {
    Bytes modulus;   // RSA n, big-endian without leading zeros
    Bytes exponent;  // RSA e, big-endian without leading zeros
    Bytes point;     // ECC: 04||X||Y (NIST, brainpool, secp256k1) or the raw 32 bytes (Ed25519, X25519)
};

// `answer` is the card's answer: a 7F49 template (a bare template content is tolerated). The members
// are checked against `attrs` (modulus size, point format of the curve). Malformed otherwise.
core::Result<CardPublicKey> decodePublicKeyTemplate(ByteView answer, const AlgorithmAttributes& attrs);

// DER SubjectPublicKeyInfo of a card key. NotSupported for curves OpenSSL cannot name.
core::Result<Bytes> spkiFromCardKey(const CardPublicKey& key, const AlgorithmAttributes& attrs);

// The key from a DER SubjectPublicKeyInfo (the reverse of spkiFromCardKey; used for key import).
core::Result<CardPublicKey> cardKeyFromSpki(ByteView spki);

// Body of the v4 public-key packet: 04 | created (4) | algorithm id | algorithm-specific fields.
// ECDH keys carry the RFC 6637 KDF parameters GnuPG uses for the curve (03 01 <hash> <cipher>).
core::Result<Bytes> publicKeyPacketBody(const CardPublicKey& key, const AlgorithmAttributes& attrs,
                                        uint32_t created);
// SHA-1 over 99 | length (2) | body.
core::Result<Fingerprint> v4Fingerprint(const CardPublicKey& key, const AlgorithmAttributes& attrs,
                                        uint32_t created);

}  // namespace openpgp
