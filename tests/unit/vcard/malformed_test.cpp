// Malformed and unexpected APDUs: exact status words, no crash, no state change.
#include <gtest/gtest.h>

#include <random>

#include "card_test_util.h"
#include "core/apdu/tlv.h"
#include "vcard/open_card.h"

namespace vcard::test {
namespace {

TEST(Malformed, TableNeverChangesState) {
    TempDir dir;
    const auto path = dir.path() / "card";
    auto opened = openCard(path, "piv");
    ASSERT_TRUE(opened);
    auto& card = **opened;
    Host h(card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    h.generate(0x9C, 0x11);
    ASSERT_EQ(h.verify("123456"), 0x9000);    // fresh for one 9C signature
    Rsp w = h.raw("0087039B04 7C028000 00");  // pending witness
    ASSERT_EQ(swHex(w.sw), "9000");
    const Bytes fileBefore = readFile(path);

    struct Case {
        const char* apdu;
        const char* sw;
    };
    const Case cases[] = {
        {"00", "6700"},
        {"0087119C", "6A80"},                   // case 1 GA: no template
        {"0087119C05 7C03", "6700"},            // Lc larger than the data
        {"0087119C02 7C030000", "6700"},        // Lc smaller than the data
        {"0087119C04 7C058100", "6A80"},        // TLV overruns
        {"0087119C04 7C028181", "6A80"},        // inner length overruns
        {"0087119C06 7C04 8100 8100", "6A80"},  // duplicate member
        {"0087119C06 7C04 8200 8200", "6A80"},
        {"0087119C04 7C02 8200", "6A80"},           // no input
        {"0087119C08 7C06 8202AABB 8100", "6A80"},  // 82 must be empty
        {"0087119C24 7C22 8120 0000000000000000000000000000000000000000000000000000000000000000", "9000"},
        {"0087119C05 7D03 810100", "6A80"},       // not 7C
        {"0087119C07 7C03 810100 9000", "6A80"},  // trailing object
        {"0087079C04 7C028100", "6A86"},          // algorithm mismatch
        {"0087039B04 7C038001", "6A80"},          // bad TLV for 9B
        {"0087039B06 7C04 8002 0102", "6A80"},    // witness of the wrong size
        {"0020008007 31323334353636", "6A80"},
        {"00200280", "6A86"},
        {"002400800A 31323334353636FFFFFF", "6A80"},
        {"002C0080", "6A80"},
        {"00DB3FFF03 5C0101", "6A80"},
        {"00DB3FFF02 5300", "6A80"},
        {"00DB3FFF", "6A80"},
        {"0047009A", "6A80"},
        {"0047009A03 AC0180", "6A80"},
        {"0047009A05 AC03 8002 11", "6A80"},
        {"00FE119A02 0601", "6A80"},
        {"00FE119A03 0901AA", "6A80"},
        {"00FF FFFF03 039B18", "6A80"},
        {"00C0000000", "6985"},
        {"00C0010000", "6A86"},
        {"00F9000000", "6A86"},
        {"00F7000000", "6A86"},
        {"00FA0000", "6A86"},
        {"00FB0100", "6A86"},
        {"00A4000002 3F00", "6A86"},
        {"00A4040102 A000", "6A86"},
        {"00A4040006 A00000030801", "6A82"},
        {"00A4040010 A0000003080000100001000000000000", "6A82"},
        {"80870000", "6E00"},
        {"00E20000", "6D00"},
        {"00000000", "6D00"},
        {"10A4040005A000000308", "6884"},
        {"10C0000000", "6884"},
    };
    for (const auto& c : cases) {
        const std::string apdu = c.apdu;
        Rsp r = h.raw(apdu);
        EXPECT_EQ(swHex(r.sw), c.sw) << apdu;
        if (apdu.rfind("0087119C24", 0) == 0) {
            // The one well-formed GA in the table consumed the fresh PIN; restore it for the rest.
            ASSERT_EQ(h.verify("123456"), 0x9000);
        }
    }
    EXPECT_EQ(readFile(path), fileBefore) << "no malformed APDU touched persistent state";
    // Volatile state survived: the PIN is verified, the witness is still pending, admin still valid.
    EXPECT_EQ(swHex(h.raw("00200080").sw), "9000");
    uint16_t sw = 0;
    h.generalAuth(0x11, 0x9C, 0x81, Bytes(32, 7), &sw);
    EXPECT_EQ(swHex(sw), "9000") << "PIN-always freshness was not consumed by malformed commands";
    EXPECT_EQ(swHex(h.raw("00DB3FFF07 5C035FC10C 5300").sw), "9000") << "admin status kept";
    Bytes r1 = blockDecrypt(0x03, defaultMgmtKey(), ByteView(w.data).subspan(4));
    Bytes t = apdu::TlvBuilder().begin(0x7C).add(0x80, r1).add(0x81, Bytes(8, 2)).end().take();
    EXPECT_EQ(swHex(h.transmit(0x87, 0x03, 0x9B, t).sw), "9000") << "witness still pending";
}

TEST(Malformed, InterruptedGeneralAuthenticateChainHasNoEffect) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    h.generate(0x9C, 0x07);
    ASSERT_EQ(h.verify("123456"), 0x9000);
    Bytes tmpl =
        apdu::TlvBuilder().begin(0x7C).add(0x82, ByteView()).add(0x81, Bytes(256, 0x01)).end().take();
    Bytes first = {0x10, 0x87, 0x07, 0x9C, 0xFF};
    first.insert(first.end(), tmpl.begin(), tmpl.begin() + 255);
    ASSERT_EQ(swHex(h.raw(first).sw), "9000");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "9000");  // a different command interrupts the chain
    Bytes rest = {0x00, 0x87, 0x07, 0x9C, static_cast<uint8_t>(tmpl.size() - 255)};
    rest.insert(rest.end(), tmpl.begin() + 255, tmpl.end());
    rest.push_back(0x00);
    EXPECT_EQ(swHex(h.raw(rest).sw), "6A80") << "the tail alone is not a template";
    // The fresh PIN was not consumed by the interrupted chain.
    uint16_t sw = 0;
    Bytes sig = h.generalAuth(0x07, 0x9C, 0x81, Bytes(256, 0x01), &sw);
    EXPECT_EQ(swHex(sw), "9000");
    EXPECT_EQ(sig.size(), 256u);
}

TEST(Malformed, RandomApdusNeverCrash) {
    auto card = memoryCard();
    Host h(*card);
    std::mt19937 rng(12345);
    const uint8_t ins[] = {0xA4, 0xCB, 0xDB, 0x20, 0x24, 0x2C, 0x87, 0x47, 0xFE, 0xF7,
                           0xF9, 0xFD, 0xF8, 0xFF, 0xFA, 0xFB, 0xC0, 0x00, 0x6F};
    for (int i = 0; i < 5000; ++i) {
        Bytes a = {static_cast<uint8_t>(rng() % 4 == 0 ? rng() : (rng() % 2) * 0x10), ins[rng() % sizeof ins],
                   static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())};
        const std::size_t n = rng() % 40;
        for (std::size_t j = 0; j < n; ++j) a.push_back(static_cast<uint8_t>(rng() % 3 == 0 ? 0x7C : rng()));
        if (rng() % 2 && n > 0) a[4] = static_cast<uint8_t>(n - 1);
        Bytes out = card->process(a);
        ASSERT_GE(out.size(), 2u);
    }
    EXPECT_EQ(swHex(h.raw("00FD000000").sw), "9000");
}

}  // namespace
}  // namespace vcard::test
