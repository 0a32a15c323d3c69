// CK_RV values by name, and gtest assertions that print them: "expected CKR_ARGUMENTS_BAD, got CKR_OK".
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "p11.h"

namespace p11test {

// "CKR_ARGUMENTS_BAD"; unknown values as "CKR_0x1234" (vendor codes as "CKR_VENDOR_DEFINED+0x..").
std::string ckrName(CK_RV rv);

::testing::AssertionResult ckrEquals(const char* expectedExpr, const char* actualExpr, CK_RV expected,
                                     CK_RV actual);

}  // namespace p11test

#define EXPECT_CKR(expected, call) EXPECT_PRED_FORMAT2(::p11test::ckrEquals, expected, call)
#define ASSERT_CKR(expected, call) ASSERT_PRED_FORMAT2(::p11test::ckrEquals, expected, call)
#define EXPECT_CKR_OK(call) EXPECT_CKR(CKR_OK, call)
#define ASSERT_CKR_OK(call) ASSERT_CKR(CKR_OK, call)
