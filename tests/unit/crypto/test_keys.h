// Test-only key material: OpenSSL-generated keys whose private half simulates the card's raw operations.
#pragma once

#include <openssl/evp.h>

#include "core/crypto/hash.h"
#include "core/crypto/ossl.h"

namespace crypto::test {

// Generated once per process (RSA generation is slow) and shared by the tests.
EVP_PKEY* rsaKey(int bits);
EVP_PKEY* ecKey(const char* curve);   // "P-256", "P-384", ...
ossl::Pkey newKey(const char* type);  // "ED25519", "X25519", "ED448"

Bytes spkiOf(const EVP_PKEY* key);
Bytes bnParam(const EVP_PKEY* key, const char* name);
// The card's raw RSA private operation on exactly k bytes.
Bytes rawRsaPrivate(EVP_PKEY* key, ByteView block);
// EVP_DigestVerify of `msg` with PKCS#1 v1.5 (pss = false) or PSS with the given salt length and MGF hash.
bool opensslVerify(EVP_PKEY* key, HashAlg alg, ByteView msg, ByteView sig, bool pss = false, int saltLen = 0,
                   HashAlg mgf = HashAlg::Sha256);
// RSA-OAEP encryption with OpenSSL (public key).
Bytes opensslOaepEncrypt(EVP_PKEY* key, HashAlg alg, HashAlg mgf, ByteView label, ByteView msg);
Bytes opensslPkcs1Encrypt(EVP_PKEY* key, ByteView msg);

inline Bytes bytesOf(const char* s) {
    return Bytes(s, s + std::char_traits<char>::length(s));
}

}  // namespace crypto::test
