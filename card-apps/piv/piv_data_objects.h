// The PIV data objects (SP 800-73-4 Part 1 §3.1, Table 3) that are not certificates of a key slot, as the
// PKCS#11 module shows them (CKO_DATA): which exist, which need the PIN to be read, and which ones a
// management-key holder may write through us (Yubico's vendor range, which the virtual card and YubiKeys
// accept with PUT DATA; the standard objects stay read-only because the card's identity, PIN policy and
// key list depend on them).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/base/bytes.h"

namespace piv {

struct DataObjectSpec {
    uint32_t tag;             // BER-TLV tag of the object (5FC107, 7E, ...)
    std::string_view label;   // OpenSC / ykcs11 naming
    std::string_view oid;     // SP 800-73-4 Part 1 Table 3 (dotted); empty for the vendor objects
    bool pinToRead;           // the card answers 6982 until the PIN is verified
    bool writable;            // C_CreateObject / C_DestroyObject allowed (management key)
};

// Standard objects first (enumeration order), then the writable vendor objects.
std::span<const DataObjectSpec> dataObjectSpecs();
const DataObjectSpec* findDataObject(uint32_t tag);
// DER of the object's OID (CKA_OBJECT_ID, as OpenSC reports PIV objects); empty for vendor objects.
core::Bytes dataObjectOid(const DataObjectSpec& spec);
// The standard object whose DER OID this is; nullptr otherwise.
const DataObjectSpec* findDataObjectByOid(core::ByteView der);

}  // namespace piv
