// Process-wide state of the module: the pointer to the live Module, the pid that initialised it, and
// the handle counters. It lives in storage that is never destroyed, so a C_Finalize or
// C_CloseAllSessions made from an atexit handler (NSS at exit) still finds a valid mutex.
#pragma once

#include <functional>
#include <memory>

#include "core/token/reader_backend.h"
#include "pkcs11/p11_header.h"

namespace p11 {

class Module;

// The live module, or null when not initialised or when called in a forked child.
std::shared_ptr<Module> currentModule();
CK_RV initializeModule(CK_VOID_PTR initArgs);
CK_RV finalizeModule(CK_VOID_PTR reserved);

// Session and object handles come from one counter that survives C_Finalize: never reused.
CK_ULONG nextHandle();

using BackendFactory = std::function<std::unique_ptr<token::ReaderBackend>()>;
void setBackendFactory(BackendFactory f);

}  // namespace p11
