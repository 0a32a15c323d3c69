// The one table from status words to core::Error (iso7816.md §4). Retries come from 63Cx.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/base/error.h"

namespace apdu {

// Error for a non-success SW. `context` names the operation for the message ("VERIFY PIN").
core::Error errorFromSw(uint16_t sw, std::string_view context);
// Short fixed text for a status word ("security status not satisfied").
const char* swMeaning(uint16_t sw);
inline bool isRetryCounter(uint16_t sw) { return (sw & 0xFFF0) == 0x63C0; }

// Status words the virtual cards answer with.
namespace sw {
constexpr uint16_t kOk = 0x9000;
constexpr uint16_t kVerifyFailedNoInfo = 0x6300;
constexpr uint16_t kWrongLength = 0x6700;
constexpr uint16_t kLastCommandExpected = 0x6883;
constexpr uint16_t kChainingNotSupported = 0x6884;
constexpr uint16_t kSecurityNotSatisfied = 0x6982;
constexpr uint16_t kAuthBlocked = 0x6983;
constexpr uint16_t kConditionsNotSatisfied = 0x6985;
constexpr uint16_t kIncorrectData = 0x6A80;
constexpr uint16_t kFunctionNotSupported = 0x6A81;
constexpr uint16_t kFileNotFound = 0x6A82;
constexpr uint16_t kNoSpace = 0x6A84;
constexpr uint16_t kIncorrectP1P2 = 0x6A86;
constexpr uint16_t kReferenceNotFound = 0x6A88;
constexpr uint16_t kWrongP1P2 = 0x6B00;
constexpr uint16_t kInsNotSupported = 0x6D00;
constexpr uint16_t kClaNotSupported = 0x6E00;
constexpr uint16_t kNoDiagnosis = 0x6F00;
constexpr uint16_t retries(int n) { return static_cast<uint16_t>(0x63C0 | (n & 0x0F)); }
}  // namespace sw

}  // namespace apdu
