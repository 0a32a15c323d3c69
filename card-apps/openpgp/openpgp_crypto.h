// The host crypto card-apps/openpgp needs, one implementation per platform: OpenSSL on Linux
// (openpgp_crypto_openssl.cpp, openpgp_public_key_openssl.cpp) and CNG/BCrypt plus core/apdu's DER in the
// Windows minidriver DLL (minidriver/win/md_openpgp_crypto_win.cpp), which has no OpenSSL. spkiFromCardKey
// (openpgp_public_key.h) is the fourth seam; the ECDSA r||s -> DER conversion (core/crypto's
// ecdsa_signature.cpp) is hand-written DER and built into both.
#pragma once

#include <cstdint>
#include <span>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace openpgp {

// Cryptographically secure random bytes (the fresh PKCS#1 padding decipher() re-wraps a plaintext in).
core::Status systemRandom(std::span<uint8_t> out);

// SHA-1 of `data` (20 bytes): the v4 fingerprint written to C7-C9 after key generation or import.
core::Result<core::Bytes> sha1(core::ByteView data);

// Whether `der` is one DER X.509 certificate and nothing else (writeCertificate's check before 7F21).
// InvalidArgument otherwise.
core::Status checkCertificate(core::ByteView der);

}  // namespace openpgp
