#include "card-apps/piv/management_key.h"

#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_crypto.h"

namespace piv {

using core::Errc;
using core::fail;

bool isManagementAlgorithm(uint8_t a) {
    return managementKeyLength(a) != 0;
}

std::size_t managementBlockSize(uint8_t a) {
    switch (a) {
        case alg::kTdes:
            return 8;
        case alg::kAes128:
        case alg::kAes192:
        case alg::kAes256:
            return 16;
        default:
            return 0;
    }
}

std::size_t managementKeyLength(uint8_t a) {
    switch (a) {
        case alg::kTdes:
            return 24;
        case alg::kAes128:
            return 16;
        case alg::kAes192:
            return 24;
        case alg::kAes256:
            return 32;
        default:
            return 0;
    }
}

uint8_t managementAlgorithmForKeyLength(std::size_t len) {
    switch (len) {
        case 16:
            return alg::kAes128;
        case 32:
            return alg::kAes256;
        default:
            return alg::kTdes;
    }
}

core::Result<core::SecureBytes> managementCipher(uint8_t a, core::ByteView key, core::ByteView block,
                                                 bool encrypt) {
    if (!isManagementAlgorithm(a)) return fail(Errc::InvalidArgument, "unknown management key algorithm");
    if (key.size() != managementKeyLength(a))
        return fail(Errc::InvalidArgument, "management key has the wrong length for its algorithm");
    if (block.size() != managementBlockSize(a))
        return fail(Errc::Malformed, "management key challenge is not one cipher block");
    return ecbBlock(a, key, block, encrypt);
}

}  // namespace piv
