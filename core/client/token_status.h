// What a user interface shows of a token: identity, PIN/PUK tries (read without spending one) and every
// key slot with its certificate, parsed. Plain values: safe to copy to another thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/token/token_manager.h"

namespace client {

struct KeyStatus {
    uint8_t ref = 0;
    std::string slot;     // "9A", "9C", "82" (PIV); "SIG", "DEC", "AUT" (OpenPGP)
    std::string label;    // the card application's name of the key ("PIV AUTH key", ...)
    std::string keyType;  // "RSA-2048", "EC P-256"; empty when unknown
    std::size_t keyBits = 0;
    std::optional<uint8_t> ckaId;  // the object's CKA_ID in libmesign-pkcs11.so
    core::Bytes spki;              // empty when the card does not tell
    std::optional<crypto::CertificateInfo> certificate;
};

struct TokenStatus {
    token::SlotId slotId = 0;
    std::string reader;
    token::TokenInfo info;
    std::vector<KeyStatus> keys;
    // A token whose key list could not be read still shows its identity; the reason is kept here.
    std::string problem;

    // Who the token belongs to, for notifications: the common name of its first certificate, else "".
    std::string holder() const;
};

// Reads one token's status (info(), then objects()); the token's own lock serialises the card work.
core::Result<TokenStatus> readStatus(token::TokenManager& manager, const token::SlotState& slot);

// Slot names and CKA_IDs as libmesign-pkcs11.so numbers them.
std::string slotName(token::AppKind kind, uint8_t keyRef);
std::optional<uint8_t> ckaIdFor(token::AppKind kind, uint8_t keyRef);
// Key slots a user may enrol into, in the order a wizard offers them.
std::vector<uint8_t> enrollableSlots(token::AppKind kind);
token::AppKind appKindOf(const token::TokenInfo& info);

}  // namespace client
