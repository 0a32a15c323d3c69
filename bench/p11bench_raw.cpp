// raw-sign: the card's own limit through the same pcscd and reader, without any middleware. SELECT PIV
// and VERIFY once, then only the APDUs one PIV signature needs, in a loop: GENERAL AUTHENTICATE with
// short APDUs as this reader offers them (RSA-2048: two chained pieces + one GET RESPONSE; ECDSA P-256:
// one APDU), VERIFY before each for a PIN-always key (--id 02 = 9C). No PC/SC transaction (the raw upper
// bound), or with --transaction 1 one per signature as a module must hold it (two more pcscd round trips).
// --threads N: N threads, each with its own PC/SC context and shared connection, sign in parallel (pcscd
// serialises them at the reader): the bare card driven the way N sessions of a module drive it.
// Signatures are checked with OpenSSL against --cert.
#include <PCSC/winscard.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "bench/piv_apdus.h"

namespace bench {
namespace {

class PcscCard {
  public:
    explicit PcscCard(const std::string& reader) {
        if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &m_ctx) != SCARD_S_SUCCESS)
            fail("SCardEstablishContext");
        DWORD proto = 0;
        if (SCardConnect(m_ctx, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &m_card,
                         &proto) != SCARD_S_SUCCESS)
            fail("SCardConnect " + reader);
        m_pci = proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
    }
    ~PcscCard() {
        SCardDisconnect(m_card, SCARD_LEAVE_CARD);
        SCardReleaseContext(m_ctx);
    }
    PcscCard(const PcscCard&) = delete;
    PcscCard& operator=(const PcscCard&) = delete;
    void begin() {
        if (SCardBeginTransaction(m_card) != SCARD_S_SUCCESS) fail("SCardBeginTransaction");
    }
    void end() { SCardEndTransaction(m_card, SCARD_LEAVE_CARD); }
    Bytes transmit(const Bytes& apdu) {
        Bytes rsp(MAX_BUFFER_SIZE_EXTENDED);  // an extended answer (RSA-2048: 266 bytes) does not fit 258
        DWORD n = static_cast<DWORD>(rsp.size());
        if (SCardTransmit(m_card, m_pci, apdu.data(), static_cast<DWORD>(apdu.size()), nullptr, rsp.data(), &n) !=
            SCARD_S_SUCCESS)
            fail("SCardTransmit");
        rsp.resize(n);
        return rsp;
    }

  private:
    SCARDCONTEXT m_ctx = 0;
    SCARDHANDLE m_card = 0;
    const SCARD_IO_REQUEST* m_pci = nullptr;
};

Bytes spkiOfPem(const std::string& path) {
    std::unique_ptr<FILE, decltype(&fclose)> f(fopen(path.c_str(), "r"), fclose);
    if (!f) fail("cannot open " + path);
    std::unique_ptr<X509, decltype(&X509_free)> x(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), X509_free);
    if (!x) fail("not a PEM certificate: " + path);
    int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x.get()), nullptr);
    Bytes spki(static_cast<std::size_t>(n));
    unsigned char* q = spki.data();
    i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x.get()), &q);
    return spki;
}

}  // namespace

int runRawSign(const Options& o) {
    if (o.reader.empty() || o.cert.empty()) fail("raw-sign needs --reader and --cert");
    const Bytes spki = spkiOfPem(o.cert);
    const bool rsa = o.mech == "rsa";
    const uint8_t keyRef = o.keyId == 2 ? 0x9C : 0x9A;
    const bool pinAlways = keyRef == 0x9C;
    const int threads = o.threads > 1 ? o.threads : 1;

    // One connection per thread; the PIN is verified once (the card's security status is shared).
    std::vector<std::unique_ptr<PcscCard>> cards;
    for (int i = 0; i < threads; ++i) cards.push_back(std::make_unique<PcscCard>(o.reader));
    auto txOf = [](PcscCard& c) -> Transmit { return [&c](const Bytes& apdu) { return c.transmit(apdu); }; };
    selectPiv(txOf(*cards[0]));
    verifyPin(txOf(*cards[0]), o.pin);
    auto signOne = [&](PcscCard& card) {
        const Transmit tx = txOf(card);
        if (o.transaction) card.begin();
        if (pinAlways) verifyPin(tx, o.pin);
        Bytes sig = generalAuthenticate(tx, rsa, keyRef, o.extended);
        if (o.transaction) card.end();
        return sig;
    };
    for (auto& c : cards) verifyRawOrFail(spki, rsa, signOne(*c));

    ApduCounter apdus(o.apduLog);
    const long a0 = apdus.offset();
    std::atomic<long> done{0};
    const auto t0 = Clock::now();
    auto loop = [&](PcscCard& card) {
        for (;;) {
            if (o.seconds > 0 ? msSince(t0) >= o.seconds * 1000 : done.load() >= o.iterations) return;
            (void)signOne(card);
            ++done;
        }
    };
    std::vector<std::thread> workers;
    for (int i = 1; i < threads; ++i) workers.emplace_back(loop, std::ref(*cards[i]));
    loop(*cards[0]);
    for (auto& w : workers) w.join();
    const double elapsed = msSince(t0);
    const long a1 = apdus.offset();
    verifyRawOrFail(spki, rsa, signOne(*cards[0]));
    Json j(o);
    j.num("threads", threads)
        .num("signatures", static_cast<double>(done.load()))
        .num("elapsed_ms", elapsed)
        .num("ops_per_s", static_cast<double>(done.load()) * 1000.0 / elapsed)
        .num("latency_ms", elapsed * threads / static_cast<double>(done.load()));
    if (apdus.enabled())
        j.num("apdus_per_op", static_cast<double>(apdus.lines(a0, a1)) / static_cast<double>(done.load()));
    j.print();
    return 0;
}

}  // namespace bench
