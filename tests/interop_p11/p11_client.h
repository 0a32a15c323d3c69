// Helpers for the small native PKCS#11 clients of tests/interop_p11 (hotplug, fork): load a module with
// dlopen as applications do, check return values with a readable message, find the token's slot and sign with
// a key.
#pragma once

#include <dlfcn.h>
#include <pkcs11-helper-1.0/pkcs11.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace p11client {

// Prints "FAIL: what (rv 0x..)" and exits 1: every check of these programs is fatal.
[[noreturn]] inline void failWith(std::string_view what, CK_RV rv = CKR_OK) {
    std::fprintf(stderr, "FAIL: %.*s (rv 0x%lx)\n", static_cast<int>(what.size()), what.data(), rv);
    std::exit(1);
}

inline void expectRv(CK_RV got, CK_RV want, std::string_view what) {
    if (got != want) {
        std::fprintf(stderr, "FAIL: %.*s: rv 0x%lx, expected 0x%lx\n", static_cast<int>(what.size()),
                     what.data(), got, want);
        std::exit(1);
    }
}

inline CK_FUNCTION_LIST* loadModule(const char* path) {
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) failWith(std::string("dlopen: ") + dlerror());
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList"));
    if (!getList) failWith("no C_GetFunctionList");
    CK_FUNCTION_LIST* fl = nullptr;
    expectRv(getList(&fl), CKR_OK, "C_GetFunctionList");
    return fl;  // never dlclose'd: like most applications
}

inline void initialize(CK_FUNCTION_LIST* fl) {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    expectRv(fl->C_Initialize(&args), CKR_OK, "C_Initialize");
}

inline std::string trimmed(const unsigned char* text, std::size_t size) {
    std::string s(reinterpret_cast<const char*>(text), size);
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
}

// The slot whose reader is `reader` (pcsc-sandbox.sh's MESIGN_TEST_READER), present token or not.
inline CK_SLOT_ID slotOfReader(CK_FUNCTION_LIST* fl, const std::string& reader) {
    CK_ULONG n = 0;
    expectRv(fl->C_GetSlotList(CK_FALSE, nullptr, &n), CKR_OK, "C_GetSlotList(NULL)");
    std::vector<CK_SLOT_ID> slots(n);
    expectRv(fl->C_GetSlotList(CK_FALSE, slots.data(), &n), CKR_OK, "C_GetSlotList");
    for (CK_ULONG i = 0; i < n; ++i) {
        CK_SLOT_INFO info{};
        expectRv(fl->C_GetSlotInfo(slots[i], &info), CKR_OK, "C_GetSlotInfo");
        if (trimmed(info.slotDescription, sizeof info.slotDescription) == reader) return slots[i];
    }
    failWith("no slot for reader " + reader);
}

inline bool tokenPresent(CK_FUNCTION_LIST* fl, CK_SLOT_ID slot) {
    CK_SLOT_INFO info{};
    expectRv(fl->C_GetSlotInfo(slot, &info), CKR_OK, "C_GetSlotInfo");
    return (info.flags & CKF_TOKEN_PRESENT) != 0;
}

// Signs `data` with CKM_SHA256_RSA_PKCS and the private key whose CKA_ID is `id`; the session must be logged
// in.
inline std::vector<unsigned char> signSha256Rsa(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE h, unsigned char id,
                                                std::string data) {
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    expectRv(fl->C_FindObjectsInit(h, tmpl, 2), CKR_OK, "C_FindObjectsInit");
    CK_OBJECT_HANDLE key = 0;
    CK_ULONG found = 0;
    expectRv(fl->C_FindObjects(h, &key, 1, &found), CKR_OK, "C_FindObjects");
    expectRv(fl->C_FindObjectsFinal(h), CKR_OK, "C_FindObjectsFinal");
    if (found != 1) failWith("private key not found");
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    expectRv(fl->C_SignInit(h, &mech, key), CKR_OK, "C_SignInit");
    std::vector<unsigned char> sig(512);
    CK_ULONG len = sig.size();
    expectRv(fl->C_Sign(h, reinterpret_cast<CK_BYTE_PTR>(data.data()), data.size(), sig.data(), &len), CKR_OK,
             "C_Sign");
    sig.resize(len);
    return sig;
}

inline void writeFile(const std::string& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) failWith("cannot write " + path);
}

inline void login(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE h) {
    char pin[] = "123456";
    expectRv(fl->C_Login(h, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin), 6), CKR_OK, "C_Login");
}

using Clock = std::chrono::steady_clock;
inline double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace p11client
