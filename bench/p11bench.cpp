// p11bench: the benchmark driver. Loads a PKCS#11 module by path and runs one named scenario in this
// process, printing JSON lines; bench/run-all.sh starts one process per run and alternates the modules.
//
//   p11bench --scenario start|sign|throughput|hotplug|raw-sign --module M [--label NAME]
//            [--apdu-log FILE] [--pin PIN] [--id N] [--mech rsa|ecdsa] [--threads N] [--iterations N]
//            [--seconds S] [--reader NAME] [--vcard PATH --state FILE --port P] [--cert PEM]
//            [--transaction 0|1] [--extended 0|1] [--tag KEY=VALUE]...
//
// start: load module, C_Initialize, C_GetSlotList, a session per token, find all objects, C_Finalize.
// sign:  start + C_Login + one signature with key --id (context-specific login when the key wants it),
//        checked with OpenSSL. Wall time spans dlopen .. C_Finalize (reading the certificate to check the
//        signature is not counted); APDUs are counted per phase at the card.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/p11bench.h"

namespace bench {

int runStart(const Options& o, bool sign) {
    ApduCounter apdus(o.apduLog);
    const long a0 = apdus.offset();
    const auto t0 = Clock::now();
    Module m = loadModule(o.module);
    const auto tLoad = Clock::now();
    initialize(m.fl);
    const auto tInit = Clock::now();
    const long aInit = apdus.offset();
    std::vector<CK_SLOT_ID> slots = slotsWithToken(m.fl);
    const long aSlots = apdus.offset();
    std::size_t objects = 0;
    CK_SESSION_HANDLE signSession = CK_INVALID_HANDLE;
    std::vector<CK_SESSION_HANDLE> sessions;
    for (CK_SLOT_ID slot : slots) {
        CK_SESSION_HANDLE s = 0;
        check(m.fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &s), "C_OpenSession");
        sessions.push_back(s);
        objects += findAll(m.fl, s).size();
        if (sign && signSession == CK_INVALID_HANDLE &&
            findKey(m.fl, s, CKO_CERTIFICATE, o.keyId) != CK_INVALID_HANDLE)
            signSession = s;
    }
    const long aFind = apdus.offset();
    if (slots.empty()) fail("no token present");
    long aLogin = aFind, aSign = aFind, pausedApdus = 0;
    double pausedMs = 0;
    if (sign) {
        if (signSession == CK_INVALID_HANDLE) fail("no token holds a certificate with the key's CKA_ID");
        login(m.fl, signSession, CKU_USER, o.pin);
        aLogin = apdus.offset();
        SignKey k = prepareKey(m.fl, signSession, o);
        Bytes sig = signOnce(m.fl, signSession, k, o);
        aSign = apdus.offset();
        // Reading the certificate to check the signature is not part of the job.
        const auto p0 = Clock::now();
        readPublicKey(m.fl, signSession, o, k);
        pausedMs = msSince(p0);
        pausedApdus = apdus.offset() >= 0 ? apdus.lines(aSign, apdus.offset()) : 0;
        verifyOrFail(k, o, sig);
    }
    const long aBeforeFinal = apdus.offset();
    for (CK_SESSION_HANDLE s : sessions) m.fl->C_CloseSession(s);
    check(m.fl->C_Finalize(nullptr), "C_Finalize");
    const auto t1 = Clock::now();
    const long a1 = apdus.offset();

    Json j(o);
    j.num("wall_ms", msSince(t0, t1) - pausedMs)
        .num("load_ms", msSince(t0, tLoad))
        .num("initialize_ms", msSince(tLoad, tInit))
        .num("slots", static_cast<double>(slots.size()))
        .num("objects", static_cast<double>(objects));
    if (apdus.enabled()) {
        j.num("apdus", static_cast<double>(apdus.lines(a0, a1) - pausedApdus))
            .num("apdus_initialize", static_cast<double>(apdus.lines(a0, aInit)))
            .num("apdus_slotlist", static_cast<double>(apdus.lines(aInit, aSlots)))
            .num("apdus_find", static_cast<double>(apdus.lines(aSlots, aFind)));
        if (sign)
            j.num("apdus_login", static_cast<double>(apdus.lines(aFind, aLogin)))
                .num("apdus_sign", static_cast<double>(apdus.lines(aLogin, aSign)));
        j.num("apdus_finalize", static_cast<double>(apdus.lines(aBeforeFinal, a1)));
    }
    j.print();
    return 0;
}

}  // namespace bench

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: p11bench --scenario start|sign|throughput|hotplug|raw-sign --module M [--label NAME]\n"
                 "       [--apdu-log FILE] [--pin PIN] [--id N] [--mech rsa|ecdsa] [--threads N]\n"
                 "       [--iterations N] [--seconds S] [--reader NAME] [--vcard PATH --state FILE --port P]\n"
                 "       [--cert PEM] [--transaction 0|1] [--extended 0|1] [--tag KEY=VALUE]...\n");
    std::exit(2);
}

bench::Options parse(int argc, char** argv) {
    bench::Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) usage();
        std::string v = argv[++i];
        if (a == "--scenario") o.scenario = v;
        else if (a == "--module") o.module = v;
        else if (a == "--label") o.label = v;
        else if (a == "--apdu-log") o.apduLog = v;
        else if (a == "--pin") o.pin = v;
        else if (a == "--id") o.keyId = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 16));
        else if (a == "--mech") o.mech = v;
        else if (a == "--threads") o.threads = std::atoi(v.c_str());
        else if (a == "--iterations") o.iterations = std::atoi(v.c_str());
        else if (a == "--seconds") o.seconds = std::atof(v.c_str());
        else if (a == "--reader") o.reader = v;
        else if (a == "--vcard") o.vcard = v;
        else if (a == "--state") o.state = v;
        else if (a == "--port") o.port = std::atoi(v.c_str());
        else if (a == "--cert") o.cert = v;
        else if (a == "--transaction") o.transaction = v == "1";
        else if (a == "--extended") o.extended = v == "1";
        else if (a == "--tag") {
            auto eq = v.find('=');
            if (eq == std::string::npos) usage();
            o.tags[v.substr(0, eq)] = v.substr(eq + 1);
        } else usage();
    }
    if (o.scenario.empty() || (o.module.empty() && o.scenario != "raw-sign")) usage();
    if (o.mech != "rsa" && o.mech != "ecdsa") usage();
    if (o.threads < 1 || o.iterations < 1) usage();
    if (o.label.empty()) o.label = o.module.empty() ? "raw" : o.module;
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const bench::Options o = parse(argc, argv);
    if (o.scenario == "start") return bench::runStart(o, false);
    if (o.scenario == "sign") return bench::runStart(o, true);
    if (o.scenario == "throughput") return bench::runThroughput(o);
    if (o.scenario == "hotplug") return bench::runHotplug(o);
    if (o.scenario == "raw-sign") return bench::runRawSign(o);
    usage();
}
