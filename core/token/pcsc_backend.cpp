// pcsc-lite ReaderBackend. pcsc-lite wants one SCARDCONTEXT per thread (its calls lock the context, and a
// blocked SCardGetStatusChange holds that lock), so this backend uses three kinds of contexts:
//   - the query context, for readers(), serialised by m_queryMutex;
//   - the wait context, for waitForChange() (serialised by m_waitCallMutex); cancel() calls SCardCancel on it
//     from any thread, which pcsc-lite allows and which is the only call it allows concurrently;
//   - one context per connection, owned by that PcscTransport (used only by the Token that holds it).
// When pcscd goes away, contexts are dropped and re-established on the next call; a waiting caller retries
// once a second (a cancellable sleep, never a busy loop).
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "core/base/log.h"
#include "core/token/object_cache.h"
#include "core/token/reader_backend.h"
#include "core/token/reader_state_util.h"
#include "core/transport/pcsc_transport.h"

namespace token {

using core::Errc;
using core::fail;
using transport::PcscContext;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kPnpReader = "\\\\?PnP?\\Notification";
constexpr auto kServiceRetry = std::chrono::milliseconds(1000);  // pcscd gone: retry period
constexpr auto kCancelRetry = std::chrono::milliseconds(50);     // cancel(): re-issue SCardCancel after this

bool contextLost(LONG rv) {
    return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_E_INVALID_HANDLE ||
           rv == SCARD_F_COMM_ERROR;
}

// A reader's state as SCardGetStatusChange answered it (dwEventState, rgbAtr).
ReaderState readerStateOf(const std::string& name, const SCARD_READERSTATE& st) {
    ReaderState r;
    r.name = name;
    r.present = (st.dwEventState & SCARD_STATE_PRESENT) != 0;
    if (r.present) r.atr.assign(st.rgbAtr, st.rgbAtr + std::min<DWORD>(st.cbAtr, MAX_ATR_SIZE));
    r.eventCount = static_cast<uint32_t>((st.dwEventState >> 16) & 0xFFFF);
    return r;
}

// Card states of `names` right now (timeout 0, dwCurrentState UNAWARE answers immediately).
core::Result<std::vector<ReaderState>> statesOf(SCARDCONTEXT ctx, const std::vector<std::string>& names,
                                                LONG* rvOut) {
    std::vector<ReaderState> out;
    *rvOut = SCARD_S_SUCCESS;
    if (names.empty()) return out;
    std::vector<SCARD_READERSTATE> st(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        st[i].szReader = names[i].c_str();
        st[i].dwCurrentState = SCARD_STATE_UNAWARE;
    }
    LONG rv = SCardGetStatusChange(ctx, 0, st.data(), static_cast<DWORD>(st.size()));
    *rvOut = rv;
    if (rv != SCARD_S_SUCCESS) return fail(transport::pcscError(rv, "SCardGetStatusChange"));
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (st[i].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE)) continue;  // vanished meanwhile
        out.push_back(readerStateOf(names[i], st[i]));
    }
    return out;
}

class PcscBackend final : public ReaderBackend {
  public:
    ~PcscBackend() override = default;

    core::Result<std::vector<ReaderState>> readers() override {
        std::lock_guard lock(m_queryMutex);
        return snapshot(m_queryCtx);
    }

    core::Result<std::vector<ReaderState>> waitForChange(const std::vector<ReaderState>& known,
                                                         int timeoutMs) override;

    void cancel() override;

    core::Result<std::unique_ptr<transport::Transport>> connect(const std::string& reader) override {
        auto ctx = PcscContext::establish();  // a context of its own: the connection's user is one Token
        if (!ctx) return fail(ctx.error());
        auto t = transport::PcscTransport::connect(std::move(*ctx), reader);
        if (!t) return fail(t.error());
        return std::unique_ptr<transport::Transport>(std::move(*t));
    }

    const ObjectCache* objectCache() const override { return m_objectCache ? &*m_objectCache : nullptr; }

  private:
    // Lists readers and their states through `ctx` (established on demand, dropped when pcscd is gone).
    core::Result<std::vector<ReaderState>> snapshot(std::shared_ptr<PcscContext>& ctx);
    // Blocks in SCardGetStatusChange on `current` + PnP for at most `ms` (-1: INFINITE). On a change of
    // cards only (the reader list as before), `changed` gets the states pcsc-lite answered with, which
    // spares the snapshot's two round trips to pcscd while it is still busy with the event.
    LONG blockOnce(const std::vector<ReaderState>& current, int ms, std::optional<std::vector<ReaderState>>& changed);
    bool takeCancel();
    // Sleeps up to `d` unless cancelled; true when cancelled.
    bool sleepCancellable(std::chrono::milliseconds d);

