#include "core/apdu/channel.h"

#include <gtest/gtest.h>

#include <deque>

#include "core/transport/in_process_transport.h"

using namespace apdu;
using core::Errc;
using core::hexBytes;

namespace {
// Scripted card: each exchange must match the next expected command exactly.
Bytes cat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

struct Script {
    std::deque<std::pair<Bytes, Bytes>> steps;
    std::vector<Bytes> seen;
    transport::InProcessTransport transport() {
        return transport::InProcessTransport({[this](core::ByteView cmd) {
                                                  seen.emplace_back(cmd.begin(), cmd.end());
                                                  if (steps.empty()) return hexBytes("6F00");
                                                  auto [want, rsp] = steps.front();
                                                  steps.pop_front();
                                                  EXPECT_EQ(core::toHex(Bytes(cmd.begin(), cmd.end())),
                                                            core::toHex(want));
                                                  return rsp;
                                              },
                                              [] { return hexBytes("3B80800101"); }, [] {}});
    }
};
}  // namespace

TEST(Channel, ShortCommandPassesThrough) {
    Script s;
    s.steps.push_back({hexBytes("00A4040005A00000030800"), hexBytes("61024F009000")});
    auto t = s.transport();
    Channel ch(t);
    auto r = ch.transmit(Command(0x00, 0xA4, 0x04, 0x00, hexBytes("A000000308"), 256));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->sw, 0x9000);
    EXPECT_EQ(r->data, hexBytes("61024F00"));
    EXPECT_EQ(ch.apduCount(), 1u);
}

TEST(Channel, ChainsLongDataIn255BytePieces) {
    Bytes data(266);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
    Bytes first = hexBytes("1087079CFF");
    first.insert(first.end(), data.begin(), data.begin() + 255);
    Bytes last = hexBytes("0087079C0B");
    last.insert(last.end(), data.begin() + 255, data.end());
    last.push_back(0x00);
    Script s;
    s.steps.push_back({first, hexBytes("9000")});
    s.steps.push_back({last, cat(Bytes(256, 0xEE), hexBytes("6108"))});
    s.steps.push_back({hexBytes("00C0000008"), hexBytes("0102030405060708 9000")});
    auto t = s.transport();
    Channel ch(t);
    auto r = ch.transmit(Command(0x00, 0x87, 0x07, 0x9C, data, 256));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->sw, 0x9000);
    ASSERT_EQ(r->data.size(), 264u);
    EXPECT_EQ(r->data.back(), 0x08);
    EXPECT_TRUE(s.steps.empty());
    EXPECT_EQ(ch.apduCount(), 3u);
}

TEST(Channel, GetResponseLoopAcrossSeveralPieces) {
    Script s;
    s.steps.push_back({hexBytes("00CB3FFF055C035FC10500"), cat(Bytes(256, 1), hexBytes("6100"))});
    s.steps.push_back({hexBytes("00C0000000"), cat(Bytes(256, 2), hexBytes("6110"))});
    s.steps.push_back({hexBytes("00C0000010"), cat(Bytes(16, 3), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t);
    auto r = ch.transmitOk(Command(0x00, 0xCB, 0x3F, 0xFF, hexBytes("5C035FC105"), 256), "GET DATA");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 528u);
    EXPECT_EQ((*r)[0], 1);
    EXPECT_EQ((*r)[300], 2);
    EXPECT_EQ(r->back(), 3);
}

TEST(Channel, WrongLeIsResentWithTheExactLength) {
    Script s;
    s.steps.push_back({hexBytes("00CA006E00"), hexBytes("6C05")});
    s.steps.push_back({hexBytes("00CA006E05"), hexBytes("0102030405 9000")});
    auto t = s.transport();
    Channel ch(t);
    auto r = ch.transmitOk(Command(0x00, 0xCA, 0x00, 0x6E, {}, 256), "GET DATA");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, hexBytes("0102030405"));
}

TEST(Channel, RefusedChainPieceEndsTheChain) {
    Script s;
    Bytes data(300, 0x55);
    Bytes first = hexBytes("10DB3FFFFF");
    first.insert(first.end(), data.begin(), data.begin() + 255);
    s.steps.push_back({first, hexBytes("6982")});
    auto t = s.transport();
    Channel ch(t);
    auto r = ch.transmitOk(Command(0x00, 0xDB, 0x3F, 0xFF, data), "PUT DATA");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::SecurityNotSatisfied);
    EXPECT_EQ(s.seen.size(), 1u);
}

TEST(Channel, ExtendedLengthWhenBothSidesSupportIt) {
    Bytes data(300, 0x77);
    Bytes raw = *Command(0x00, 0xDB, 0x3F, 0xFF, data).encode(true);
    Script s;
    s.steps.push_back({raw, hexBytes("9000")});
    auto t = s.transport();
    t.setExtendedLength(true);
    Channel ch(t, ChannelOptions{.useExtendedLength = true});
    auto r = ch.transmitOk(Command(0x00, 0xDB, 0x3F, 0xFF, data), "PUT DATA");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(ch.apduCount(), 1u);
}

TEST(Channel, TransportErrorsPropagate) {
    Script s;
    auto t = s.transport();
    t.failNextTransmit(core::Error(Errc::CardRemoved, "card pulled"));
    Channel ch(t);
    auto r = ch.transmit(Command(0x00, 0xA4, 0x04, 0x00));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardRemoved);
}

TEST(Channel, BoundsAccumulatedResponses) {
    Script s;
    s.steps.push_back({hexBytes("00CB3FFF00"), cat(Bytes(256, 1), hexBytes("6100"))});
    for (int i = 0; i < 8; ++i) s.steps.push_back({hexBytes("00C0000000"), cat(Bytes(256, 2), hexBytes("6100"))});
    auto t = s.transport();
    Channel ch(t, ChannelOptions{.maxResponse = 1024});
    auto r = ch.transmit(Command(0x00, 0xCB, 0x3F, 0xFF, {}, 256));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Malformed);
}
