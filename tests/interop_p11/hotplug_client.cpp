// Slot events through the real pcscd: loads the module with dlopen and drives mesign-vcard (started and
// stopped here, so the time of each insertion and removal is known) while C_WaitForSlotEvent reports them.
//
// - A: no event after C_Initialize (CKF_DONT_BLOCK gives CKR_NO_EVENT); the insertion is seen by polling
//   with CKF_DONT_BLOCK, and then there is no further event.
// - B: a thread blocked in C_WaitForSlotEvent gets the removal and the insertion, each within 2 s, and
//   C_GetSlotInfo then says token absent / present; a logged-in session left idle for 3 s still signs.
// - C: C_Finalize from the main thread wakes the blocked waiter with CKR_CRYPTOKI_NOT_INITIALIZED within 1 s.
//
// Usage: p11_hotplug_client MODULE VCARD STATE_FILE PORT DATA_FILE SIG_FILE. Reader: $MESIGN_TEST_READER.
// The card in STATE_FILE holds an RSA key with CKA_ID 01 (9A); SIG_FILE gets its SHA256-RSA-PKCS signature.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <thread>

#include "p11_client.h"

extern char** environ;

namespace {

using namespace p11client;

constexpr double kEventDeadline = 2.0, kFinalizeDeadline = 1.0, kIdleSeconds = 3.0;

class VirtualCard {
  public:
    VirtualCard(const char* vcard, const char* state, const char* port)
        : m_args{vcard, "--port", port, state} {}
    ~VirtualCard() { stop(); }
    void start() {
        char* argv[] = {const_cast<char*>(m_args[0]), const_cast<char*>(m_args[1]),
                        const_cast<char*>(m_args[2]), const_cast<char*>(m_args[3]), nullptr};
        if (posix_spawn(&m_pid, m_args[0], nullptr, nullptr, argv, environ) != 0)
            failWith("posix_spawn vcard");
    }
    void stop() {
        if (m_pid <= 0) return;
        kill(m_pid, SIGTERM);
        int status = 0;
        waitpid(m_pid, &status, 0);
        m_pid = -1;
    }

  private:
    const char* m_args[4];
    pid_t m_pid = -1;
};

struct SlotEvent {
    CK_RV rv;
    CK_SLOT_ID slot;
    bool present;
    Clock::time_point at;
};

// A thread that loops in blocking C_WaitForSlotEvent and queues what it returns, until an error.
class EventWaiter {
  public:
    explicit EventWaiter(CK_FUNCTION_LIST* fl) : m_fl(fl), m_thread([this] { run(); }) {}
    ~EventWaiter() { m_thread.join(); }
    SlotEvent next(double deadline, const char* what) {
        std::unique_lock lock(m_mutex);
        auto until = Clock::now() +
                     std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(deadline));
        if (!m_ready.wait_until(lock, until, [this] { return !m_events.empty(); }))
            failWith(std::string("no slot event within the deadline: ") + what);
        SlotEvent e = m_events.front();
        m_events.pop_front();
        return e;
    }
    bool empty() {
        std::lock_guard lock(m_mutex);
        return m_events.empty();
    }

  private:
    void run() {
        for (;;) {
            CK_SLOT_ID slot = ~CK_SLOT_ID{0};
            CK_RV rv = m_fl->C_WaitForSlotEvent(0, &slot, nullptr);
            SlotEvent e{rv, slot, rv == CKR_OK && tokenPresent(m_fl, slot), Clock::now()};
            {
                std::lock_guard lock(m_mutex);
                m_events.push_back(e);
            }
            m_ready.notify_all();
            if (rv != CKR_OK) return;
        }
    }
    CK_FUNCTION_LIST* m_fl;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<SlotEvent> m_events;
    std::thread m_thread;
};

