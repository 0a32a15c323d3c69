// Host-side OpenSSL checks of what the card returns: public keys from 7F49, signature verification,
// encryption to the card, ECDH with an ephemeral key, and key material for import tests.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "core/base/bytes.h"

namespace vcard::pgptest {

using core::Bytes;
using core::ByteView;

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

enum class Kind { Rsa, P256, P384, Ed25519, X25519 };

// Public key from the members of 7F49 (81/82 or 86).
Pkey publicKeyFrom7F49(ByteView members, Kind kind);
Pkey generateHostKey(Kind kind, int rsaBits = 2048);

bool verifyRsaDigestInfo(EVP_PKEY* pub, ByteView digestInfo, ByteView sig);
bool verifyEcdsaRaw(EVP_PKEY* pub, ByteView hash, ByteView rs);
bool verifyEd25519(EVP_PKEY* pub, ByteView msg, ByteView sig);
Bytes rsaEncrypt(EVP_PKEY* pub, ByteView msg);
// Shared secret between `priv` and `peer` (X coordinate / X25519 output).
Bytes derive(EVP_PKEY* priv, EVP_PKEY* peer);
// 04||X||Y or the raw 32-byte key.
Bytes publicBytes(EVP_PKEY* key, Kind kind);

Bytes sha256(ByteView data);
// SHA-256 DigestInfo of `data`.
Bytes sha256DigestInfo(ByteView data);

// Big-endian private components for import.
Bytes rsaComponent(EVP_PKEY* key, const char* name);
Bytes ecPrivate(EVP_PKEY* key);
Bytes rawPrivate(EVP_PKEY* key);

}  // namespace vcard::pgptest
