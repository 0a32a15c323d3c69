// Card OS layer: ATR, APDU parsing, CLA checks, SELECT, command chaining, response chaining.
#include <gtest/gtest.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"
#include "vcard/card.h"

namespace vcard::test {
namespace {

TEST(CardAtr, OffersT1WithCorrectTck) {
    auto card = memoryCard();
    const Bytes atr = card->atr();
    ASSERT_EQ(atr.size(), 13u);
    EXPECT_EQ(atr[0], 0x3B);
    EXPECT_EQ(atr[1], 0x88);  // TD1 present, 8 historical bytes
    EXPECT_EQ(atr[2], 0x80);  // TD2 follows, T=0 indicated
    EXPECT_EQ(atr[3], 0x01);  // T=1
    EXPECT_EQ(std::string(atr.begin() + 4, atr.begin() + 12), "MeSignPV");
    uint8_t x = 0;
    for (std::size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
    EXPECT_EQ(x, 0) << "TCK must make T0..TCK XOR to zero";
    EXPECT_NE(atr, hexBytes("3B80800101"));
    EXPECT_EQ(card->describe(), "PIV card, in memory");
}

TEST(CardSelect, AcceptsFullTruncatedAndRidAids) {
    auto card = memoryCard();
    Host h(*card);
    const Bytes expectPrefix = hexBytes("4F06000010000100 7907 4F05A000000308");
    for (const char* apdu : {"00A404000BA000000308000010000100 00", "00A4040009A00000030800001000 00",
                             "00A4040005A000000308 00", "00A4040005A000000308"}) {
        Rsp r = h.raw(apdu);
        ASSERT_EQ(swHex(r.sw), "9000") << apdu;
        auto inner = apdu::unwrap(r.data, 0x61);
        ASSERT_TRUE(inner) << apdu;
        EXPECT_EQ(Bytes(inner->begin(), inner->begin() + 17), expectPrefix);
        auto ac = apdu::find(*inner, 0xAC);
        ASSERT_TRUE(ac);
        EXPECT_TRUE(apdu::find(*inner, 0x50));
    }
}

TEST(CardSelect, UnknownAidLeavesPivSelectedAndVerified) {
    auto card = memoryCard();
    Host h(*card);
    h.selectPiv();
    ASSERT_EQ(h.verify("123456"), 0x9000);
    EXPECT_EQ(swHex(h.raw("00A4040007A0000000041010 00").sw), "6A82");
    EXPECT_EQ(swHex(h.raw("00A4040004A0000003 00").sw), "6A82");  // shorter than the RID
    EXPECT_EQ(swHex(h.raw("00A4040000").sw), "6A82");             // no AID at all
    EXPECT_EQ(swHex(h.raw("0020008000").sw), "9000");             // PIV still current, PIN still verified
    // Re-selecting PIV keeps the security status.
    h.selectPiv();
    EXPECT_EQ(swHex(h.raw("00200080").sw), "9000");
}

TEST(CardSelect, OtherAidDeselectsPivAndResetsStatus) {
    auto card = memoryCard();
    Host h(*card);
    h.selectPiv();
    ASSERT_EQ(h.verify("123456"), 0x9000);
    EXPECT_EQ(swHex(h.raw("00A4040008A000000527471117").sw), "9000");  // Yubico management
    EXPECT_EQ(swHex(h.raw("00FD0000").sw), "6D00");                    // not PIV any more
    h.selectPiv();
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
    EXPECT_EQ(swHex(h.raw("00A4040007A0000005272001").sw), "9000");  // Yubico OTP
    h.selectPiv();
}

TEST(CardSelect, PivIsImplicitlySelectedAfterPowerUp) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(h.raw("00FD000000").sw), "9000");
    EXPECT_EQ(swHex(h.raw("00A4040008A000000527471117").sw), "9000");
    card->powerOff();
    card->powerOn();
    EXPECT_EQ(swHex(h.raw("00FD000000").sw), "9000");
}

TEST(CardOs, ClaAndInsChecks) {
    auto card = memoryCard();
    Host h(*card);
    h.selectPiv();
    EXPECT_EQ(swHex(h.raw("80FD000000").sw), "6E00");
    EXPECT_EQ(swHex(h.raw("0CFD000000").sw), "6E00");
    EXPECT_EQ(swHex(h.raw("01FD000000").sw), "6E00");
    EXPECT_EQ(swHex(h.raw("FFFD000000").sw), "6E00");
    EXPECT_EQ(swHex(h.raw("0012000000").sw), "6D00");
    EXPECT_EQ(swHex(h.raw("00B0000000").sw), "6D00");
    EXPECT_EQ(swHex(h.raw("10FD0000").sw), "6884") << "chaining not allowed for GET VERSION";
}

TEST(CardOs, MalformedApdusGet6700) {
    auto card = memoryCard();
    Host h(*card);
    for (const char* bad :
         {"", "00", "00A4", "00A404", "00A404000A A0000003", "00CB3FFF05 5C035FC1",
          "00CB3FFF05 5C035FC10200 00", "00CB3FFF 00 0005 5C03", "00CB3FFF 00 00", "00CB3FFF 00 0000 00"}) {
        EXPECT_EQ(swHex(h.raw(bad).sw), "6700") << bad;
    }
}

TEST(CardOs, ExtendedLengthApdusAreAccepted) {
    auto card = memoryCard();
    Host h(*card);
    // GET DATA CHUID, case 4E.
    Rsp r = h.raw("00CB3FFF 000005 5C035FC102 0000");
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(r.data[0], 0x53);
}

TEST(CardOs, LongResponsesUseGetResponse) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    Bytes content(1000);
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i);
    Bytes put = hexBytes("5C035FC105");
    core::append(put, apdu::encodeTlv(0x53, content));
    ASSERT_EQ(swHex(h.transmit(0xDB, 0x3F, 0xFF, put).sw), "9000");

    Rsp r = h.raw("00CB3FFF05 5C035FC105 00");
    ASSERT_EQ(swHex(r.sw), "6100");  // 1004 bytes: 256 now, 748 left
    ASSERT_EQ(r.data.size(), 256u);
    Bytes all = r.data;
    r = h.raw("00C0000010");  // a smaller Le is honoured
    ASSERT_EQ(swHex(r.sw), "6100");
    ASSERT_EQ(r.data.size(), 16u);
    all.insert(all.end(), r.data.begin(), r.data.end());
    while ((r.sw >> 8) == 0x61) {
        r = h.raw("00C0000000");
        all.insert(all.end(), r.data.begin(), r.data.end());
    }
    EXPECT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(all, apdu::encodeTlv(0x53, content));

    // GET RESPONSE with nothing pending, and another command discarding the rest.
    EXPECT_EQ(swHex(h.raw("00C0000000").sw), "6985");
    r = h.raw("00CB3FFF05 5C035FC105 00");
    EXPECT_EQ(swHex(r.sw), "6100");
    EXPECT_EQ(swHex(h.raw("00FD000000").sw), "9000");
    EXPECT_EQ(swHex(h.raw("00C0000000").sw), "6985");
    // Le smaller than the data: first Le bytes and 61xx.
    r = h.raw("00FD000002");
    EXPECT_EQ(r.data, hexBytes("0504"));
    EXPECT_EQ(swHex(r.sw), "6101");
    r = h.raw("00C0000001");
    EXPECT_EQ(r.data, hexBytes("03"));
    EXPECT_EQ(swHex(r.sw), "9000");
}

