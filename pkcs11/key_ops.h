// Shared by sign, decrypt and derive: key checks at *Init and the rules around the card call for
// CKA_ALWAYS_AUTHENTICATE keys (specs/pkcs11.md §5, §8).
#pragma once

#include <optional>

#include "pkcs11/mechanisms.h"
#include "pkcs11/session.h"

namespace p11 {

// Mechanism family vs key type; CKR_KEY_TYPE_INCONSISTENT when they do not fit.
CK_RV checkKeyFamily(const MechanismSpec& spec, const KeyHandle& key);

// The PIN to verify in the card call's transaction; CKR_USER_NOT_LOGGED_IN (via rv) when the key needs
// a context-specific login that did not happen.
std::optional<core::ByteView> contextPin(const KeyOperation& op, CK_RV& rv);

// Maps a failed card call. A wrong context PIN keeps the operation (`keep` = true) without the PIN,
// as if the login never happened; a blocked PIN or lost card state logs the token out.
CK_RV cardCallFailed(Session& s, KeyOperation& op, const core::Error& e, bool& keep);

}  // namespace p11
