// Test-only hooks of the module core (not exported from the shared library).
#pragma once

#include "pkcs11/global_state.h"

namespace p11 {

// The next C_Initialize builds its TokenManager over this backend instead of pcsc-lite. Empty
// function: back to pcsc-lite.
inline void setBackendFactoryForTesting(BackendFactory f) { setBackendFactory(std::move(f)); }

}  // namespace p11
