// The guard every entry point goes through: catches every exception (nothing crosses the C ABI),
// checks initialisation and fork (via currentModule()), and logs the call and its result under
// MESIGN_LOG=p11. Arguments are never logged (they may hold PINs).
#pragma once

#include <memory>
#include <new>

#include "pkcs11/global_state.h"
#include "pkcs11/p11_header.h"

namespace p11 {

class Module;

void logCall(const char* function, CK_RV rv);

template <typename F>
CK_RV guardNoInit(const char* function, F&& f) noexcept {
    CK_RV rv = CKR_GENERAL_ERROR;
    try {
        rv = f();
    } catch (const std::bad_alloc&) {
        rv = CKR_HOST_MEMORY;
    } catch (...) {
        rv = CKR_GENERAL_ERROR;
    }
    try {
        logCall(function, rv);
    } catch (...) {
    }
    return rv;
}

template <typename F>
CK_RV guard(const char* function, F&& f) noexcept {
    return guardNoInit(function, [&]() -> CK_RV {
        std::shared_ptr<Module> m = currentModule();
        if (!m) return CKR_CRYPTOKI_NOT_INITIALIZED;
        return f(*m);
    });
}

}  // namespace p11
