// A client that behaves like NSS at process exit: it leaves the module initialised with open sessions and
// calls C_CloseAllSessions and C_Finalize from an atexit handler registered before any of the module's
// statics exist, so the calls run after the module's static destructors (the SoftHSM crash in pdfsig).
// Usage: p11_atexit_client MODULE. Exit status 0 when every call returned CKR_OK.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include <pkcs11-helper-1.0/pkcs11.h>

namespace {

CK_FUNCTION_LIST* g_fl = nullptr;
CK_SLOT_ID g_slot = 0;

void atExit() {
    CK_RV a = g_fl->C_CloseAllSessions(g_slot);
    CK_RV b = g_fl->C_Finalize(nullptr);
    std::printf("atexit: C_CloseAllSessions 0x%lx, C_Finalize 0x%lx\n", a, b);
    std::fflush(stdout);
    if (a != CKR_OK || b != CKR_OK) _Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    std::atexit(atExit);  // registered first, so it runs last
    void* lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) return 2;
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList"));
    if (!getList || getList(&g_fl) != CKR_OK || g_fl->C_Initialize(nullptr) != CKR_OK) return 1;
    CK_ULONG n = 1;
    if (g_fl->C_GetSlotList(CK_TRUE, &g_slot, &n) != CKR_OK || n != 1) return 1;
    CK_SESSION_HANDLE h;
    if (g_fl->C_OpenSession(g_slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h) != CKR_OK) return 1;
    char pin[] = "123456";
    if (g_fl->C_Login(h, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin), 6) != CKR_OK) return 1;
    std::puts("exiting with the module initialised and a session logged in");
    return 0;  // dlclose never happens: like NSS, the module stays loaded until exit
}
