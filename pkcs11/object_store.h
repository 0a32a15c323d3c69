// The objects a session sees: the card's certificates and keys (from Token::objects(), so keygen and
// certificate changes show at once in every session), the profile object, and session objects.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "pkcs11/module.h"

namespace p11 {

struct ObjectEntry {
    CK_OBJECT_HANDLE handle = 0;
    ObjectKind kind = ObjectKind::Profile;
    bool sessionObject = false;
    AttributeSet attributes;
    std::optional<token::KeyObject> key;  // token keys and certificates
    uint32_t dataTag = 0;                 // data objects
};

// Private objects are listed only while the user is logged in. Data objects only `withData` (finding out
// which exist costs APDUs the first time: asked only when a search can match CKO_DATA). Key attributes
// that the token reads only on demand (needsKeyDetails) are exact only `withDetails`; without, they show
// the slot's defaults.
CK_RV visibleObjects(Module& m, Session& s, std::vector<ObjectEntry>& out, bool withData = false,
                     bool withDetails = false);
// Whether a template names an attribute that Token::completeKeys() supplies: CKA_ALWAYS_AUTHENTICATE
// (PIN policy), CKA_LOCAL, CKA_KEY_GEN_MECHANISM, CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE (origin:
// an imported key was outside the card).
bool needsKeyDetails(std::span<const CK_ATTRIBUTE> tmpl);
// CKR_OBJECT_HANDLE_INVALID when the handle names nothing visible in this session. `withDetails`: as above,
// for this object's key only.
CK_RV lookupObject(Module& m, Session& s, CK_OBJECT_HANDLE h, ObjectEntry& out, bool withDetails = false);
// CKA_VALUE of a data object entry, read from the card (CKR_OK and nothing done for other objects).
CK_RV loadDataValue(Session& s, ObjectEntry& e);
// A private key for sign/decrypt/derive; CKR_KEY_HANDLE_INVALID when not one.
CK_RV lookupPrivateKey(Module& m, Session& s, CK_OBJECT_HANDLE h, KeyHandle& out);
// lookupPrivateKey() through the session's Session::lastKey (the caller holds s.mutex): no lookup when the
// handle, the token's generation and the login state are those of the last one, and the card not removed.
CK_RV lookupSessionKey(Module& m, Session& s, CK_OBJECT_HANDLE h, KeyHandle& out);

}  // namespace p11
