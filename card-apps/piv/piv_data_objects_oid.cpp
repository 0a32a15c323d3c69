// DER OIDs of the PIV data objects (CKA_OBJECT_ID) through OpenSSL; Linux only (the PKCS#11 module
// uses them, the Windows minidriver DLL does not).
#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>

#include <algorithm>
#include <string>

#include "card-apps/piv/piv_data_objects.h"

namespace piv {

core::Bytes dataObjectOid(const DataObjectSpec& spec) {
    if (spec.oid.empty()) return {};
    const std::string text(spec.oid);
    ASN1_OBJECT* obj = OBJ_txt2obj(text.c_str(), 1);  // 1: dotted numbers only, no names
    if (!obj) return {};
    unsigned char* der = nullptr;
    const int n = i2d_ASN1_OBJECT(obj, &der);
    core::Bytes out;
    if (n > 0) out.assign(der, der + n);
    OPENSSL_free(der);
    ASN1_OBJECT_free(obj);
    return out;
}

const DataObjectSpec* findDataObjectByOid(core::ByteView der) {
    if (der.empty()) return nullptr;
    for (const DataObjectSpec& s : dataObjectSpecs()) {
        const core::Bytes oid = dataObjectOid(s);
        if (!oid.empty() && std::equal(der.begin(), der.end(), oid.begin(), oid.end())) return &s;
    }
    return nullptr;
}

}  // namespace piv
