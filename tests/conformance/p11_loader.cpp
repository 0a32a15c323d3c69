#include "p11_loader.h"

#include <dlfcn.h>

#include "ckr_names.h"

namespace p11test {

namespace {

template <typename Fn>
Fn symbol(void* handle, const char* name) {
    return reinterpret_cast<Fn>(dlsym(handle, name));
}

}  // namespace

std::unique_ptr<Module> Module::load(const std::string& path, std::string* error) {
    // RTLD_LOCAL keeps the module's symbols (it may bundle its own OpenSSL) away from ours.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        *error = std::string("dlopen failed: ") + dlerror();
        return nullptr;
    }
    std::unique_ptr<Module> m(new Module);
    m->m_path = path;
    m->m_handle = handle;
    m->m_getFunctionList = symbol<CK_C_GetFunctionList>(handle, "C_GetFunctionList");
    m->m_getInterfaceList = symbol<CK_C_GetInterfaceList>(handle, "C_GetInterfaceList");
    m->m_getInterface = symbol<CK_C_GetInterface>(handle, "C_GetInterface");

    if (m->m_getInterface != nullptr) {
        CK_INTERFACE* ifc = nullptr;
        // The header declares the name as unsigned char* (CK_UTF8CHAR_PTR) but never writes through it.
        auto* name = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kStandardInterfaceName));
        const CK_RV rv = m->m_getInterface(name, nullptr, &ifc, 0);
        if (rv != CKR_OK || ifc == nullptr || ifc->pFunctionList == nullptr) {
            *error = "C_GetInterface(\"PKCS 11\") is exported but failed: " + ckrName(rv);
            return nullptr;
        }
        m->m_functions = static_cast<CK_FUNCTION_LIST*>(ifc->pFunctionList);
        if (m->m_functions->version.major >= 3)
            m->m_functions30 = static_cast<CK_FUNCTION_LIST_3_0*>(ifc->pFunctionList);
        return m;
    }
    if (m->m_getFunctionList == nullptr) {
        *error = "exports neither C_GetInterface nor C_GetFunctionList";
        return nullptr;
    }
    const CK_RV rv = m->m_getFunctionList(&m->m_functions);
    if (rv != CKR_OK || m->m_functions == nullptr) {
        *error = "C_GetFunctionList failed: " + ckrName(rv);
        return nullptr;
    }
    return m;
}

Module::~Module() {
    // Deliberately no dlclose: modules (SoftHSM among them) run code from atexit handlers and static
    // destructors that must still be mapped at process exit.
}

}  // namespace p11test
