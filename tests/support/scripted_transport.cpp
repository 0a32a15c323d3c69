#include "tests/support/scripted_transport.h"

#include <gtest/gtest.h>

namespace testsupport {

FakeTransport::~FakeTransport() {
    verify();
}

FakeTransport& FakeTransport::expect(ApduBytes command, ApduBytes response) {
    m_script.push_back({std::move(command.bytes), std::move(response.bytes), std::nullopt});
    return *this;
}

FakeTransport& FakeTransport::expectError(Bytes command, core::Error error) {
    m_script.push_back({std::move(command), {}, std::move(error)});
    return *this;
}

FakeTransport& FakeTransport::expectChunked(Bytes command, ByteView data, uint16_t sw) {
    std::size_t off = 0;
    Bytes cmd = std::move(command);
    for (;;) {
        const std::size_t n = std::min<std::size_t>(256, data.size() - off);
        Bytes rsp(data.begin() + static_cast<std::ptrdiff_t>(off),
                  data.begin() + static_cast<std::ptrdiff_t>(off + n));
        off += n;
        const std::size_t left = data.size() - off;
        if (left == 0) {
            rsp.push_back(static_cast<uint8_t>(sw >> 8));
            rsp.push_back(static_cast<uint8_t>(sw));
            expect(std::move(cmd), std::move(rsp));
            return *this;
        }
        const uint8_t xx = left >= 256 ? 0x00 : static_cast<uint8_t>(left);
        rsp.push_back(0x61);
        rsp.push_back(xx);
        expect(std::move(cmd), std::move(rsp));
        cmd = {0x00, 0xC0, 0x00, 0x00, xx};
    }
}

FakeTransport& FakeTransport::expectChained(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, ByteView data,
                                            bool withLe, Bytes response) {
    std::size_t off = 0;
    while (data.size() - off > 255) {
        Bytes piece{static_cast<uint8_t>(cla | 0x10), ins, p1, p2, 0xFF};
        piece.insert(piece.end(), data.begin() + static_cast<std::ptrdiff_t>(off),
                     data.begin() + static_cast<std::ptrdiff_t>(off + 255));
        expect(std::move(piece), Bytes{0x90, 0x00});
        off += 255;
    }
    Bytes last{cla, ins, p1, p2, static_cast<uint8_t>(data.size() - off)};
    last.insert(last.end(), data.begin() + static_cast<std::ptrdiff_t>(off), data.end());
    if (withLe) last.push_back(0x00);
    return expect(std::move(last), std::move(response));
}

void FakeTransport::verify() {
    for (const auto& s : m_script)
        ADD_FAILURE() << "expected APDU never sent: " << core::toHex(s.command, " ");
    m_script.clear();
}

core::Result<Bytes> FakeTransport::transmit(ByteView command) {
    m_transactionOfApdu.push_back(m_depth > 0 ? m_transactions : 0);
    m_sent.emplace_back(command.begin(), command.end());
    const std::string got = core::toHex(command, " ");
    if (m_script.empty()) {
        ADD_FAILURE() << "unexpected APDU: " << got;
        return core::fail(core::Errc::Transport, "fake transport: unexpected APDU");
    }
    Step step = std::move(m_script.front());
    m_script.pop_front();
    if (!std::equal(command.begin(), command.end(), step.command.begin(), step.command.end())) {
        ADD_FAILURE() << "APDU mismatch\n  expected: " << core::toHex(step.command, " ")
                      << "\n  actual:   " << got;
        return core::fail(core::Errc::Transport, "fake transport: APDU mismatch");
    }
    if (step.error) return core::fail(*step.error);
    return step.response;
}

core::Result<Bytes> FakeTransport::atr() {
    return core::hexBytes("3B 88 80 01 50 49 56 45 4D 55 30 31 1A");
}

core::Status FakeTransport::reset() {
    return {};
}

core::Status FakeTransport::beginTransaction() {
    if (m_beginFailure) {
        auto e = std::move(*m_beginFailure);
        m_beginFailure.reset();
        return core::fail(std::move(e));
    }
    if (m_depth++ == 0) ++m_transactions;
    return {};
}

void FakeTransport::endTransaction() {
    if (m_depth == 0) {
        ADD_FAILURE() << "endTransaction without beginTransaction";
        return;
    }
    --m_depth;
}

}  // namespace testsupport
