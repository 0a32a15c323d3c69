#include "pkcs11/global_state.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "core/base/log.h"
#include "pkcs11/module.h"

namespace p11 {
namespace {

struct GlobalState {
    std::mutex mutex;
    std::shared_ptr<Module> module;
    pid_t pid = 0;
    BackendFactory factory;
    std::atomic<CK_ULONG> nextHandle{1};
};

// Intentionally leaked: it must outlive static destructors because applications call C_Finalize and
// C_CloseAllSessions from atexit handlers (NSS_Shutdown at exit).
GlobalState& global() {
    static GlobalState* g = new GlobalState();
    return *g;
}

CK_RV checkInitArgs(const CK_C_INITIALIZE_ARGS* a) {
    if (!a) return CKR_OK;
    if (a->pReserved) return CKR_ARGUMENTS_BAD;
    int callbacks = (a->CreateMutex != nullptr) + (a->DestroyMutex != nullptr) + (a->LockMutex != nullptr) +
                    (a->UnlockMutex != nullptr);
    if (callbacks != 0 && callbacks != 4) return CKR_ARGUMENTS_BAD;
    // All four locking cases are accepted: we always use OS (std::mutex) locks, which satisfies
    // CKF_OS_LOCKING_OK; with callbacks only, the OS locks are equally safe (documented in README).
    // We create no threads of our own, so CKF_LIBRARY_CANT_CREATE_OS_THREADS is fine too.
    return CKR_OK;
}

}  // namespace

std::shared_ptr<Module> currentModule() {
    GlobalState& g = global();
    std::lock_guard lock(g.mutex);
    if (!g.module || g.pid != getpid()) return nullptr;
    return g.module;
}

CK_RV initializeModule(CK_VOID_PTR initArgs) {
    if (CK_RV rv = checkInitArgs(static_cast<const CK_C_INITIALIZE_ARGS*>(initArgs)); rv != CKR_OK) return rv;
    GlobalState& g = global();
    std::lock_guard lock(g.mutex);
    if (g.module && g.pid == getpid()) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    if (g.module) {
        // Forked child: the parent's PC/SC context must not be used or released from here, so the
        // inherited module is deliberately leaked instead of destroyed.
        new std::shared_ptr<Module>(std::move(g.module));
    }
    std::unique_ptr<token::ReaderBackend> backend = g.factory ? g.factory() : token::makePcscBackend();
    if (!backend) return CKR_GENERAL_ERROR;
    g.module = std::make_shared<Module>(std::move(backend));
    g.pid = getpid();
    return CKR_OK;
}

CK_RV finalizeModule(CK_VOID_PTR reserved) {
    if (reserved) return CKR_ARGUMENTS_BAD;
    std::shared_ptr<Module> m;
    {
        GlobalState& g = global();
        std::lock_guard lock(g.mutex);
        if (!g.module || g.pid != getpid()) return CKR_CRYPTOKI_NOT_INITIALIZED;
        m = std::move(g.module);
    }
    // Outside the lock: wakes a thread blocked in C_WaitForSlotEvent (it returns
    // CKR_CRYPTOKI_NOT_INITIALIZED); the Module itself goes when its last in-flight call returns.
    m->shutdown();
    return CKR_OK;
}

CK_ULONG nextHandle() { return global().nextHandle.fetch_add(1); }

void setBackendFactory(BackendFactory f) {
    GlobalState& g = global();
    std::lock_guard lock(g.mutex);
    g.factory = std::move(f);
}

}  // namespace p11
