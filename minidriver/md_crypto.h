// The host-side crypto the minidriver needs around the card's raw RSA operation. The encodings
// (md_rsa_encoding.cpp) are portable and rest on two primitives per platform: digest() and
// randomBytes() — OpenSSL on Linux (md_crypto_openssl.cpp), BCrypt in the DLL (win/md_crypto_win.cpp).
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

// Platform primitives.
core::Result<core::Bytes> digest(Hash h, core::ByteView data);
core::Status randomBytes(core::Bytes& out);  // fills out.size() bytes

// EMSA-PSS encoding of `hash` for a modulus of `modulusBits`, MGF1 with the same hash, random salt.
core::Result<core::Bytes> pssEncode(core::ByteView hash, Hash h, std::size_t saltLen, std::size_t modulusBits);
// EME-PKCS1-v1_5 decoding (constant time), and EME-OAEP decoding with MGF1(same hash).
core::Result<core::Bytes> pkcs1DecryptUnpad(core::ByteView block);
core::Result<core::Bytes> oaepDecode(core::ByteView block, Hash h, core::ByteView label);

}  // namespace md
