// hotplug: how long after the bare PC/SC notification C_WaitForSlotEvent returns. In one process, one
// thread watches SCardGetStatusChange (\\?PnP?\Notification + the reader), another blocks in
// C_WaitForSlotEvent; the main thread inserts the card by starting mesign-vcard and removes it by
// stopping it, --iterations times. Every timestamp is CLOCK_MONOTONIC. A module whose blocking wait is
// not supported is polled with CKF_DONT_BLOCK every millisecond (reported as mode "poll").
#include <PCSC/winscard.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "bench/p11bench.h"

extern char** environ;

namespace bench {
namespace {

constexpr double kEventDeadlineS = 5.0;

struct Event {
    bool present;
    Clock::time_point at;
};

class EventQueue {
  public:
    void push(Event e) {
        {
            std::lock_guard lock(m_mutex);
            m_events.push_back(e);
        }
        m_cv.notify_all();
    }
    // The first event saying `present`, waiting until the deadline; earlier other events are dropped.
    std::optional<Event> waitFor(bool present, Clock::time_point until) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            while (!m_events.empty()) {
                Event e = m_events.front();
                m_events.pop_front();
                if (e.present == present) return e;
                ++m_dropped;
            }
            if (m_cv.wait_until(lock, until) == std::cv_status::timeout && m_events.empty()) return std::nullopt;
        }
    }
    long takeDropped() {
        std::lock_guard lock(m_mutex);
        long n = m_dropped + static_cast<long>(m_events.size());
        m_events.clear();
        m_dropped = 0;
        return n;
    }

  private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Event> m_events;
    long m_dropped = 0;
};

// The bare PC/SC view: presence changes of one reader.
class PcscWatcher {
  public:
    explicit PcscWatcher(const std::string& reader) : m_reader(reader) {
        if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &m_ctx) != SCARD_S_SUCCESS)
            fail("SCardEstablishContext");
        m_thread = std::thread([this] { run(); });
    }
    ~PcscWatcher() {
        m_stop = true;
        SCardCancel(m_ctx);
        m_thread.join();
        SCardReleaseContext(m_ctx);
    }
    EventQueue events;

  private:
    void run() {
        SCARD_READERSTATE st[2]{};
        st[0].szReader = "\\\\?PnP?\\Notification";
        st[1].szReader = m_reader.c_str();
        st[0].dwCurrentState = st[1].dwCurrentState = SCARD_STATE_UNAWARE;
        if (SCardGetStatusChange(m_ctx, 0, st, 2) != SCARD_S_SUCCESS) fail("SCardGetStatusChange (initial)");
        bool present = st[1].dwEventState & SCARD_STATE_PRESENT;
        for (auto& s : st) s.dwCurrentState = s.dwEventState & ~SCARD_STATE_CHANGED;
        while (!m_stop) {
            LONG rv = SCardGetStatusChange(m_ctx, INFINITE, st, 2);
            const auto now = Clock::now();
            if (rv == SCARD_E_CANCELLED) return;
            if (rv != SCARD_S_SUCCESS) fail("SCardGetStatusChange");
            const bool nowPresent = st[1].dwEventState & SCARD_STATE_PRESENT;
            if (nowPresent != present) events.push({nowPresent, now});
            present = nowPresent;
            for (auto& s : st) s.dwCurrentState = s.dwEventState & ~SCARD_STATE_CHANGED;
        }
    }
    std::string m_reader;
    SCARDCONTEXT m_ctx = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// The module's view: C_WaitForSlotEvent in a loop (blocking, or polled when blocking is unsupported).
class SlotWaiter {
  public:
    explicit SlotWaiter(CK_FUNCTION_LIST* fl) : m_fl(fl) { m_thread = std::thread([this] { run(); }); }
    void detach() { m_thread.detach(); }  // after C_Finalize: a module that never wakes must not hang us
    EventQueue events;
    std::atomic<bool> polled{false};

  private:
    void run() {
        for (;;) {
            CK_SLOT_ID slot = 0;
            CK_RV rv = polled ? m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr)
                              : m_fl->C_WaitForSlotEvent(0, &slot, nullptr);
            const auto now = Clock::now();
            if (rv == CKR_FUNCTION_NOT_SUPPORTED && !polled) {
                polled = true;
                continue;
            }
            if (rv == CKR_NO_EVENT && polled) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            if (rv != CKR_OK) return;  // C_Finalize ended the wait
            CK_SLOT_INFO info{};
            if (m_fl->C_GetSlotInfo(slot, &info) != CKR_OK) return;
            events.push({(info.flags & CKF_TOKEN_PRESENT) != 0, now});
        }
    }
    CK_FUNCTION_LIST* m_fl;
    std::thread m_thread;
};

pid_t startCard(const Options& o) {
    std::string port = std::to_string(o.port);
    std::vector<const char*> args{o.vcard.c_str(), "--port", port.c_str()};
    if (!o.apduLog.empty()) args.insert(args.end(), {"--apdu-log", o.apduLog.c_str()});
    args.push_back(o.state.c_str());
    args.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, o.vcard.c_str(), nullptr, nullptr, const_cast<char**>(args.data()), environ) != 0)
        fail("posix_spawn " + o.vcard);
    return pid;
}

void stopCard(pid_t pid) {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
}

}  // namespace

int runHotplug(const Options& o) {
    if (o.reader.empty() || o.vcard.empty() || o.state.empty() || o.port == 0)
        fail("hotplug needs --reader, --vcard, --state and --port");
    Module m = loadModule(o.module);
    initialize(m.fl);
    PcscWatcher pcsc(o.reader);
    SlotWaiter p11(m.fl);
    ApduCounter apdus(o.apduLog);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both watchers are waiting
    pcsc.events.takeDropped();
    p11.events.takeDropped();

    pid_t card = -1;
    for (int i = 0; i < o.iterations; ++i) {
        for (bool insert : {true, false}) {
            const long a0 = apdus.offset();
            const auto act = Clock::now();
            if (insert) card = startCard(o);
            else stopCard(card);
            const auto until = act + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(kEventDeadlineS));
            auto seen = pcsc.events.waitFor(insert, until);
            if (!seen) fail(std::string("PC/SC reported no ") + (insert ? "insertion" : "removal"));
            auto got = p11.events.waitFor(insert, until);
            // Let late or duplicate events arrive before the next change (and count them).
            std::this_thread::sleep_for(std::chrono::milliseconds(insert ? 1500 : 700));
            Json j(o);
            j.str("event", insert ? "insert" : "remove")
                .num("iteration", i)
                .str("mode", p11.polled ? "poll" : "blocking")
                .num("pcsc_ms", msSince(act, seen->at));
            if (got) j.num("p11_ms", msSince(act, got->at)).num("delta_ms", msSince(seen->at, got->at));
            else j.str("p11", "no event within 5 s");
            j.num("extra_events", static_cast<double>(p11.events.takeDropped() + pcsc.events.takeDropped()));
            if (apdus.enabled()) j.num("apdus", static_cast<double>(apdus.lines(a0, apdus.offset())));
            j.print();
        }
    }
    m.fl->C_Finalize(nullptr);
    // A module whose wait does not end at C_Finalize must not hang the run: leave without unwinding.
    p11.detach();
    std::fflush(stdout);
    std::_Exit(0);
}

}  // namespace bench
