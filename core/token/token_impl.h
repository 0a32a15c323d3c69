// Token internals shared by token.cpp (the public operations) and token_session.cpp (connection, resets,
// removal, caches). Every member below `mutex` is guarded by it, except the atomics, which lock-free readers
// (generation(), userLoggedIn(), removed(), markRemoved()) may touch from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>

#include "card-apps/piv/piv_application.h"
#include "core/token/card_app_registry.h"
#include "core/token/object_cache.h"
#include "core/token/token.h"

namespace token {

// SoManagementKey: the application's admin credential is verified (PIV management key, OpenPGP PW3).
enum class LoginState { None, User, SoManagementKey, SoPuk };

struct Token::Impl {
    using Clock = std::chrono::steady_clock;
    // TokenInfo (PIN counters) may be changed by other processes: re-read at most this often.
    static constexpr std::chrono::milliseconds kInfoLifetime{2000};

    Impl(ReaderBackend& b, std::string r, Bytes a, const ObjectCache* c, AppKind k)
        : backend(b), reader(std::move(r)), atr(std::move(a)), diskCache(c), kind(k) {}
    ~Impl() { restoreSelection(); }

    ReaderBackend& backend;
    const std::string reader;
    const Bytes atr;
    const ObjectCache* const diskCache;  // cross-process object cache, or nullptr
    const AppKind kind;

    mutable std::mutex mutex;  // one card operation at a time on this token
    // Policy: the connection stays open for the Token's life while the card is present (pcscd powers an idle
    // card down ~1 s after the last handle closes, and the card then forgets a verified PIN). It is closed
    // on removal and when pcscd goes away; the next operation reconnects.
    std::unique_ptr<transport::Transport> transport;
    std::unique_ptr<cardapp::CardApplication> app;         // references *transport: destroyed first
    Token::SharedSelection selection;                      // the card's selected application, or null
    std::optional<cardapp::ApplicationIdentity> identity;  // of the card the caches belong to
    std::optional<TokenInfo> info;
    Clock::time_point infoTime;
    std::optional<std::vector<KeyObject>> objects;
    bool objectsFromDisk = false;  // `objects` came from the disk cache: a failing key operation drops it
    // When the disk entry describing `objects` was written (additions keep that age), if there is one.
    std::optional<std::chrono::system_clock::time_point> diskWritten;
    std::optional<std::vector<uint32_t>> publicData;   // present data objects readable without the PIN
    std::optional<std::vector<uint32_t>> privateData;  // present PIN-protected ones (probed while logged in)
    std::map<uint8_t, Bytes>
        generatedSpki;                 // keys generated through us: their SPKI beats a stale certificate
    core::SecureBytes puk;             // SO login with the PUK (for unblockWithSoLogin)
    bool loginLostUnreported = false;  // a reset dropped the login: next login-needing call says CardReset

    std::atomic<uint64_t> generation{0};
    std::atomic<LoginState> login{LoginState::None};
    std::atomic<bool> removed{false};

    // --- token_spare.cpp (issue 9): spare connections for one-APDU private-key operations ---
    // While one operation holds `mutex` (and the main connection), another thread's private-key operation
    // that is one APDU each way runs on a spare connection of its own, so pcscd overlaps the round trips
    // instead of queueing them behind our lock. A key qualifies after the main path ran that operation
    // without a transaction in this login and card generation (`directOps`); the card itself guards every
    // spare APDU (see PivApplication::runDirectKeyOp), and any failure repeats the operation on the main path.
    struct DirectOp {
        piv::PivApplication::DirectKeyOp how;
        uint64_t generation = 0;
    };
    std::mutex spareMutex;  // guards the members below; never held while talking to the card
    std::map<std::pair<KeyOp, uint8_t>, DirectOp> directOps;
    std::optional<cardapp::ApplicationIdentity> directIdentity;  // the card `directOps` hold for
    std::vector<std::unique_ptr<transport::Transport>> spares;  // idle ones
    int sparesOpen = 0;                                         // idle + in use, at most kSpareConnections
    uint64_t spareEpoch = 0;  // closeSpares() bumps it: spares in use then are closed when they come back
    // Public sign / decipher / derive: the spare when `mutex` is busy and the key qualifies, else the lock.
    core::Result<Bytes> keyOperationEntry(KeyOp op, uint8_t keyRef, ByteView input, std::optional<ByteView> pin);
    // nullopt: no spare fits, or it failed; the caller takes the main path. Without `mutex`.
    std::optional<Bytes> keyOperationOnSpare(KeyOp op, uint8_t keyRef, ByteView input);
    // After a successful main-path operation, `mutex` held: whether the key qualifies.
    void noteDirectOp(KeyOp op, uint8_t keyRef, std::size_t inputSize);
    void forgetDirectOps();  // login dropped, caches dropped
    void closeSpares();      // disconnect()

