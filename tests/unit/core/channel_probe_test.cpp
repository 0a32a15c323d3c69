// The channel's extended-length probe (ChannelOptions::probeExtendedLength) over a scripted card: what
// decides yes, what decides no, what decides nothing, and what never probes.
#include <gtest/gtest.h>

#include <deque>

#include "core/apdu/channel.h"
#include "core/transport/in_process_transport.h"

using namespace apdu;
using core::Errc;
using core::hexBytes;

namespace {

Bytes cat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

struct Script {
    std::deque<std::pair<Bytes, Bytes>> steps;
    std::vector<Bytes> seen;
    transport::InProcessTransport transport(bool readerExtended = true) {
        transport::InProcessTransport t({[this](core::ByteView cmd) {
                                             seen.emplace_back(cmd.begin(), cmd.end());
                                             if (steps.empty()) {
                                                 ADD_FAILURE() << "unexpected " << core::toHex(seen.back());
                                                 return hexBytes("6F00");
                                             }
                                             auto [want, rsp] = steps.front();
                                             steps.pop_front();
                                             EXPECT_EQ(core::toHex(seen.back()), core::toHex(want));
                                             return rsp;
                                         },
                                         [] { return hexBytes("3B80800101"); }, [] {}});
        t.setExtendedLength(readerExtended);
        return t;
    }
};

const Bytes kTagList = hexBytes("5C035FC105");  // GET DATA of the 9A certificate object
Command certRead() {
    return Command(0x00, 0xCB, 0x3F, 0xFF, kTagList, 65536);
}
const Bytes kExtendedRead = hexBytes("00CB3FFF0000055C035FC1050000");
const Bytes kShortRead = hexBytes("00CB3FFF055C035FC10500");

Bytes filled(std::size_t n, uint8_t v) {
    return Bytes(n, v);
}

ChannelOptions probing() {
    ChannelOptions o;
    o.probeExtendedLength = true;
    return o;
}

// An RSA-2048 GENERAL AUTHENTICATE input: more data than a short APDU carries.
Command bigSign() {
    return Command(0x00, 0x87, 0x07, 0x9A, filled(266, 0x55), 65536);
}

}  // namespace