    const std::optional<ObjectCache> m_objectCache = ObjectCache::fromEnvironment();
    std::mutex m_queryMutex;
    std::shared_ptr<PcscContext> m_queryCtx;

    std::mutex m_waitCallMutex;              // one waitForChange at a time (its context is single-threaded)
    std::shared_ptr<PcscContext> m_waitCtx;  // replaced only under m_stateMutex
    DWORD m_pnpEvents = 0;                   // PnP reader's high word from the last wait (newer pcsc-lite)

    std::mutex m_stateMutex;
    std::condition_variable m_cv;
    bool m_cancelPending = false;  // sticky until a wait consumes it (closes the check-then-block race)
    bool m_blocked = false;        // the waiter is inside SCardGetStatusChange
    uint64_t m_blockRound = 0;     // increments whenever the waiter leaves SCardGetStatusChange
};

core::Result<std::vector<ReaderState>> PcscBackend::snapshot(std::shared_ptr<PcscContext>& ctx) {
    // One retry: the first failure may only mean that pcscd restarted since the context was made.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!ctx) {
            auto c = PcscContext::establish();
            if (!c) return fail(c.error());
            ctx = std::move(*c);
        }
        auto names = ctx->listReaders();
        if (!names) {
            if (names.error().code == Errc::NoService || names.error().code == Errc::Internal) {
                ctx.reset();
                continue;
            }
            return fail(names.error());
        }
        LONG rv = SCARD_S_SUCCESS;
        auto states = statesOf(static_cast<SCARDCONTEXT>(ctx->handle()), *names, &rv);
        if (states) return states;
        if (contextLost(rv)) {
            ctx.reset();
            continue;
        }
        if (rv == SCARD_E_UNKNOWN_READER) continue;  // a reader left between list and status: list again
        return fail(states.error());
    }
    return fail(Errc::NoService, "pcscd is not reachable");
}

bool PcscBackend::takeCancel() {
    std::lock_guard lock(m_stateMutex);
    const bool c = m_cancelPending;
    m_cancelPending = false;
    return c;
}

bool PcscBackend::sleepCancellable(std::chrono::milliseconds d) {
    std::unique_lock lock(m_stateMutex);
    m_cv.wait_for(lock, d, [&] { return m_cancelPending; });
    const bool c = m_cancelPending;
    m_cancelPending = false;
    return c;
}

LONG PcscBackend::blockOnce(const std::vector<ReaderState>& current, int ms,
                            std::optional<std::vector<ReaderState>>& changed) {
    changed.reset();
    std::vector<SCARD_READERSTATE> st(current.size() + 1);
    for (std::size_t i = 0; i < current.size(); ++i) {
        st[i].szReader = current[i].name.c_str();
        // The event counter in the high word makes pcsc-lite report a remove+insert that happened between
        // our snapshot and this call.
        st[i].dwCurrentState = (static_cast<DWORD>(current[i].eventCount & 0xFFFF) << 16) |
                               (current[i].present ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY);
    }
    st.back().szReader = kPnpReader;
    st.back().dwCurrentState = m_pnpEvents;
    SCARDCONTEXT ctx = 0;
    {
        std::lock_guard lock(m_stateMutex);
        if (m_cancelPending) {
            m_cancelPending = false;
            return SCARD_E_CANCELLED;
        }
        ctx = static_cast<SCARDCONTEXT>(m_waitCtx->handle());
        m_blocked = true;
    }
    const DWORD timeout = ms < 0 ? INFINITE : static_cast<DWORD>(ms);
    LONG rv = SCardGetStatusChange(ctx, timeout, st.data(), static_cast<DWORD>(st.size()));
    {
        std::lock_guard lock(m_stateMutex);
        m_blocked = false;
        ++m_blockRound;
        if (rv == SCARD_E_CANCELLED) m_cancelPending = false;  // consumed
    }
    m_cv.notify_all();
    if (rv != SCARD_S_SUCCESS) return rv;
    m_pnpEvents = st.back().dwEventState & 0xFFFF0000;
    if (st.back().dwEventState & SCARD_STATE_CHANGED) return rv;  // readers came or went: list them
    std::vector<ReaderState> now;
    for (std::size_t i = 0; i < current.size(); ++i) {
        if (st[i].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE | SCARD_STATE_UNAVAILABLE)) return rv;
        now.push_back(readerStateOf(current[i].name, st[i]));
    }
    changed = std::move(now);
    return rv;
}

