// The one include of the PKCS#11 header: Debian's libpkcs11-helper1-dev 3.0 single header (OpenSC
// style, CRYPTOKI_COMPAT names). Constants that header lacks are defined here, with OASIS 3.0 values
// (specs/pkcs11.md §0, §9), so no other file needs to know which header is in use.
#pragma once

#include <pkcs11-helper-1.0/pkcs11.h>

#ifndef CKA_UNIQUE_ID
#define CKA_UNIQUE_ID 0x4UL
#endif
#ifndef CKA_NAME_HASH_ALGORITHM
#define CKA_NAME_HASH_ALGORITHM 0x8CUL
#endif
#ifndef CKA_PUBLIC_KEY_INFO
#define CKA_PUBLIC_KEY_INFO 0x129UL
#endif
#ifndef CKA_COPYABLE
#define CKA_COPYABLE 0x171UL
#endif
#ifndef CKA_DESTROYABLE
#define CKA_DESTROYABLE 0x172UL
#endif
#ifndef CKR_PIN_TOO_WEAK
#define CKR_PIN_TOO_WEAK 0x1B8UL
#endif
#ifndef CKR_TOKEN_RESOURCE_EXCEEDED
#define CKR_TOKEN_RESOURCE_EXCEEDED 0x201UL
#endif
#ifndef CKR_OPERATION_CANCEL_FAILED
#define CKR_OPERATION_CANCEL_FAILED 0x202UL
#endif
#ifndef CKF_ERROR_STATE
#define CKF_ERROR_STATE 0x01000000UL
#endif

namespace p11 {

inline constexpr CK_VERSION kVersion240{2, 40};
inline constexpr CK_VERSION kVersion30{3, 0};
// Interface name of the standard API (with a space).
inline constexpr char kInterfaceName[] = "PKCS 11";

}  // namespace p11
