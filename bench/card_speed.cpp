// card_speed [--seconds S]: scenario 6, in one process, no pcscd. A fresh virtual PIV card (vcard/, as
// mesign-vcard runs it) with an RSA-2048 key in 9A and an EC P-256 key in 9E, then for each algorithm:
//   raw-card  the card called directly: GENERAL AUTHENTICATE APDUs handed to VirtualCard::process
//             (the card's own limit: its APDU handling plus OpenSSL inside the card);
//   module    the same signature through the whole PKCS#11 module (entry points, token layer, PIV driver,
//             channel) over an in-process transport to the same card (the test backend of tests/support).
// The difference per signature is the module's in-process overhead. Rates per wall second and per CPU
// second of this process (the latter compares with `openssl speed`, which divides by CPU user time).
// JSON lines, like p11bench; the comparison with `openssl speed` is made by bench/report.py.
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "bench/piv_apdus.h"
#include "core/token/token_manager.h"
#include "pkcs11/entry_points.h"
#include "pkcs11/testing.h"
#include "tests/support/fake_reader_backend.h"

namespace bench {
namespace {

const char* kReader = "Bench in-process reader";

struct Enrolled {
    Bytes rsaSpki, ecSpki;
};

Enrolled enrol(const std::shared_ptr<testsupport::FakeReaders>& world) {
    token::TokenManager manager(std::make_unique<testsupport::FakeReaderBackend>(world));
    if (!manager.refresh()) fail("token manager refresh");
    auto t = manager.token(manager.slots().at(0).id);
    if (!t) fail("token: " + t.error().describe());
    const Bytes mgmt{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
    if (!(*t)->loginSo(token::SoCredential::ManagementKey, mgmt)) fail("management key");
    auto spki = [](const token::KeyObject& k) { return k.publicKey ? k.publicKey->spki : k.key.publicKeyInfo; };
    auto rsa = (*t)->generateKey(0x9A, cardapp::KeyAlgorithm::Rsa2048);
    if (!rsa) fail("generate RSA-2048 in 9A: " + rsa.error().describe());
    auto ec = (*t)->generateKey(0x9E, cardapp::KeyAlgorithm::EcP256);
    if (!ec) fail("generate P-256 in 9E: " + ec.error().describe());
    (void)(*t)->logout();
    return {spki(*rsa), spki(*ec)};
}

double secondsOption(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--seconds") == 0) return std::atof(argv[i + 1]);
    return 2.0;
}

// CPU time of this process: what `openssl speed` divides by (user time unless -elapsed), so the rates
// compare on a shared machine where wall time depends on the other load.
double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class F>
void timed(const Options& o, const char* how, double seconds, F&& signOne, const std::function<uint64_t()>& apdus) {
    const uint64_t a0 = apdus();
    const double cpu0 = cpuSeconds();
    const auto t0 = Clock::now();
    long done = 0;
    while (msSince(t0) < seconds * 1000) {
        signOne();
        ++done;
    }
    const double elapsed = msSince(t0);
    const double cpu = cpuSeconds() - cpu0;
    Json j(o);
    j.str("path", how)
        .num("signatures", static_cast<double>(done))
        .num("ops_per_s", static_cast<double>(done) * 1000.0 / elapsed)
        .num("us_per_op", elapsed * 1000.0 / static_cast<double>(done))
        .num("cpu_ops_per_s", static_cast<double>(done) / cpu)
        .num("cpu_us_per_op", cpu * 1e6 / static_cast<double>(done))
        .num("apdus_per_op", static_cast<double>(apdus() - a0) / static_cast<double>(done))
        .print();
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
    using namespace bench;
    const double seconds = secondsOption(argc, argv);
    auto world = std::make_shared<testsupport::FakeReaders>();
    world->addReader(kReader);
    auto card = world->insertCard(kReader);
    const Enrolled keys = enrol(world);

    // The raw card: APDUs counted here (they do not pass a connection).
    uint64_t rawApdus = 0;
    const Transmit tx = [&](const Bytes& apdu) {
        ++rawApdus;
        return card->process(apdu);
    };

    p11::setBackendFactoryForTesting([world]() -> std::unique_ptr<token::ReaderBackend> {
        return std::make_unique<testsupport::FakeReaderBackend>(world);
    });
    CK_FUNCTION_LIST* fl = nullptr;
    check(p11::entry::C_GetFunctionList(&fl), "C_GetFunctionList");
    initialize(fl);
    const std::vector<CK_SLOT_ID> slots = slotsWithToken(fl);
    if (slots.empty()) fail("no in-process token");
    CK_SESSION_HANDLE s = 0;
    check(fl->C_OpenSession(slots[0], CKF_SERIAL_SESSION, nullptr, nullptr, &s), "C_OpenSession");
    Options base;
    base.scenario = "card";
    login(fl, s, CKU_USER, base.pin);

    for (const bool rsa : {true, false}) {
        Options o = base;
        o.mech = rsa ? "rsa" : "ecdsa";
        o.keyId = rsa ? 1 : 4;  // CKA_ID 01 = 9A, 04 = 9E (9D is a key-management slot: no signing)
        o.tags["mech"] = o.mech;
        const Bytes& spki = rsa ? keys.rsaSpki : keys.ecSpki;
        const uint8_t ref = rsa ? 0x9A : 0x9E;

        // Raw card. The module's connection keeps the PIN verified, but select and verify anyway.
        o.label = "raw-card";
        selectPiv(tx);
        verifyPin(tx, o.pin);
        verifyRawOrFail(spki, rsa, generalAuthenticate(tx, rsa, ref, true));
        timed(o, "in-process", seconds, [&] { (void)generalAuthenticate(tx, rsa, ref, true); }, [&] { return rawApdus; });

        // Whole module over the in-process transport.
        o.label = "mesign";
        SignKey k = prepareKey(fl, s, o);
        k.spki = spki;
        verifyOrFail(k, o, signOnce(fl, s, k, o));
        timed(o, "in-process", seconds, [&] { (void)signOnce(fl, s, k, o); }, [&] { return card->apduCount(); });
    }
    fl->C_CloseSession(s);
    check(fl->C_Finalize(nullptr), "C_Finalize");
    p11::setBackendFactoryForTesting({});
    return 0;
}
