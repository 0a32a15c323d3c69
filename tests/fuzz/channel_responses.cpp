// The channel's response handling (61xx collection, 6Cxx re-send, command chaining) against a card that
// answers from the fuzz input. Invariants: every APDU the channel sends parses; the channel sends no more
// APDUs than the script has answers (+1 for the one that finds the script empty): it cannot loop forever;
// an accepted response never exceeds the bound the channel was given (beyond the first answer).
#include <string>

#include "core/apdu/channel.h"
#include "core/transport/transport.h"
#include "fuzz_input.h"

namespace {

class ScriptedTransport : public transport::Transport {
public:
    ScriptedTransport(fuzz::Input& in, bool ext) : m_in(in), m_ext(ext) {}

    core::Result<core::Bytes> transmit(core::ByteView command) override {
        ++sent;
        FUZZ_CHECK(apdu::Command::parse(command).has_value());
        if (m_in.empty()) return core::fail(core::Errc::Transport, "script exhausted");
        auto answer = m_in.chunk();
        largest = std::max(largest, answer.size());
        return core::Bytes(answer.begin(), answer.end());
    }
    core::Result<core::Bytes> atr() override { return core::Bytes{0x3B, 0x00}; }
    core::Status reset() override { return {}; }
    core::Status beginTransaction() override { return {}; }
    void endTransaction() override {}
    bool supportsExtendedLength() const override { return m_ext; }
    std::string readerName() const override { return "fuzz"; }

    std::size_t sent = 0;
    std::size_t largest = 0;

private:
    fuzz::Input& m_in;
    bool m_ext;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const uint8_t mode = in.byte();
    const std::size_t dataLen = static_cast<std::size_t>(in.byte()) * 4;    // up to 1020: chaining
    const std::size_t ne = static_cast<std::size_t>(in.byte()) << 4;        // 0..4080
    apdu::ChannelOptions opts;
    opts.useExtendedLength = mode & 1;
    opts.chainPieceSize = (mode & 2) ? 16 : 0;
    opts.maxResponse = (mode & 4) ? 300 : 65536;

    const std::size_t answers = size;  // upper bound on the number of script entries
    ScriptedTransport t(in, mode & 8);
    apdu::Channel channel(t, opts);
    apdu::Command cmd(0x00, 0xCB, 0x3F, 0xFF, core::Bytes(dataLen, 0x5C), ne);
    auto rsp = channel.transmit(cmd);
    FUZZ_CHECK(t.sent <= answers + 1);
    FUZZ_CHECK(channel.apduCount() == t.sent);
    if (rsp) FUZZ_CHECK(rsp->data.size() <= std::max(opts.maxResponse, t.largest));
    return 0;
}
