#include "core/client/key_caps.h"

#include <dlfcn.h>
#include <pkcs11-helper-1.0/pkcs11.h>

#include <cstdio>
#include <memory>

namespace client {

namespace {

struct DlClose {
    void operator()(void* h) const { dlclose(h); }
};

std::string trimmed(const unsigned char* s, std::size_t n) {
    std::string t(reinterpret_cast<const char*>(s), n);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\0')) t.pop_back();
    return t;
}

core::Error p11Error(const char* what, CK_RV rv) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%lX", static_cast<unsigned long>(rv));
    return core::Error(core::Errc::CardError, std::string(what) + " failed: CKR " + buf);
}

std::optional<KeySizeRange> range(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot, CK_MECHANISM_TYPE mech) {
    CK_MECHANISM_INFO info{};
    if (f->C_GetMechanismInfo(slot, mech, &info) != CKR_OK || !(info.flags & CKF_GENERATE_KEY_PAIR))
        return std::nullopt;
    return KeySizeRange{info.ulMinKeySize, info.ulMaxKeySize};
}

}  // namespace

core::Result<KeyGenCapabilities> keyGenCapabilities(const std::string& modulePath,
                                                    const std::string& serial) {
    // RTLD_NODELETE: the module stays mapped for the life of the process (its global state stays reachable and
    // a later query needs no reload), while the handle itself is closed.
    std::unique_ptr<void, DlClose> lib(dlopen(modulePath.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
    if (!lib) return core::fail(core::Errc::NotFound, "cannot load the PKCS#11 module " + modulePath);
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib.get(), "C_GetFunctionList"));
    CK_FUNCTION_LIST_PTR f = nullptr;
    if (!getList || getList(&f) != CKR_OK || !f)
        return core::fail(core::Errc::Internal, modulePath + " has no PKCS#11 function list");
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    const CK_RV init = f->C_Initialize(&args);
    if (init != CKR_OK && init != CKR_CRYPTOKI_ALREADY_INITIALIZED)
        return std::unexpected(p11Error("C_Initialize", init));
    // Finalise only what we initialised: another user in this process (libp11) keeps its session.
    struct Finalize {
        CK_FUNCTION_LIST_PTR f;
        bool ours;
        ~Finalize() {
            if (ours) f->C_Finalize(nullptr);
        }
    } fin{f, init == CKR_OK};

    CK_ULONG n = 0;
    if (CK_RV rv = f->C_GetSlotList(CK_TRUE, nullptr, &n); rv != CKR_OK)
        return std::unexpected(p11Error("C_GetSlotList", rv));
    std::vector<CK_SLOT_ID> slots(n);
    if (CK_RV rv = f->C_GetSlotList(CK_TRUE, slots.data(), &n); rv != CKR_OK)
        return std::unexpected(p11Error("C_GetSlotList", rv));
    slots.resize(n);
    for (CK_SLOT_ID s : slots) {
        CK_TOKEN_INFO ti{};
        if (f->C_GetTokenInfo(s, &ti) != CKR_OK) continue;
        if (trimmed(ti.serialNumber, sizeof ti.serialNumber) != serial) continue;
        KeyGenCapabilities caps;
        caps.rsa = range(f, s, CKM_RSA_PKCS_KEY_PAIR_GEN);
        caps.ec = range(f, s, CKM_EC_KEY_PAIR_GEN);
        return caps;
    }
    return core::fail(core::Errc::NotFound, "the PKCS#11 module shows no token with serial " + serial);
}

std::vector<cardapp::KeyAlgorithm> enrollAlgorithms(const KeyGenCapabilities& caps) {
    using cardapp::KeyAlgorithm;
    std::vector<KeyAlgorithm> out;
    if (caps.rsa && caps.rsa->contains(2048)) out.push_back(KeyAlgorithm::Rsa2048);
    if (caps.rsa && caps.rsa->contains(3072)) out.push_back(KeyAlgorithm::Rsa3072);
    if (caps.ec && caps.ec->contains(256)) out.push_back(KeyAlgorithm::EcP256);
    if (caps.ec && caps.ec->contains(384)) out.push_back(KeyAlgorithm::EcP384);
    return out;
}

}  // namespace client
