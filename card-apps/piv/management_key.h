// The PIV Card Application Administration key (9B): single-block ECB encryption for the
// GENERAL AUTHENTICATE challenge/response (§5.6), 3DES or AES-128/192/256.
#pragma once

#include <array>
#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace piv {

// YubiKey / PivApplet factory default: 01..08 three times (§3.3).
inline constexpr std::array<uint8_t, 24> kDefaultManagementKey = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4,
                                                                  5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};

bool isManagementAlgorithm(uint8_t alg);
std::size_t managementBlockSize(uint8_t alg);  // 8 (3DES) or 16 (AES); 0 if unknown
std::size_t managementKeyLength(uint8_t alg);  // 24, 16, 24, 32; 0 if unknown
// Algorithm implied by a key length when the card cannot tell us (no GET METADATA): 24 bytes is
// ambiguous and means 3DES, the historical default.
uint8_t managementAlgorithmForKeyLength(std::size_t len);

// One ECB block operation without padding; `block` must be exactly one block.
core::Result<core::SecureBytes> managementCipher(uint8_t alg, core::ByteView key, core::ByteView block,
                                                 bool encrypt);

}  // namespace piv
