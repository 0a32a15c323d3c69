// OpenSSL helpers for the OpenPGP tests: real key pairs so the scripted card answers (7F49 templates,
// signatures, deciphered plaintexts, ECDH secrets) are what a card holding these keys would return.
// The tests, and only they, hold private keys to play the card.
#pragma once

#include <string>

#include "card-apps/common/card_application.h"
#include "core/base/bytes.h"
#include "core/crypto/ossl.h"

namespace openpgp::test {

using core::Bytes;
using core::ByteView;
using crypto::ossl::Pkey;

Pkey generateKeyPair(cardapp::KeyAlgorithm alg);
Bytes spkiOf(EVP_PKEY* key);
Bytes publicPointOf(EVP_PKEY* key);  // 04||X||Y (EC) or the raw 32 bytes (25519)
Bytes rsaModulusOf(EVP_PKEY* key);   // k bytes
Bytes rsaExponentOf(EVP_PKEY* key);
Bytes privateKeyDerOf(EVP_PKEY* key);
Bytes selfSignedCertificate(EVP_PKEY* key, const std::string& commonName);

// What the card computes.
Bytes rsaSignDigestInfo(EVP_PKEY* key, ByteView digestInfo);          // EMSA-PKCS1-v1_5 + RSA
Bytes rsaDecryptPkcs1(EVP_PKEY* key, ByteView ciphertext);            // the plaintext
Bytes ecdsaSignRaw(EVP_PKEY* key, ByteView hash, std::size_t field);  // r||s
Bytes ed25519Sign(EVP_PKEY* key, ByteView message);
Bytes ecdh(EVP_PKEY* priv, EVP_PKEY* peer);
// What the host checks.
Bytes rsaEncryptPkcs1(EVP_PKEY* key, ByteView message);
bool rsaVerifyDigestInfo(EVP_PKEY* key, ByteView digestInfo, ByteView sig);
bool ecdsaVerifyDer(EVP_PKEY* key, ByteView hash, ByteView der);
bool ed25519Verify(EVP_PKEY* key, ByteView message, ByteView sig);
Bytes sha256(ByteView data);
Bytes sha1(ByteView data);

// "7F49 <len> 81 <n> 82 <e>" / "7F49 <len> 86 <point>" for a key.
Bytes publicKeyTemplate(EVP_PKEY* key);

inline Bytes h(std::string_view hex) {
    return core::hexBytes(hex);
}
inline Bytes cat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (auto p : parts) core::append(out, p);
    return out;
}
inline Bytes ok(ByteView data) {
    return cat({data, h("90 00")});
}

}  // namespace openpgp::test