TEST(ChannelProbe, AnsweredProbeTurnsExtendedLengthOnForWhatFollows) {
    Script s;
    s.steps.push_back({kExtendedRead, cat(filled(900, 0xAB), hexBytes("9000"))});
    const Bytes sign = *bigSign().encode(true);
    s.steps.push_back({sign, cat(filled(264, 0x11), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    EXPECT_EQ(ch.extendedLength(), std::nullopt);
    auto r = ch.transmitOk(certRead(), "GET DATA");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(*r, filled(900, 0xAB));
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(true));
    auto g = ch.transmitOk(bigSign(), "GENERAL AUTHENTICATE");
    ASSERT_TRUE(g) << g.error().describe();
    EXPECT_EQ(g->size(), 264u);
    EXPECT_EQ(ch.apduCount(), 2u) << "one APDU per command, no chaining, no GET RESPONSE";
    EXPECT_TRUE(s.steps.empty());
}

TEST(ChannelProbe, ProbeAnsweredWith61xxCollectsTheRest) {
    Script s;
    s.steps.push_back({kExtendedRead, cat(filled(10, 1), hexBytes("6105"))});
    s.steps.push_back({hexBytes("00C0000005"), cat(filled(5, 2), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    auto r = ch.transmitOk(certRead(), "GET DATA");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->size(), 15u);
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(true));
}

TEST(ChannelProbe, WrongLengthFallsBackToShortAndIsRemembered) {
    Script s;
    s.steps.push_back({kExtendedRead, hexBytes("6700")});
    s.steps.push_back({kShortRead, cat(filled(256, 3), hexBytes("6110"))});
    s.steps.push_back({hexBytes("00C0000010"), cat(filled(16, 4), hexBytes("9000"))});
    // What follows: a chained signature, and a read that no longer probes.
    Bytes first = hexBytes("1087079AFF");
    first.insert(first.end(), 255, 0x55);
    Bytes last = hexBytes("0087079A0B");
    last.insert(last.end(), 11, 0x55);
    last.push_back(0x00);
    s.steps.push_back({first, hexBytes("9000")});
    s.steps.push_back({last, cat(filled(20, 5), hexBytes("9000"))});
    s.steps.push_back({kShortRead, cat(filled(8, 6), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    auto r = ch.transmitOk(certRead(), "GET DATA");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->size(), 272u);
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(false));
    ASSERT_TRUE(ch.transmitOk(bigSign(), "GENERAL AUTHENTICATE"));
    ASSERT_TRUE(ch.transmitOk(certRead(), "GET DATA"));
    EXPECT_TRUE(s.steps.empty());
}

TEST(ChannelProbe, WrongLeFallsBackToShort) {
    Script s;
    s.steps.push_back({kExtendedRead, hexBytes("6C20")});
    s.steps.push_back({kShortRead, hexBytes("6C20")});
    s.steps.push_back({hexBytes("00CB3FFF055C035FC10520"), cat(filled(32, 7), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    auto r = ch.transmitOk(certRead(), "GET DATA");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(*r, filled(32, 7));
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(false));
}

TEST(ChannelProbe, TransportRefusalFallsBackToShort) {
    Script s;
    s.steps.push_back({kShortRead, cat(filled(4, 8), hexBytes("9000"))});
    auto t = s.transport();
    // A reader that cannot carry the extended APDU: SCardTransmit fails, the card never saw it.
    t.failNextTransmit(core::Error(Errc::Transport, "SCardTransmit: Transaction failed"));
    Channel ch(t, probing());
    auto r = ch.transmitOk(certRead(), "GET DATA");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(*r, filled(4, 8));
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(false));
    EXPECT_EQ(ch.apduCount(), 2u);
}

TEST(ChannelProbe, LostConnectionDecidesNothing) {
    Script s;
    auto t = s.transport();
    t.failNextTransmit(core::Error(Errc::CardRemoved, "card pulled"));
    Channel ch(t, probing());
    auto r = ch.transmit(certRead());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardRemoved);
    EXPECT_EQ(ch.extendedLength(), std::nullopt);
}

TEST(ChannelProbe, OtherStatusWordsDecideNothingAndTheNextReadProbesAgain) {
    Script s;
    s.steps.push_back({kExtendedRead, hexBytes("6A82")});
    s.steps.push_back({kShortRead, hexBytes("6A82")});
    s.steps.push_back({kExtendedRead, cat(filled(3, 9), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    auto r = ch.transmit(certRead());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->sw, 0x6A82) << "the short answer is the one reported";
    EXPECT_EQ(ch.extendedLength(), std::nullopt);
    ASSERT_TRUE(ch.transmitOk(certRead(), "GET DATA"));
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(true));
}

TEST(ChannelProbe, OnlyReadsProbe) {
    Script s;
    // An EC signature (short data, Le 65536) and a big RSA one while the probe is pending: both short.
    s.steps.push_back({hexBytes("0087119A04AABBCCDD00"), cat(filled(72, 1), hexBytes("9000"))});
    Bytes first = hexBytes("1087079AFF");
    first.insert(first.end(), 255, 0x55);
    Bytes last = hexBytes("0087079A0B");
    last.insert(last.end(), 11, 0x55);
    last.push_back(0x00);
    s.steps.push_back({first, hexBytes("9000")});
    s.steps.push_back({last, cat(filled(20, 5), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    ASSERT_TRUE(ch.transmitOk(Command(0x00, 0x87, 0x11, 0x9A, hexBytes("AABBCCDD"), 65536), "GA"));
    ASSERT_TRUE(ch.transmitOk(bigSign(), "GA"));
    EXPECT_EQ(ch.extendedLength(), std::nullopt);
    EXPECT_TRUE(s.steps.empty());
}

TEST(ChannelProbe, ReaderWithoutExtendedLengthNeverProbes) {
    Script s;
    s.steps.push_back({kShortRead, cat(filled(4, 8), hexBytes("9000"))});
    auto t = s.transport(/*readerExtended=*/false);
    Channel ch(t, probing());
    ASSERT_TRUE(ch.transmitOk(certRead(), "GET DATA"));
    EXPECT_EQ(ch.extendedLength(), std::nullopt) << "the card's answer is still unknown";
}

TEST(ChannelProbe, KnowledgeFromElsewhereEndsTheProbe) {
    Script s;
    s.steps.push_back({kShortRead, cat(filled(4, 8), hexBytes("9000"))});
    s.steps.push_back({kExtendedRead, cat(filled(4, 8), hexBytes("9000"))});
    auto t = s.transport();
    Channel ch(t, probing());
    ch.setExtendedLength(false);
    EXPECT_EQ(ch.extendedLength(), std::optional<bool>(false));
    ASSERT_TRUE(ch.transmitOk(certRead(), "GET DATA"));
    ch.setExtendedLength(true);
    ASSERT_TRUE(ch.transmitOk(certRead(), "GET DATA"));
    EXPECT_TRUE(s.steps.empty());
}
