// Public keys as the token layer and the PKCS#11 attributes need them, parsed from a DER
// SubjectPublicKeyInfo with OpenSSL. Never holds or handles a private key.
#pragma once

#include <optional>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace crypto {

using core::ByteView;
using core::Bytes;

enum class KeyType { Rsa, Ec, Ed25519, X25519 };

struct PublicKey {
    KeyType type = KeyType::Rsa;
    Bytes spki;             // DER SubjectPublicKeyInfo
    std::size_t bits = 0;   // RSA modulus bits, EC field bits (256/384), 255 for 25519
    // RSA
    Bytes modulus;          // big-endian, no leading zero
    Bytes publicExponent;   // big-endian
    // EC: DER of the named-curve OID (CKA_EC_PARAMS) and the uncompressed point 04||X||Y
    Bytes ecParams;
    Bytes ecPoint;
    std::string curveName;  // "P-256", "P-384", "Ed25519", "X25519"

    std::size_t rsaBytes() const { return (bits + 7) / 8; }
    std::size_t ecFieldBytes() const { return (bits + 7) / 8; }
};

core::Result<PublicKey> parseSpki(ByteView spkiDer);

// ECDSA signature conversions: DER ECDSA-Sig-Value <-> r||s (each left-padded to fieldBytes).
core::Result<Bytes> ecdsaDerToRaw(ByteView der, std::size_t fieldBytes);
core::Result<Bytes> ecdsaRawToDer(ByteView raw);

// Host-side verification with the public key only (C_Verify, self-tests of the module).
core::Result<bool> verifyRsaPkcs1(const PublicKey& key, ByteView signedBlockInput, ByteView signature);

}  // namespace crypto
