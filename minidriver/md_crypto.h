// The host-side crypto the minidriver needs around the card's raw RSA operation. The portable code
// uses only this interface; md_crypto_openssl.cpp implements it on Linux (core/crypto), and a BCrypt
// implementation is planned for the Windows DLL (md_crypto_none.cpp stands in until then).
#pragma once

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace md {

enum class Hash { Md5, Sha1, Sha256, Sha384, Sha512 };

std::size_t hashSize(Hash h);
// Clears secret bytes in a way the optimiser keeps (portable: no OpenSSL in the Windows build).
void wipe(core::Bytes& b);
// DER DigestInfo prefix for PKCS#1 v1.5 signatures (empty for none).
core::ByteView digestInfoPrefix(Hash h);

// EMSA-PSS encoding of `hash` for a modulus of `modulusBits`, MGF1 with the same hash, random salt.
core::Result<core::Bytes> pssEncode(core::ByteView hash, Hash h, std::size_t saltLen, std::size_t modulusBits);
// EME-PKCS1-v1_5 decoding (constant time), and EME-OAEP decoding with MGF1(same hash).
core::Result<core::Bytes> pkcs1DecryptUnpad(core::ByteView block);
core::Result<core::Bytes> oaepDecode(core::ByteView block, Hash h, core::ByteView label);

}  // namespace md
