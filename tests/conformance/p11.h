// The one place the suite picks its PKCS#11 header. Switch here (e.g. to NSS's pkcs11.h or a vendored OASIS
// header) without touching the tests. Today: libpkcs11-helper1-dev's OpenSC-style 3.0 single header.
#pragma once

#include <pkcs11-helper-1.0/pkcs11.h>

// 3.0 codes this header lacks (OASIS 3.0 values, see specs/pkcs11.md §9), so the name table and tests can use
// them whatever header is in use.
#ifndef CKR_PIN_TOO_WEAK
#define CKR_PIN_TOO_WEAK 0x1B8UL
#endif
#ifndef CKR_EXCEEDED_MAX_ITERATIONS
#define CKR_EXCEEDED_MAX_ITERATIONS 0x1B5UL
#define CKR_FIPS_SELF_TEST_FAILED 0x1B6UL
#define CKR_LIBRARY_LOAD_FAILED 0x1B7UL
#define CKR_PUBLIC_KEY_INVALID 0x1B9UL
#endif
#ifndef CKR_NEW_PIN_MODE
#define CKR_NEW_PIN_MODE 0x1B0UL
#define CKR_NEXT_OTP 0x1B1UL
#endif
#ifndef CKR_TOKEN_RESOURCE_EXCEEDED
#define CKR_TOKEN_RESOURCE_EXCEEDED 0x201UL
#endif
#ifndef CKR_OPERATION_CANCEL_FAILED
#define CKR_OPERATION_CANCEL_FAILED 0x202UL
#endif
#ifndef CKA_UNIQUE_ID  // 3.0 storage attribute
#define CKA_UNIQUE_ID 0x4UL
#endif
#ifndef CKA_DESTROYABLE  // 2.40 storage attribute
#define CKA_DESTROYABLE 0x172UL
#endif

namespace p11test {

// The interface name the 3.0 standard API is published under (with a space).
inline constexpr char kStandardInterfaceName[] = "PKCS 11";

}  // namespace p11test
