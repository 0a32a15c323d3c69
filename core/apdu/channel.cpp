#include "core/apdu/channel.h"

#include "core/apdu/status_words.h"
#include "core/base/log.h"
#include "core/transport/transport.h"

namespace apdu {

using core::Errc;
using core::fail;

namespace {

// Command data may be a secret (a PIN, an imported private key): every copy this file makes of it is wiped
// before its memory is released, as the caller wipes its own.
class WipeOnExit {
  public:
    explicit WipeOnExit(Bytes& b) : m_b(b) {}
    ~WipeOnExit() { core::secureWipe(m_b.data(), m_b.size()); }
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;

  private:
    Bytes& m_b;
};

}  // namespace

core::Result<Response> Channel::exchangeRaw(const Bytes& raw, uint8_t ins) {
    ++m_apdus;
    MESIGN_LOG("apdu", Debug, "> " + describeCommand(raw));
    auto rsp = m_transport.transmit(raw);
    if (!rsp) return fail(rsp.error());
    MESIGN_LOG("apdu", Debug, "< " + describeResponse(ins, *rsp));
    return Response::parse(*rsp);
}

bool Channel::extendedOn() const { return m_opts.useExtendedLength && m_transport.supportsExtendedLength(); }

std::optional<bool> Channel::extendedLength() const {
    if (!m_opts.useExtendedLength && m_opts.probeExtendedLength) return std::nullopt;
    return m_opts.useExtendedLength;
}

void Channel::setExtendedLength(bool on) {
    m_opts.useExtendedLength = on;
    m_opts.probeExtendedLength = false;
}

// Only a read (GET DATA, READ BINARY/RECORD) whose data fits a short APDU and whose Le does not is a probe:
// a card that misreads its extended Le field answers 6700 and changes nothing. Anything else (a signature,
// a key generation) could be half-understood, so it never probes: it goes short until a read has decided.
bool Channel::probeEligible(const Command& cmd) const {
    const bool read = cmd.ins == 0xCA || cmd.ins == 0xCB || cmd.ins == 0xB0 || cmd.ins == 0xB1 ||
                      cmd.ins == 0xB2 || cmd.ins == 0xB3;
    return read && m_opts.probeExtendedLength && !m_opts.useExtendedLength &&
           m_transport.supportsExtendedLength() && cmd.ne > kMaxShortLe && cmd.data.size() <= kMaxShortLc;
}

namespace {
// Failures that say nothing about the card's APDU formats: the probe passes them on instead of deciding.
bool connectionLost(Errc c) {
    return c == Errc::CardReset || c == Errc::CardRemoved || c == Errc::NoCard || c == Errc::NoReader ||
           c == Errc::NoService || c == Errc::Timeout;
}
}  // namespace

core::Result<Response> Channel::collect(Response first, uint8_t ins) {
    Bytes data = std::move(first.data);
    uint16_t sw = first.sw;
    while ((sw & 0xFF00) == 0x6100) {
        const std::size_t le = (sw & 0xFF) ? (sw & 0xFF) : 256;
        Command getResponse(0x00, 0xC0, 0x00, 0x00, {}, le);
        auto more = exchangeRaw(*getResponse.encode(), ins);
        if (!more) return more;
        if (data.size() + more->data.size() > m_opts.maxResponse)
            return fail(Errc::Malformed,
                        "card response exceeds " + std::to_string(m_opts.maxResponse) + " bytes");
        append(data, more->data);
        sw = more->sw;
    }
    return Response{std::move(data), sw};
}

// One logical command (no chaining): extended or short, with 6Cxx re-send and 61xx collection.
core::Result<Response> Channel::exchange(const Command& cmd) {
    if (probeEligible(cmd)) {
        auto raw = cmd.encode(true);
        if (!raw) return fail(raw.error());
        WipeOnExit wipeProbe(*raw);
        auto rsp = exchangeRaw(*raw, cmd.ins);
        if (!rsp && connectionLost(rsp.error().code)) return rsp;
        if (rsp && (rsp->sw == 0x9000 || rsp->sw1() == 0x61)) {
            MESIGN_LOG("apdu", Info, "the card takes extended APDUs (probe answered)");
            setExtendedLength(true);
            return collect(std::move(*rsp), cmd.ins);
        }
        if (!rsp || rsp->sw == 0x6700 || rsp->sw1() == 0x6C) {
            MESIGN_LOG("apdu", Info, "the card refused an extended APDU (" +
                                         (rsp ? describeResponse(cmd.ins, Bytes{rsp->sw1(), rsp->sw2()})
                                              : rsp.error().message) +
                                         "): short APDUs from now on");
            setExtendedLength(false);
        }
        // Else (6A82...) nothing is decided: the command goes again as a short APDU.
    }
    const bool ext = extendedOn() && cmd.needsExtended();
    Command c = cmd;
    WipeOnExit wipeCopy(c.data);
    if (!ext && c.ne > kMaxShortLe) c.ne = kMaxShortLe;  // short APDU: ask for "all", collect via 61xx
    auto raw = c.encode(ext);
    if (!raw) return fail(raw.error());
    WipeOnExit wipeRaw(*raw);
    auto rsp = exchangeRaw(*raw, c.ins);
    if (!rsp) return rsp;

    if (rsp->sw1() == 0x6C) {  // wrong Le: the card tells the exact length, re-send once
        c.ne = rsp->sw2() ? rsp->sw2() : 256;
        auto again = c.encode(false);
        if (!again) return fail(again.error());
        WipeOnExit wipeAgain(*again);
        rsp = exchangeRaw(*again, c.ins);
        if (!rsp) return rsp;
    }
    return collect(std::move(*rsp), c.ins);
}

core::Result<Response> Channel::transmit(const Command& cmd) {
    if (cmd.data.size() <= kMaxShortLc || extendedOn()) return exchange(cmd);

    // Command chaining: every piece but the last with CLA|0x10 and no Le; each must answer 9000.
    const std::size_t piece = m_opts.chainPieceSize ? m_opts.chainPieceSize : kMaxShortLc;
    std::size_t off = 0;
    while (cmd.data.size() - off > piece) {
        Command part(cmd.cla | kClaChaining, cmd.ins, cmd.p1, cmd.p2,
                     Bytes(cmd.data.begin() + static_cast<std::ptrdiff_t>(off),
                           cmd.data.begin() + static_cast<std::ptrdiff_t>(off + piece)));
        WipeOnExit wipePart(part.data);
        auto rsp = exchange(part);
        if (!rsp) return rsp;
        if (rsp->sw != 0x9000) return rsp;  // the card refused a piece: the chain is over
        off += piece;
    }
    Command last(cmd.cla, cmd.ins, cmd.p1, cmd.p2,
                 Bytes(cmd.data.begin() + static_cast<std::ptrdiff_t>(off), cmd.data.end()), cmd.ne);
    WipeOnExit wipeLast(last.data);
    return exchange(last);
}

core::Result<Bytes> Channel::transmitOk(const Command& cmd, std::string_view context) {
    auto rsp = transmit(cmd);
    if (!rsp) return fail(rsp.error());
    if (rsp->sw != 0x9000) return fail(errorFromSw(rsp->sw, context));
    return std::move(rsp->data);
}

}  // namespace apdu