    // --- token_session.cpp; callers hold `mutex` ---
    core::Status ensureConnected();
    // Re-SELECTs our application when another token of the card ran since (drops the login, reported).
    core::Status reselectIfDeselected();
    void noteSelected() {
        if (selection) selection->current.store(static_cast<int>(kind));
    }
    void restoreSelection() {
        if (selection && transport) restoreOpenPgpSelection(*transport, *selection);
    }
    // After every card operation: reset / removal / lost-service bookkeeping.
    void settle(const core::Error* err);
    void onStateLost();
    core::Status checkIdentity();
    void dropLogin(bool reportLater);
    void dropCaches();
    void disconnect();
    void markRemovedLocked();
    void cleanupRemoved();
    // Errc::CardReset once if a reset dropped the login since the last report or login.
    core::Status takeLostLogin();
    core::Status requireSoManagementKey(const char* what) const;
    // objects(), with `mutex` held.
    core::Result<std::vector<KeyObject>> loadObjects();
    // --- token_cache.cpp; callers hold `mutex`, inside run() for the first ---
    // The key list from the disk cache if the card's certificate tags still match, else nullopt.
    std::optional<std::vector<cardapp::KeyInfo>> loadCachedKeys();
    void storeCachedKeys(const std::vector<cardapp::KeyInfo>& keys);
    // Adds the public data-object list to the disk entry of the current key list (keeping its age).
    void storeCachedDataObjects();
    // Rewrites the disk entry from `objects` (details completed since, data objects), keeping its age.
    void storeCachedEntry();
    // After our own card writes, or when a cached key proved wrong: the next objects() reads the card.
    void forgetObjects();
    // token.cpp: sign / decipher / derive, with an optional context-specific PIN.
    core::Result<Bytes> keyOperation(KeyOp op, uint8_t keyRef, ByteView input, std::optional<ByteView> pin);

    piv::PivApplication* piv() { return dynamic_cast<piv::PivApplication*>(app.get()); }
    std::optional<bool> extendedLength();  // the PIV channel's knowledge, for the disk cache

    // Runs `op` on a connected card application and settles the outcome.
    template <typename F>
    auto run(F&& op) -> decltype(op()) {
        if (removed.load()) {
            cleanupRemoved();
            return core::fail(core::Errc::CardRemoved, "the card was removed from '" + reader + "'");
        }
        std::unique_lock<std::recursive_mutex> cardLock;  // see CardSelectionState::use
        if (selection) cardLock = std::unique_lock(selection->use);
        if (auto st = ensureConnected(); !st) return core::fail(st.error());
        if (auto st = reselectIfDeselected(); !st) {
            settle(&st.error());
            return core::fail(st.error());
        }
        auto r = op();
        noteSelected();
        settle(r ? nullptr : &r.error());
        if (!r && r.error().code == core::Errc::CardReset) loginLostUnreported = false;  // reported now
        return r;
    }
};

// No exception escapes a public entry point (bad_alloc and the like become Errc::Internal): a C ABI sits above us.
template <typename F>
auto noThrow(F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception& e) {
        return core::fail(core::Errc::Internal, std::string("token: ") + e.what());
    } catch (...) {
        return core::fail(core::Errc::Internal, "token: unexpected exception");
    }
}

// Public entry points run their body through this: the lock, and noThrow.
template <typename F>
auto guarded(std::mutex& m, F&& body) -> decltype(body()) {
    return noThrow([&] {
        std::lock_guard lock(m);
        return body();
    });
}

}  // namespace token
