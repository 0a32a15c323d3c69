// Every OpenSSL operation of the OpenPGP card: key generation and import, the private-key operations of
// PSO and INTERNAL AUTHENTICATE, the public key template, and PKCS#8 (de)serialisation for the state file.
// Bad host input comes back as Errc::IncorrectData (-> 6A80); OpenSSL failures as Errc::Crypto.
#pragma once

#include "core/base/result.h"
#include "vcard/openpgp/openpgp_algo.h"

namespace vcard::openpgp::crypto {

core::Result<KeyPtr> generate(const AlgoSpec& spec);
// Whether `key` is of the kind (and RSA size) `spec` describes.
bool matches(EVP_PKEY* key, const AlgoSpec& spec);
// Members of 7F49: 81 modulus + 82 exponent (RSA) or 86 point / raw 32-byte key.
core::Result<Bytes> publicKeyTlvs(EVP_PKEY* key, const AlgoSpec& spec);

// EMSA-PKCS1-v1_5 (type 1) over `input` (a DigestInfo or authentication data).
core::Result<Bytes> rsaSign(EVP_PKEY* key, ByteView input);
// ECDSA on a hash; r || s, each left-padded to the field size.
core::Result<Bytes> ecdsaSign(EVP_PKEY* key, KeyKind kind, ByteView hash);
// PureEdDSA over the message; R || S.
core::Result<Bytes> ed25519Sign(EVP_PKEY* key, ByteView message);
// RSAES-PKCS1-v1_5 decryption of exactly k bytes.
core::Result<SecureBytes> rsaDecrypt(EVP_PKEY* key, ByteView cryptogram);
// ECDH: peer point 04||X||Y -> X coordinate; X25519: peer u-coordinate -> shared secret.
core::Result<SecureBytes> deriveShared(EVP_PKEY* key, KeyKind kind, ByteView peer);

// Key import (PUT DATA odd). RSA: optional members may be empty; present ones must agree with e, p, q.
struct RsaParts {
    ByteView e, p, q, qinv, dp, dq, n;
};
core::Result<KeyPtr> importRsa(const AlgoSpec& spec, const RsaParts& parts);
// EC scalar (left-padded if short); `publicKey` (99) checked against it when not empty.
core::Result<KeyPtr> importEc(KeyKind kind, ByteView scalar, ByteView publicKey);
// Ed25519 seed / X25519 scalar as GnuPG sends them (X25519 big-endian, reversed to RFC 7748 order).
core::Result<KeyPtr> import25519(KeyKind kind, ByteView secret, ByteView publicKey);

core::Result<SecureBytes> encodePrivateKey(EVP_PKEY* key);
core::Result<KeyPtr> decodePrivateKey(ByteView der);

SecureBytes randomBytes(std::size_t n);

}  // namespace vcard::openpgp::crypto
