// The objects a session sees: the card's certificates and keys (from Token::objects(), so keygen and
// certificate changes show at once in every session), the profile object, and session objects.
#pragma once

#include <optional>
#include <vector>

#include "pkcs11/module.h"

namespace p11 {

struct ObjectEntry {
    CK_OBJECT_HANDLE handle = 0;
    ObjectKind kind = ObjectKind::Profile;
    bool sessionObject = false;
    AttributeSet attributes;
    std::optional<token::KeyObject> key;  // token keys and certificates
};

// Private objects are listed only while the user is logged in.
CK_RV visibleObjects(Module& m, Session& s, std::vector<ObjectEntry>& out);
// CKR_OBJECT_HANDLE_INVALID when the handle names nothing visible in this session.
CK_RV lookupObject(Module& m, Session& s, CK_OBJECT_HANDLE h, ObjectEntry& out);
// A private key for sign/decrypt/derive; CKR_KEY_HANDLE_INVALID when not one.
CK_RV lookupPrivateKey(Module& m, Session& s, CK_OBJECT_HANDLE h, KeyHandle& out);

}  // namespace p11