TEST(CardOs, ExtendedLeReturnsLongResponsesAtOnce) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    Bytes put = hexBytes("5C035FC105");
    core::append(put, apdu::encodeTlv(0x53, Bytes(2000, 0x5A)));
    apdu::Command ext(0x00, 0xDB, 0x3F, 0xFF, put);
    ASSERT_EQ(swHex(h.raw(*ext.encode()).sw), "9000") << "extended Lc, no chaining";
    Rsp r = h.raw("00CB3FFF 000005 5C035FC105 0000");
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(r.data.size(), 2004u);
    r = h.raw("00CB3FFF 000005 5C035FC105 0400");
    EXPECT_EQ(swHex(r.sw), "6100");
    EXPECT_EQ(r.data.size(), 1024u);
}

TEST(CardOs, ChainedPutDataIn255BytePieces) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    Bytes content(3063, 0xA5);
    Bytes put = hexBytes("5C035FC10A");
    core::append(put, apdu::encodeTlv(0x53, content));
    ASSERT_GT(put.size(), 255u * 12);
    Rsp w = h.transmit(0xDB, 0x3F, 0xFF, put);
    ASSERT_EQ(swHex(w.sw), "9000");
    Rsp r = h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC10A"));
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(r.data, apdu::encodeTlv(0x53, content));
}

TEST(CardOs, MismatchedContinuationIsRejectedAndChainDropped) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    const Bytes first = hexBytes("10DB3FFF09 5C035FC10A 53820100");  // announces 256 content bytes
    ASSERT_EQ(swHex(h.raw(first).sw), "9000");
    // Same INS, other P1/P2.
    EXPECT_EQ(swHex(h.raw("00DB3FFE03 010203").sw), "6883");
    // The chain is gone: a lone final piece is a fresh (and here malformed) PUT DATA.
    Bytes tail(250, 0x11);
    Bytes last = hexBytes("00DB3FFFFA");
    core::append(last, tail);
    EXPECT_EQ(swHex(h.raw(last).sw), "6A80");
    EXPECT_EQ(swHex(h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC10A")).sw), "6A82");

    // A chained piece of another command in the middle of a chain.
    ASSERT_EQ(swHex(h.raw(first).sw), "9000");
    EXPECT_EQ(swHex(h.raw("1087079C03 7C0182").sw), "6883");
    // A foreign command abandons the chain and is executed normally.
    ASSERT_EQ(swHex(h.raw(first).sw), "9000");
    EXPECT_EQ(swHex(h.raw("00FD000000").sw), "9000");
    EXPECT_EQ(swHex(h.raw(last).sw), "6A80");
}

TEST(CardOs, ChainsAreBounded) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    Bytes piece = hexBytes("10DB3FFFFF");
    piece.resize(5 + 255, 0x00);
    uint16_t sw = 0x9000;
    int n = 0;
    while (sw == 0x9000 && n < 200) {
        sw = h.raw(piece).sw;
        ++n;
    }
    EXPECT_EQ(swHex(sw), "6A84");
    EXPECT_EQ(n, static_cast<int>(16 * 1024 / 255) + 1);
}

TEST(CardOs, PowerEventsDropVolatileState) {
    auto card = memoryCard();
    Host h(*card);
    h.selectPiv();
    ASSERT_EQ(h.verify("123456"), 0x9000);
    card->reset();
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
    ASSERT_EQ(h.verify("123456"), 0x9000);
    card->powerOff();
    card->powerOn();
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
    // Pending response dropped.
    Rsp r = h.raw("00FD000001");
    EXPECT_EQ(swHex(r.sw), "6102");
    card->reset();
    EXPECT_EQ(swHex(h.raw("00C0000002").sw), "6985");
    // Chain dropped.
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    ASSERT_EQ(swHex(h.raw("10DB3FFF05 5C035FC10A").sw), "9000");
    card->reset();
    EXPECT_EQ(swHex(h.raw("00DB3FFF04 53020102").sw), "6982") << "admin status lost too";
}

}  // namespace
}  // namespace vcard::test
