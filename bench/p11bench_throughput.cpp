// throughput: warm signatures from N sessions on N threads (one module, one login), for --seconds or
// --iterations signatures in total. Reports signatures per second, the mean latency and the APDUs per
// signature at the card, split by instruction so the per-signature minimum can be checked.
#include <atomic>
#include <thread>

#include "bench/p11bench.h"

namespace bench {

int runThroughput(const Options& o) {
    Module m = loadModule(o.module);
    initialize(m.fl);
    const CK_SLOT_ID slot = slotWithKey(m.fl, o.keyId);
    CK_SESSION_HANDLE first = 0;
    check(m.fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &first), "C_OpenSession");
    login(m.fl, first, CKU_USER, o.pin);
    SignKey checkKey = prepareKey(m.fl, first, o);
    readPublicKey(m.fl, first, o, checkKey);

    struct Worker {
        CK_SESSION_HANDLE session = 0;
        SignKey key;
        long done = 0;
        double busyMs = 0;
    };
    std::vector<Worker> workers(static_cast<std::size_t>(o.threads));
    for (Worker& w : workers) {
        check(m.fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &w.session), "C_OpenSession");
        w.key = prepareKey(m.fl, w.session, o);
        w.key.spki = checkKey.spki;
        verifyOrFail(w.key, o, signOnce(m.fl, w.session, w.key, o));  // warm-up, and proof it signs
    }

    ApduCounter apdus(o.apduLog);
    std::atomic<long> issued{0};
    std::atomic<bool> go{false};
    const bool timed = o.seconds > 0;
    Clock::time_point t0, deadline;
    std::vector<std::thread> threads;
    for (Worker& w : workers)
        threads.emplace_back([&, wp = &w] {
            while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
            for (;;) {
                if (timed ? Clock::now() >= deadline : issued.fetch_add(1) >= o.iterations) break;
                const auto s0 = Clock::now();
                (void)signOnce(m.fl, wp->session, wp->key, o);
                wp->busyMs += msSince(s0);
                ++wp->done;
            }
        });
    const long a0 = apdus.offset();
    t0 = Clock::now();
    deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    go.store(true, std::memory_order_release);
    for (auto& t : threads) t.join();
    const double elapsed = msSince(t0);
    const long a1 = apdus.offset();
    // One more signature checked after the run: the sessions still sign correctly.
    verifyOrFail(workers[0].key, o, signOnce(m.fl, workers[0].session, workers[0].key, o));

    long total = 0;
    double busy = 0;
    for (const Worker& w : workers) total += w.done, busy += w.busyMs;
    if (total == 0) fail("no signature in the measured time");
    Json j(o);
    j.num("threads", o.threads)
        .num("signatures", static_cast<double>(total))
        .num("elapsed_ms", elapsed)
        .num("ops_per_s", static_cast<double>(total) * 1000.0 / elapsed)
        .num("latency_ms", busy / static_cast<double>(total));
    if (apdus.enabled()) {
        const double n = static_cast<double>(total);
        j.num("apdus", static_cast<double>(apdus.lines(a0, a1)))
            .num("apdus_per_op", static_cast<double>(apdus.lines(a0, a1)) / n)
            .num("select_per_op", static_cast<double>(apdus.linesWith(a0, a1, "ins=A4")) / n)
            .num("verify_per_op", static_cast<double>(apdus.linesWith(a0, a1, "ins=20")) / n)
            .num("ga_per_op", static_cast<double>(apdus.linesWith(a0, a1, "ins=87")) / n)
            .num("getresponse_per_op", static_cast<double>(apdus.linesWith(a0, a1, "ins=C0")) / n);
    }
    j.print();
    for (const Worker& w : workers) m.fl->C_CloseSession(w.session);
    m.fl->C_CloseSession(first);
    check(m.fl->C_Finalize(nullptr), "C_Finalize");
    return 0;
}

}  // namespace bench