core::Result<std::vector<ReaderState>> PcscBackend::waitForChange(const std::vector<ReaderState>& known,
                                                                  int timeoutMs) {
    std::lock_guard call(m_waitCallMutex);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs < 0 ? 0 : timeoutMs);
    auto remaining = [&]() -> int {
        if (timeoutMs < 0) return -1;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        return left > 0 ? static_cast<int>(left) : 0;
    };
    for (;;) {
        if (takeCancel()) return fail(Errc::Cancelled, "waiting for reader events was cancelled");
        // Snapshot through the wait context (only this thread uses it outside SCardCancel).
        std::shared_ptr<PcscContext> ctx;
        {
            std::lock_guard lock(m_stateMutex);
            ctx = m_waitCtx;
        }
        auto now = snapshot(ctx);
        {
            std::lock_guard lock(m_stateMutex);
            m_waitCtx = ctx;  // may be new (re-established) or null (pcscd gone)
        }
        if (!now && now.error().code != Errc::NoService) return fail(now.error());
        std::vector<ReaderState> current = now ? std::move(*now) : std::vector<ReaderState>{};
        if (!sameReaderStates(known, current)) return current;  // pcscd gone counts as "all readers gone"
        const int ms = remaining();
        if (ms == 0) return fail(Errc::Timeout, "no reader event before the timeout");
        if (!ctx) {
            // No pcscd: try again later. Sleep in bounded steps so cancel() and the deadline are honoured.
            auto step = kServiceRetry;
            if (ms >= 0 && std::chrono::milliseconds(ms) < step) step = std::chrono::milliseconds(ms);
            if (sleepCancellable(step))
                return fail(Errc::Cancelled, "waiting for reader events was cancelled");
            continue;
        }
        std::optional<std::vector<ReaderState>> changed;
        LONG rv = blockOnce(current, ms, changed);
        switch (rv) {
            case SCARD_S_SUCCESS:
                if (changed && !sameReaderStates(known, *changed)) return std::move(*changed);
                continue;  // something else changed: the next snapshot tells what
            case SCARD_E_TIMEOUT:
                if (remaining() == 0) return fail(Errc::Timeout, "no reader event before the timeout");
                continue;
            case SCARD_E_CANCELLED:
                return fail(Errc::Cancelled, "waiting for reader events was cancelled");
            case SCARD_E_UNKNOWN_READER:
            case SCARD_E_READER_UNAVAILABLE:
                continue;
            default:
                if (contextLost(rv)) {
                    MESIGN_LOG("pcsc", Info, transport::pcscError(rv, "SCardGetStatusChange").message);
                    std::lock_guard lock(m_stateMutex);
                    m_waitCtx.reset();  // re-established by the next snapshot
                    continue;
                }
                return fail(transport::pcscError(rv, "SCardGetStatusChange"));
        }
    }
}

void PcscBackend::cancel() {
    std::unique_lock lock(m_stateMutex);
    m_cancelPending = true;
    m_cv.notify_all();
    // SCardCancel is a no-op unless the waiter is already inside SCardGetStatusChange, and the waiter may
    // have just checked the flag and be on its way in: re-issue until it has come out (bounded).
    for (int i = 0; i < 40 && m_blocked && m_cancelPending; ++i) {
        const uint64_t round = m_blockRound;
        if (m_waitCtx) {
            // Called under m_stateMutex so the waiter cannot release the context meanwhile.
            LONG rv = SCardCancel(static_cast<SCARDCONTEXT>(m_waitCtx->handle()));
            if (rv != SCARD_S_SUCCESS)
                MESIGN_LOG("pcsc", Warn, transport::pcscError(rv, "SCardCancel").message);
        }
        m_cv.wait_for(lock, kCancelRetry, [&] { return m_blockRound != round; });
    }
}

}  // namespace

std::unique_ptr<ReaderBackend> makePcscBackend() {
    return std::make_unique<PcscBackend>();
}

}  // namespace token
