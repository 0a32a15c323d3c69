// core::Error -> CK_RV, through one table (ckr_map.cpp). The context picks the column: a wrong length
// means CKR_PIN_LEN_RANGE while logging in but CKR_DATA_LEN_RANGE elsewhere.
#pragma once

#include "core/base/error.h"
#include "pkcs11/p11_header.h"

namespace p11 {

enum class ErrorContext { Generic, Pin, Slot };

CK_RV toCkr(const core::Error& e, ErrorContext ctx = ErrorContext::Generic);

}  // namespace p11
