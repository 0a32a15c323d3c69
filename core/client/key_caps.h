// Which key types a token can generate, as it reports them through our PKCS#11 module: the key sizes of
// CKM_RSA_PKCS_KEY_PAIR_GEN and CKM_EC_KEY_PAIR_GEN (C_GetMechanismInfo). The enrolment wizard offers only
// those, so a card that cannot make an RSA-3072 key is never asked to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "card-apps/common/card_application.h"
#include "core/base/result.h"

namespace client {

struct KeySizeRange {
    unsigned long min = 0, max = 0;  // bits; RSA: modulus, EC: field size
    bool contains(unsigned long bits) const { return bits >= min && bits <= max; }
};

struct KeyGenCapabilities {
    std::optional<KeySizeRange> rsa;  // absent: the token has no RSA key generation
    std::optional<KeySizeRange> ec;
};

// Loads the module (dlopen; initialised and finalised around the query unless another user in this
// process has it initialised) and reads the mechanism info of the token with this serial (CK_TOKEN_INFO
// serialNumber). Errc::NotFound when no token has it. Blocks on the card: call it on a worker thread.
core::Result<KeyGenCapabilities> keyGenCapabilities(const std::string& modulePath, const std::string& serial);

// The wizard's choices (RSA-2048, RSA-3072, EC P-256, EC P-384) that fall within the capabilities.
std::vector<cardapp::KeyAlgorithm> enrollAlgorithms(const KeyGenCapabilities& caps);

}  // namespace client
