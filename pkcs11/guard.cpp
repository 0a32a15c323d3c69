#include "pkcs11/guard.h"

#include <cstdio>
#include <string>

#include "core/base/log.h"

namespace p11 {

void logCall(const char* function, CK_RV rv) {
    if (!core::log::enabled("p11", core::log::Level::Info)) return;
    char buf[32];
    std::snprintf(buf, sizeof buf, " -> 0x%08lX", rv);
    core::log::write("p11", rv == CKR_OK ? core::log::Level::Info : core::log::Level::Warn,
                     std::string(function) + buf);
}

}  // namespace p11
