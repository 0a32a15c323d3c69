// OpenSSL on the test's side of the card: checks every signature the card makes against the public key the
// card reported, computes the ECDH secret the card must agree on, encrypts to the card's key and issues
// certificates for it. Nothing here touches a card key's private half.
#pragma once

#include <string>
#include <utility>

#include "core/base/bytes.h"

namespace itest::hostcrypto {

using core::Bytes;
using core::ByteView;

Bytes sha256(ByteView data);
Bytes sha384(ByteView data);
// DigestInfo (RFC 8017 §9.2 step 2) of SHA-256(data).
Bytes sha256DigestInfo(ByteView data);
// EMSA-PKCS1-v1_5 block of k bytes for SHA-256(data).
Bytes pkcs1Sha256Block(ByteView data, std::size_t k);

// RSA PKCS#1 v1.5 / ECDSA (DER signature) over `data` with SHA-256, or Ed25519 over `data` (mdName "").
bool verify(ByteView spki, const std::string& mdName, ByteView data, ByteView signature);
// ECDSA with a raw r||s signature (PKCS#11 form) over a precomputed hash.
bool verifyEcdsaRawHash(ByteView spki, ByteView hash, ByteView rawSignature);
// ECDSA with a DER signature over a precomputed hash.
bool verifyEcdsaDerHash(ByteView spki, ByteView hash, ByteView derSignature);
// RSA PKCS#1 v1.5 signature over a DigestInfo as is (the card's INTERNAL AUTHENTICATE).
bool verifyRsaDigestInfo(ByteView spki, ByteView digestInfo, ByteView signature);

// A fresh host key on the card key's curve (P-256, P-384, X25519) and the ECDH secret with the card's
// public key: {host public key (04||X||Y, or 32 bytes for X25519), Z}.
std::pair<Bytes, Bytes> ecdhWithHostKey(ByteView cardSpki);
// RSA PKCS#1 v1.5 encryption to the card's key.
Bytes rsaEncrypt(ByteView spki, ByteView plaintext);
// A DER X.509 certificate for the card's public key, issued by a throwaway host key.
Bytes certificateFor(ByteView spki, const std::string& commonName);
// A fresh private key as DER PKCS#8 ("RSA" 2048, "RSA1024", "P-256", "P-384", "ED25519", "X25519") and its SPKI.
std::pair<Bytes, Bytes> newPrivateKey(const std::string& kind);

}  // namespace itest::hostcrypto
