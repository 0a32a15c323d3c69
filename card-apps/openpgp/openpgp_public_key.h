// Public keys as an OpenPGP card returns them (GENERATE ASYMMETRIC KEY PAIR: 7F49 with 81/82 for RSA,
// 86 for ECC), their DER SubjectPublicKeyInfo (a platform seam, see below), and the OpenPGP v4
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

// The curve of ECC attributes; NotSupported for RSA/unknown algorithms and curves outside the table.
core::Result<const CurveInfo*> curveOf(const AlgorithmAttributes& attrs);

// DER SubjectPublicKeyInfo of a card key: a seam (openpgp_crypto.h). Linux: OpenSSL 3 (any curve it can
// name; EC points checked on the curve), openpgp_public_key_openssl.cpp. The minidriver DLL: RSA-1024..4096,
// P-256, P-384, Ed25519, X25519 in core/apdu DER (minidriver/win/md_openpgp_crypto_win.cpp); other keys
// NotSupported there.
core::Result<Bytes> spkiFromCardKey(const CardPublicKey& key, const AlgorithmAttributes& attrs);

// The key from a DER SubjectPublicKeyInfo (the reverse of spkiFromCardKey; tests and fuzzing). Linux only
// (openpgp_public_key_openssl.cpp): nothing the minidriver DLL runs calls it.
core::Result<CardPublicKey> cardKeyFromSpki(ByteView spki);

// Body of the v4 public-key packet: 04 | created (4) | algorithm id | algorithm-specific fields.
// ECDH keys carry the RFC 6637 KDF parameters GnuPG uses for the curve (03 01 <hash> <cipher>).
core::Result<Bytes> publicKeyPacketBody(const CardPublicKey& key, const AlgorithmAttributes& attrs,
                                        uint32_t created);
// SHA-1 over 99 | length (2) | body.
core::Result<Fingerprint> v4Fingerprint(const CardPublicKey& key, const AlgorithmAttributes& attrs,
                                        uint32_t created);

}  // namespace openpgp
