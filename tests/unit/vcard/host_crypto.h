// Host-side OpenSSL helpers for checking what the card computed.
#pragma once

#include <openssl/evp.h>

#include <memory>

#include "core/base/bytes.h"

namespace vcard::test {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Public key from the value of a 7F49 template (81/82 or 86).
Pkey publicFromTemplate(uint8_t alg, core::ByteView tmpl);
Pkey generateHostKey(uint8_t alg);
core::Bytes publicTemplateOf(EVP_PKEY* key, uint8_t alg);

core::Bytes sha256(core::ByteView data);
// EMSA-PKCS1-v1_5 block of k bytes for a SHA-256 digest.
core::Bytes pkcs1Sha256Block(core::ByteView digest, std::size_t k);
bool verifyRsaPkcs1Sha256(EVP_PKEY* pub, core::ByteView digest, core::ByteView sig);
bool verifyEcdsa(EVP_PKEY* pub, core::ByteView digest, core::ByteView derSig);
bool verifyEd25519(EVP_PKEY* pub, core::ByteView msg, core::ByteView sig);
core::Bytes rsaEncryptPkcs1(EVP_PKEY* pub, core::ByteView msg);
core::Bytes derive(EVP_PKEY* priv, EVP_PKEY* peer);
core::Bytes bnParam(EVP_PKEY* key, const char* name, std::size_t padTo);

}  // namespace vcard::test
