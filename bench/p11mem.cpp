// p11mem MODULE [LABEL]: resident size a PKCS#11 module adds to its host. VmRSS (/proc/self/status) before
// dlopen, after dlopen, after C_Initialize + C_GetSlotList, and after a session per token with all objects
// found. Its own program, linked with nothing but libc and libdl, so no library the module pulls in
// (OpenSSL, pcsc-lite) is already resident. One JSON line.
#include <dlfcn.h>
#include <pkcs11-helper-1.0/pkcs11.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

long vmRssKiB() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kib = -1;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmRSS:", 6) == 0) kib = std::strtol(line + 6, nullptr, 10);
    std::fclose(f);
    return kib;
}

[[noreturn]] void fail(const char* what, CK_RV rv = CKR_OK) {
    std::fprintf(stderr, "p11mem: %s (rv 0x%lx)\n", what, rv);
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: p11mem MODULE [LABEL]\n");
        return 2;
    }
    const long base = vmRssKiB();
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) fail(dlerror());
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList"));
    CK_FUNCTION_LIST* fl = nullptr;
    if (!getList || getList(&fl) != CKR_OK) fail("C_GetFunctionList");
    const long loaded = vmRssKiB();
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    if (CK_RV rv = fl->C_Initialize(&args); rv != CKR_OK) fail("C_Initialize", rv);
    CK_ULONG n = 0;
    if (CK_RV rv = fl->C_GetSlotList(CK_TRUE, nullptr, &n); rv != CKR_OK) fail("C_GetSlotList", rv);
    std::vector<CK_SLOT_ID> slots(n);
    if (CK_RV rv = fl->C_GetSlotList(CK_TRUE, slots.data(), &n); rv != CKR_OK) fail("C_GetSlotList", rv);
    const long initialized = vmRssKiB();
    for (CK_ULONG i = 0; i < n; ++i) {
        CK_SESSION_HANDLE s = 0;
        if (CK_RV rv = fl->C_OpenSession(slots[i], CKF_SERIAL_SESSION, nullptr, nullptr, &s); rv != CKR_OK)
            fail("C_OpenSession", rv);
        if (fl->C_FindObjectsInit(s, nullptr, 0) != CKR_OK) fail("C_FindObjectsInit");
        CK_OBJECT_HANDLE h[64];
        CK_ULONG got = 0;
        do {
            if (fl->C_FindObjects(s, h, 64, &got) != CKR_OK) fail("C_FindObjects");
        } while (got > 0);
        fl->C_FindObjectsFinal(s);
    }
    const long found = vmRssKiB();
    fl->C_Finalize(nullptr);
    std::printf("{\"scenario\":\"memory\",\"module\":\"%s\",\"rss_base_kib\":%ld,\"rss_loaded_kib\":%ld,"
                "\"rss_initialized_kib\":%ld,\"rss_objects_kib\":%ld,\"added_init_kib\":%ld,\"added_objects_kib\":%ld,"
                "\"slots\":%lu}\n",
                argc > 2 ? argv[2] : argv[1], base, loaded, initialized, found, initialized - base, found - base, n);
    return 0;
}
