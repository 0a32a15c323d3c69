// The one place that turns a logical command into the APDUs a card understands: command chaining
// (CLA bit 0x10) for long data, 61xx GET RESPONSE loops, 6Cxx re-sends, and extended length where both
// sides support it. Card applications call transmit() and see a complete response.
#pragma once

#include <cstddef>
#include <optional>

#include "core/apdu/command.h"
#include "core/base/result.h"

namespace transport {
class Transport;
}

namespace apdu {

struct ChannelOptions {
    bool useExtendedLength = false;  // only when both reader and card advertise it
    // The card's support is unknown (its ATR is silent): the first read (GET DATA, READ BINARY/RECORD)
    // whose only extended field is Le is sent extended as a probe. 9000/61xx: the card takes extended
    // APDUs from then on; 6700, 6Cxx or a transport failure: short APDUs from then on (the command is
    // re-sent short); any other status word decides nothing (re-sent short, the next read probes again).
    bool probeExtendedLength = false;
    std::size_t chainPieceSize = kMaxShortLc;
    std::size_t maxResponse = 65536;     // bound on GET RESPONSE accumulation
};

class Channel {
public:
    explicit Channel(transport::Transport& t, ChannelOptions opts = {}) : m_transport(t), m_opts(opts) {}

    // Sends the command (chained or extended as needed) and returns the complete response. The SW is
    // returned as-is (errors are card answers, not transport failures): callers decide what a SW means.
    core::Result<Response> transmit(const Command& cmd);
    // transmit() + SW check: any SW other than 9000 becomes errorFromSw(sw, context).
    core::Result<Bytes> transmitOk(const Command& cmd, std::string_view context);

    transport::Transport& transport() { return m_transport; }
    const ChannelOptions& options() const { return m_opts; }
    std::size_t apduCount() const { return m_apdus; }  // APDUs actually sent (for tests and benches)
    // What is known of the card's extended-length support: nullopt while a probe is pending, else whether
    // the card takes them. The transport's own limit (supportsExtendedLength) applies on top, per APDU.
    std::optional<bool> extendedLength() const;
    // Sets it from elsewhere (the ATR, a cache of an earlier probe); ends any pending probe.
    void setExtendedLength(bool on);

private:
    core::Result<Response> exchange(const Command& cmd);
    core::Result<Response> exchangeRaw(const Bytes& raw, uint8_t ins);
    core::Result<Response> collect(Response first, uint8_t ins);  // 61xx GET RESPONSE loop
    bool extendedOn() const;
    bool probeEligible(const Command& cmd) const;

    transport::Transport& m_transport;
    ChannelOptions m_opts;
    std::size_t m_apdus = 0;
};

}  // namespace apdu
