// dlopen()s a PKCS#11 module and fetches its function list: C_GetInterface("PKCS 11") when the module exports
// it (3.0), else C_GetFunctionList (2.x).
#pragma once

#include <memory>
#include <string>

#include "p11.h"

namespace p11test {

class Module {
  public:
    // nullptr with *error set when the file cannot be loaded or exports no usable entry point.
    static std::unique_ptr<Module> load(const std::string& path, std::string* error);
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    // Always valid: the 2.x-compatible prefix of whatever list was obtained.
    CK_FUNCTION_LIST* functions() const { return m_functions; }
    // Only when the list came from a 3.0 interface (version.major >= 3).
    CK_FUNCTION_LIST_3_0* functions30() const { return m_functions30; }

    // The exported entry points (nullptr when not exported).
    CK_C_GetFunctionList getFunctionList() const { return m_getFunctionList; }
    CK_C_GetInterfaceList getInterfaceList() const { return m_getInterfaceList; }
    CK_C_GetInterface getInterface() const { return m_getInterface; }

    const std::string& path() const { return m_path; }

  private:
    Module() = default;

    std::string m_path;
    void* m_handle = nullptr;
    CK_C_GetFunctionList m_getFunctionList = nullptr;
    CK_C_GetInterfaceList m_getInterfaceList = nullptr;
    CK_C_GetInterface m_getInterface = nullptr;
    CK_FUNCTION_LIST* m_functions = nullptr;
    CK_FUNCTION_LIST_3_0* m_functions30 = nullptr;
};

// The module under test, loaded once by the environment before any test runs.
const Module& module();
inline CK_FUNCTION_LIST* p11() {
    return module().functions();
}

}  // namespace p11test
