// The independent side of every crypto test: OpenSSL builds the public key from the attributes the module
// reports, verifies the module's signatures, encrypts for it and computes the ECDH secret to compare.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

namespace p11test {

using Bytes = std::vector<unsigned char>;

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// From CKA_MODULUS / CKA_PUBLIC_EXPONENT (big-endian). Null with *error on failure.
Pkey rsaPublicKey(const Bytes& modulus, const Bytes& exponent, std::string* error);
// From CKA_EC_PARAMS (DER OID of a named curve) and CKA_EC_POINT (DER OCTET STRING of 04||X||Y).
Pkey ecPublicKey(const Bytes& ecParams, const Bytes& ecPoint, std::string* error);

Bytes sha256(const Bytes& data);
// DER DigestInfo for SHA-256 followed by the hash: the input CKM_RSA_PKCS expects for a SHA-256 signature.
Bytes sha256DigestInfo(const Bytes& data);

// Each returns "" when the signature verifies, else what failed (with OpenSSL's error queue).
std::string verifyRsaPkcs1Raw(EVP_PKEY* key, const Bytes& signedInput, const Bytes& sig);  // CKM_RSA_PKCS
std::string verifyRsaSha256(EVP_PKEY* key, const Bytes& message, const Bytes& sig);  // CKM_SHA256_RSA_PKCS
std::string verifyRsaPssSha256(EVP_PKEY* key, const Bytes& hash, const Bytes& sig, int saltLen);
std::string verifyEcdsaRaw(EVP_PKEY* key, const Bytes& hash, const Bytes& rs);  // CKM_ECDSA: r||s

// Encryption for the module to decrypt. oaepMd null: PKCS#1 v1.5.
Bytes rsaEncrypt(EVP_PKEY* key, const EVP_MD* oaepMd, const Bytes& label, const Bytes& plaintext,
                 std::string* error);

// A fresh key on the same curve as `like`, its uncompressed point, and the ECDH shared secret (X coordinate).
Pkey generateEcPeer(EVP_PKEY* like, std::string* error);
Bytes ecUncompressedPoint(EVP_PKEY* key);
Bytes ecdhSecret(EVP_PKEY* priv, EVP_PKEY* peerPublic, std::string* error);

// Last OpenSSL errors as text, clearing the queue.
std::string opensslErrors();

}  // namespace p11test
