// Object attributes: encoding helpers, the per-class policy tables (which attributes a class has and
// which are sensitive) and the builders that fill them from what the token layer knows.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string_view>

#include "core/base/bytes.h"
#include "core/token/token.h"
#include "pkcs11/p11_header.h"

namespace p11 {

using core::ByteView;
using core::Bytes;
using AttributeMap = std::map<CK_ATTRIBUTE_TYPE, Bytes>;

enum class Access { Readable, Sensitive };
struct AttrPolicy {
    CK_ATTRIBUTE_TYPE type;
    Access access;
};

// The attributes of one object: exactly those its class tables list. Sensitive ones have no value.
struct AttributeSet {
    AttributeMap values;
    std::set<CK_ATTRIBUTE_TYPE> sensitive;

    bool has(CK_ATTRIBUTE_TYPE t) const { return values.contains(t) || sensitive.contains(t); }
    const Bytes* find(CK_ATTRIBUTE_TYPE t) const;
    bool boolean(CK_ATTRIBUTE_TYPE t) const;  // false when absent
};

Bytes ckBool(bool b);
Bytes ckUlong(CK_ULONG v);
Bytes ckString(std::string_view s);
// CK_BBOOL / CK_ULONG from a caller's template entry; nullopt when the length is wrong.
std::optional<bool> readBool(const CK_ATTRIBUTE& a);
std::optional<CK_ULONG> readUlong(const CK_ATTRIBUTE& a);

// CKA_ID of the objects of PIV key `ref` (OpenSC's numbering: 9A 01, 9C 02, 9D 03, 9E 04, 82..95 05..18).
uint8_t pivKeyId(uint8_t ref);
std::optional<uint8_t> pivKeyRefForId(ByteView id);
// Per application: PIV as above; OpenPGP: CKA_ID = the key reference (01 SIG, 02 DEC, 03 AUT).
uint8_t keyId(token::AppKind app, uint8_t ref);
std::optional<uint8_t> keyRefForId(token::AppKind app, ByteView id);
// DER OCTET STRING around an EC point (CKA_EC_POINT); accepts the raw point.
Bytes derOctetString(ByteView content);

AttributeSet certificateAttributes(const token::KeyObject& k, token::AppKind app = token::AppKind::Piv);
AttributeSet publicKeyAttributes(const token::KeyObject& k, token::AppKind app = token::AppKind::Piv);
AttributeSet privateKeyAttributes(const token::KeyObject& k, token::AppKind app = token::AppKind::Piv);
AttributeSet profileAttributes();
// A data object (CKO_DATA): CKA_APPLICATION "PIV" / "OpenPGP", CKA_OBJECT_ID = DER of its SP 800-73 OID (as OpenSC;
// empty for the vendor objects),
// CKA_VALUE empty until the caller loads it (setDataValue): values are read from the card only on demand.
// (Only header-level token types here: tests/fuzz builds this file alone. The caller passes the application
// name and the DER OID; CKA_ALLOWED_MECHANISMS of private keys is filled in by object_store.cpp.)
AttributeSet dataObjectAttributes(const token::DataObjectSpec& spec, std::string_view application, Bytes oid);
void setDataValue(AttributeSet& set, Bytes value);

struct SecretKeyOptions {
    AttributeMap fromTemplate;  // accepted template values (label, id, usage flags, private, ...)
    Bytes value;
    bool sensitive = false;
    bool extractable = true;
    bool alwaysSensitive = false;
    bool neverExtractable = false;
    CK_KEY_TYPE keyType = CKK_GENERIC_SECRET;
};
AttributeSet secretKeyAttributes(const SecretKeyOptions& o);

// C_GetAttributeValue over one object (specs/pkcs11.md §6.6): processes every entry.
CK_RV readAttributes(const AttributeSet& set, std::span<CK_ATTRIBUTE> tmpl);
// Exact byte comparison of every template entry (sensitive attributes never match).
bool matchesTemplate(const AttributeSet& set, std::span<const CK_ATTRIBUTE> tmpl);

}  // namespace p11
