// Every OpenSSL operation of the PIV card: key generation and import, the private-key operations of
// GENERAL AUTHENTICATE, the management-key block cipher, and private-key (de)serialisation for the state
// file. Bad host input comes back as Errc::IncorrectData (-> 6A80); OpenSSL failures as Errc::Crypto.
#pragma once

#include <optional>

#include "core/base/result.h"
#include "vcard/piv/piv_types.h"

namespace vcard::piv::crypto {

KeyPtr adopt(EVP_PKEY* raw);

// `rsaExponent`: big-endian public exponent (GENERATE tag 81); default 65537.
core::Result<KeyPtr> generate(uint8_t algorithm, std::optional<ByteView> rsaExponent = std::nullopt);
// The algorithm identifier of a key, 0 if it is none of ours.
uint8_t algorithmOf(EVP_PKEY* key);
// Public key as the members of 7F49: 81 modulus, 82 exponent (RSA) or 86 point/raw key.
core::Result<Bytes> publicKeyTlvs(EVP_PKEY* key, uint8_t algorithm);

// Raw RSA private-key operation on exactly k bytes (sign and decrypt alike; padding is the host's job).
core::Result<SecureBytes> rsaRaw(EVP_PKEY* key, ByteView input);
// ECDSA on a hash of at most the field size; DER SEQUENCE { r, s }. `context`: the key's signing context,
// made here when empty and reused by the next call for the same key.
core::Result<Bytes> ecdsaSign(EVP_PKEY* key, ByteView hash, std::shared_ptr<EVP_PKEY_CTX>& context);
// ECDH with the peer point 04||X||Y (or a raw X25519 key): the shared X coordinate / secret.
core::Result<SecureBytes> deriveShared(EVP_PKEY* key, uint8_t algorithm, ByteView peer);
// PureEdDSA over the whole message; 64 bytes R||S.
core::Result<Bytes> ed25519Sign(EVP_PKEY* key, ByteView message);

// Single-block ECB with the management key (3DES or AES).
core::Result<SecureBytes> blockCipher(uint8_t algorithm, ByteView key, ByteView block, bool encrypt);

// Yubico IMPORT KEY material (values left-padded to half the modulus / the field size).
core::Result<KeyPtr> importRsa(uint8_t algorithm, ByteView p, ByteView q, ByteView dp, ByteView dq,
                               ByteView qinv);
core::Result<KeyPtr> importEc(uint8_t algorithm, ByteView scalar);
core::Result<KeyPtr> importRaw25519(uint8_t algorithm, ByteView key);

// PKCS#8 DER of the private key, and back.
core::Result<SecureBytes> encodePrivateKey(EVP_PKEY* key);
core::Result<KeyPtr> decodePrivateKey(ByteView der);

SecureBytes randomBytes(std::size_t n);

}  // namespace vcard::piv::crypto
