// Small output helpers: JSON string escaping, UTC times.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace cli {

std::string jsonString(std::string_view s);  // quoted and escaped
std::string utcTime(std::time_t t);          // "2026-11-28T23:00:00Z"

}  // namespace cli
