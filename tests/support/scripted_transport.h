// Scripted transport for card-application tests (PIV, OpenPGP): each expectation is one exact command
// APDU and the raw response (data || SW) to give back. Anything unexpected, and any expectation left over
// when the fake is destroyed (or verify() is called), fails the current test.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/transport/transport.h"

namespace testsupport {

using core::Bytes;
using core::ByteView;

// Bytes given either as hex text ("00 A4 04 00") or as a byte vector.
struct ApduBytes {
    Bytes bytes;
    ApduBytes(const char* hex) : bytes(core::hexBytes(hex)) {}
    ApduBytes(std::string_view hex) : bytes(core::hexBytes(hex)) {}
    ApduBytes(Bytes b) : bytes(std::move(b)) {}
};

class FakeTransport final : public transport::Transport {
  public:
    FakeTransport() = default;
    ~FakeTransport() override;

    // Hex strings may contain spaces. The response includes the status word.
    FakeTransport& expect(ApduBytes command, ApduBytes response);
    // The transport fails this command with `error` (e.g. Errc::CardReset) instead of answering.
    FakeTransport& expectError(Bytes command, core::Error error);
    // A card answer longer than one short response: the first 256 bytes with 61xx, then the GET
    // RESPONSE exchanges a card makes (iso7816.md §3). `sw` ends the last piece.
    FakeTransport& expectChunked(Bytes command, ByteView data, uint16_t sw = 0x9000);
    // A command sent with chaining: 255-byte pieces with CLA|10 (each answered 9000), the last one
    // with Le when ne != 0, answered by `response` (data || SW).
    FakeTransport& expectChained(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, ByteView data, bool withLe,
                                 Bytes response);
    // The next beginTransaction() fails once with `error`.
    void failNextBegin(core::Error error) { m_beginFailure = std::move(error); }

    // Fails the test if expectations remain; clears them.
    void verify();
    std::size_t pending() const { return m_script.size(); }
    std::size_t exchanged() const { return m_sent.size(); }
    const std::vector<Bytes>& sent() const { return m_sent; }
    // Per exchanged APDU: the number of the outermost transaction it ran in (1-based), 0 = none.
    const std::vector<int>& transactionOfApdu() const { return m_transactionOfApdu; }
    int transactionDepth() const { return m_depth; }
    int transactionsBegun() const { return m_transactions; }

    core::Result<Bytes> transmit(ByteView command) override;
    core::Result<Bytes> atr() override;
    core::Status reset() override;
    core::Status beginTransaction() override;
    void endTransaction() override;
    std::string readerName() const override { return "Fake reader"; }
    bool supportsExtendedLength() const override { return m_extended; }
    void setExtendedLength(bool on) { m_extended = on; }

  private:
    struct Step {
        Bytes command;
        Bytes response;
        std::optional<core::Error> error;
    };
    std::deque<Step> m_script;
    std::optional<core::Error> m_beginFailure;
    std::vector<int> m_transactionOfApdu;
    std::vector<Bytes> m_sent;
    int m_depth = 0;
    bool m_extended = false;
    int m_transactions = 0;
};

}  // namespace testsupport
