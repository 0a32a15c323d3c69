#include "core/apdu/channel.h"

#include "core/apdu/status_words.h"
#include "core/base/log.h"
#include "core/transport/transport.h"

namespace apdu {

using core::Errc;
using core::fail;

core::Result<Response> Channel::exchangeRaw(const Bytes& raw, uint8_t ins) {
    ++m_apdus;
    MESIGN_LOG("apdu", Debug, "> " + describeCommand(raw));
    auto rsp = m_transport.transmit(raw);
    if (!rsp) return fail(rsp.error());
    MESIGN_LOG("apdu", Debug, "< " + describeResponse(ins, *rsp));
    return Response::parse(*rsp);
}

// One logical command (no chaining): extended or short, with 6Cxx re-send and 61xx collection.
core::Result<Response> Channel::exchange(const Command& cmd) {
    const bool ext = m_opts.useExtendedLength && m_transport.supportsExtendedLength() && cmd.needsExtended();
    Command c = cmd;
    if (!ext && c.ne > kMaxShortLe) c.ne = kMaxShortLe;  // short APDU: ask for "all", collect via 61xx
    auto raw = c.encode(ext);
    if (!raw) return fail(raw.error());
    auto rsp = exchangeRaw(*raw, c.ins);
    if (!rsp) return rsp;

    if (rsp->sw1() == 0x6C) {  // wrong Le: the card tells the exact length, re-send once
        c.ne = rsp->sw2() ? rsp->sw2() : 256;
        auto again = c.encode(false);
        if (!again) return fail(again.error());
        rsp = exchangeRaw(*again, c.ins);
        if (!rsp) return rsp;
    }

    Bytes data = std::move(rsp->data);
    uint16_t sw = rsp->sw;
    while ((sw & 0xFF00) == 0x6100) {
        const std::size_t le = (sw & 0xFF) ? (sw & 0xFF) : 256;
        Command getResponse(0x00, 0xC0, 0x00, 0x00, {}, le);
        auto more = exchangeRaw(*getResponse.encode(), c.ins);
        if (!more) return more;
        if (data.size() + more->data.size() > m_opts.maxResponse)
            return fail(Errc::Malformed, "card response exceeds " + std::to_string(m_opts.maxResponse) + " bytes");
        append(data, more->data);
        sw = more->sw;
    }
    return Response{std::move(data), sw};
}

core::Result<Response> Channel::transmit(const Command& cmd) {
    const bool extOk = m_opts.useExtendedLength && m_transport.supportsExtendedLength();
    if (cmd.data.size() <= kMaxShortLc || extOk) return exchange(cmd);

    // Command chaining: every piece but the last with CLA|0x10 and no Le; each must answer 9000.
    const std::size_t piece = m_opts.chainPieceSize ? m_opts.chainPieceSize : kMaxShortLc;
    std::size_t off = 0;
    while (cmd.data.size() - off > piece) {
        Command part(cmd.cla | kClaChaining, cmd.ins, cmd.p1, cmd.p2,
                     Bytes(cmd.data.begin() + static_cast<std::ptrdiff_t>(off),
                           cmd.data.begin() + static_cast<std::ptrdiff_t>(off + piece)));
        auto rsp = exchange(part);
        if (!rsp) return rsp;
        if (rsp->sw != 0x9000) return rsp;  // the card refused a piece: the chain is over
        off += piece;
    }
    Command last(cmd.cla, cmd.ins, cmd.p1, cmd.p2,
                 Bytes(cmd.data.begin() + static_cast<std::ptrdiff_t>(off), cmd.data.end()), cmd.ne);
    return exchange(last);
}

core::Result<Bytes> Channel::transmitOk(const Command& cmd, std::string_view context) {
    auto rsp = transmit(cmd);
    if (!rsp) return fail(rsp.error());
    if (rsp->sw != 0x9000) return fail(errorFromSw(rsp->sw, context));
    return std::move(rsp->data);
}

}  // namespace apdu
