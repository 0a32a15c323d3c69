// The only symbols the shared library exports (see also mesign-pkcs11.map). Kept out of
// mesign_p11_core so unit tests linking the core never define C names that clash with a loaded module.
#include "pkcs11/entry_points.h"

#define P11_EXPORT __attribute__((visibility("default")))

extern "C" {

P11_EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) { return p11::entry::C_GetFunctionList(list); }

P11_EXPORT CK_RV C_GetInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count) {
    return p11::entry::C_GetInterfaceList(list, count);
}

P11_EXPORT CK_RV C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR iface,
                                CK_FLAGS flags) {
    return p11::entry::C_GetInterface(name, version, iface, flags);
}

}  // extern "C"