void expectEvent(const SlotEvent& e, CK_SLOT_ID slot, bool present, Clock::time_point since,
                 const char* what) {
    expectRv(e.rv, CKR_OK, what);
    if (e.slot != slot) failWith(std::string(what) + ": event for slot " + std::to_string(e.slot));
    if (e.present != present)
        failWith(std::string(what) + (present ? ": token absent" : ": token still present"));
    std::printf("%s: slot %lu, token %s, after %.3f s\n", what, e.slot, present ? "present" : "absent",
                std::chrono::duration<double>(e.at - since).count());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7 || !std::getenv("MESIGN_TEST_READER")) {
        std::fprintf(stderr, "usage: MESIGN_TEST_READER=... %s MODULE VCARD STATE PORT DATA SIG\n", argv[0]);
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    VirtualCard card(argv[2], argv[3], argv[4]);
    std::ifstream in(argv[5], std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CK_FUNCTION_LIST* fl = loadModule(argv[1]);
    initialize(fl);
    CK_SLOT_ID slot = slotOfReader(fl, std::getenv("MESIGN_TEST_READER"));
    if (tokenPresent(fl, slot)) failWith("the card must be absent at the start");

    // A. Nothing happened since C_Initialize; then poll for the insertion.
    CK_SLOT_ID got = 0;
    expectRv(fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &got, nullptr), CKR_NO_EVENT,
             "DONT_BLOCK after C_Initialize");
    auto t0 = Clock::now();
    card.start();
    CK_RV rv = CKR_NO_EVENT;
    while (rv == CKR_NO_EVENT && secondsSince(t0) < kEventDeadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        rv = fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &got, nullptr);
    }
    expectEvent(SlotEvent{rv, got, rv == CKR_OK && tokenPresent(fl, got), Clock::now()}, slot, true, t0,
                "insertion (DONT_BLOCK polling)");
    expectRv(fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &got, nullptr), CKR_NO_EVENT,
             "DONT_BLOCK after the insertion");

    {
        // B. A blocked waiter sees removal and insertion.
        EventWaiter waiter(fl);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let it block
        if (!waiter.empty()) failWith("an event without a change");
        auto t1 = Clock::now();
        card.stop();
        expectEvent(waiter.next(kEventDeadline, "removal"), slot, false, t1, "removal (blocking)");
        auto t2 = Clock::now();
        card.start();
        expectEvent(waiter.next(kEventDeadline, "insertion"), slot, true, t2, "insertion (blocking)");

        // A logged-in session survives idleness (pcscd powers down a card nobody holds).
        CK_SESSION_HANDLE h = 0;
        expectRv(fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_OK, "C_OpenSession");
        login(fl, h);
        std::this_thread::sleep_for(std::chrono::duration<double>(kIdleSeconds));
        CK_SESSION_INFO info{};
        expectRv(fl->C_GetSessionInfo(h, &info), CKR_OK, "C_GetSessionInfo after idling");
        if (info.state != CKS_RO_USER_FUNCTIONS) failWith("session no longer logged in after idling");
        writeFile(argv[6], signSha256Rsa(fl, h, 0x01, data));
        std::printf("signed after %.0f s idle\n", kIdleSeconds);
        if (!waiter.empty()) failWith("an event while the card stayed in the reader");

        // C. C_Finalize wakes the blocked waiter.
        auto t3 = Clock::now();
        expectRv(fl->C_Finalize(nullptr), CKR_OK, "C_Finalize");
        SlotEvent e = waiter.next(kFinalizeDeadline, "C_Finalize wake-up");
        expectRv(e.rv, CKR_CRYPTOKI_NOT_INITIALIZED, "blocked C_WaitForSlotEvent after C_Finalize");
        std::printf("C_Finalize woke the waiter with CKR_CRYPTOKI_NOT_INITIALIZED after %.3f s\n",
                    std::chrono::duration<double>(e.at - t3).count());
    }
    // The library can be initialised again, and sees the card.
    initialize(fl);
    if (!tokenPresent(fl, slotOfReader(fl, std::getenv("MESIGN_TEST_READER"))))
        failWith("no token after re-init");
    expectRv(fl->C_Finalize(nullptr), CKR_OK, "second C_Finalize");
    std::puts("hotplug: all checks passed");
    return 0;
}
