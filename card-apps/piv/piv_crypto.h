// The two host crypto primitives the APDU-level PIV code needs, one implementation per platform:
// OpenSSL on Linux (piv_crypto_openssl.cpp) and CNG/BCrypt in the Windows minidriver DLL
// (minidriver/win/md_piv_crypto_win.cpp), which has no OpenSSL.
#pragma once

#include <cstdint>
#include <span>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace piv {

// Cryptographically secure random bytes (management-key witness/challenge).
core::Status systemRandom(std::span<uint8_t> out);

// One ECB block of the management key's cipher (3DES or AES-128/192/256), no padding. Callers go
// through managementCipher() (management_key.h), which checks algorithm, key and block sizes first.
core::Result<core::SecureBytes> ecbBlock(uint8_t alg, core::ByteView key, core::ByteView block, bool encrypt);

}  // namespace piv
