// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, SET PIN RETRIES, RESET.
#include <gtest/gtest.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"

namespace vcard::test {
namespace {

Bytes twoBlocks(std::string_view a, std::string_view b) {
    Bytes d = pinBlock(a);
    core::append(d, pinBlock(b));
    return d;
}

uint16_t change(Host& h, uint8_t ref, std::string_view oldV, std::string_view newV) {
    Bytes cmd = {0x00, 0x24, 0x00, ref, 0x10};
    core::append(cmd, twoBlocks(oldV, newV));
    return h.raw(cmd).sw;
}

uint16_t unblock(Host& h, std::string_view puk, std::string_view newPin) {
    Bytes cmd = {0x00, 0x2C, 0x00, 0x80, 0x10};
    core::append(cmd, twoBlocks(puk, newPin));
    return h.raw(cmd).sw;
}

TEST(PivPin, QueryVerifyAndReset) {
    auto card = memoryCard();
    Host h(*card);
    h.selectPiv();
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
    EXPECT_EQ(swHex(h.verify("123456")), "9000");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "9000");
    EXPECT_EQ(swHex(h.raw("0020FF80").sw), "9000");  // log out
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
    EXPECT_EQ(swHex(h.raw("0020018008 313233343536FFFF").sw), "6A86");
    EXPECT_EQ(swHex(h.raw("0020008108 3132333435363738").sw), "6A88");
    EXPECT_EQ(swHex(h.raw("0020000008 313233343536FFFF").sw), "6A88");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3") << "nothing above touched the counter";
}

TEST(PivPin, WrongPinCountsDownAndBlocks) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(h.verify("654321")), "63C2");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C2");
    EXPECT_EQ(swHex(h.verify("123456")), "9000");  // resets the counter
    EXPECT_EQ(swHex(h.verify("000000")), "63C2");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C2") << "a wrong PIN clears the verified status";
    EXPECT_EQ(swHex(h.verify("000000")), "63C1");
    EXPECT_EQ(swHex(h.verify("000000")), "63C0");
    EXPECT_EQ(swHex(h.verify("123456")), "6983");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "6983");
    EXPECT_EQ(swHex(h.verify("1234567")), "6983");
}

TEST(PivPin, FormatErrorsDoNotCount) {
    auto card = memoryCard();
    Host h(*card);
    for (const char* bad : {"0020008008 3132333435FFFFFF",    // 5 digits
                            "0020008008 31323334353641FF",    // letter
                            "0020008008 313233FF34353636",    // padding in the middle
                            "0020008007 313233343536FF",      // 7 bytes
                            "0020008009 313233343536FFFFFF",  // 9 bytes
                            "0020008008 FFFFFFFFFFFFFFFF"}) {
        EXPECT_EQ(swHex(h.raw(bad).sw), "6A80") << bad;
    }
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
    EXPECT_EQ(swHex(h.verify("12345678")), "63C2") << "8 digits are well-formed";
}

TEST(PivPin, ChangePinAndPuk) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(change(h, 0x80, "111111", "222222")), "63C2");
    EXPECT_EQ(swHex(change(h, 0x80, "123456", "22a222")), "6A80");
    EXPECT_EQ(swHex(change(h, 0x80, "123456", "87654321")), "9000");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "9000") << "changing sets the PIN verified";
    EXPECT_EQ(swHex(h.raw("00200080").sw), "9000");
    h.raw("0020FF80");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3") << "counter reset by the successful change";
    EXPECT_EQ(swHex(h.verify("123456")), "63C2");
    EXPECT_EQ(swHex(h.verify("87654321")), "9000");

    EXPECT_EQ(swHex(change(h, 0x81, "00000000", "11111111")), "63C2");
    EXPECT_EQ(swHex(change(h, 0x81, "12345678", "12345")), "6A80");
    EXPECT_EQ(swHex(change(h, 0x81, "12345678", "abcdefgh")), "9000");
    EXPECT_EQ(swHex(unblock(h, "12345678", "123456")), "63C2");
    EXPECT_EQ(swHex(unblock(h, "abcdefgh", "123456")), "9000");

    EXPECT_EQ(swHex(change(h, 0x00, "123456", "123456")), "6A88");
    EXPECT_EQ(swHex(change(h, 0x9B, "123456", "123456")), "6A88");
    EXPECT_EQ(swHex(h.raw("0024018010 31323334353637383132333435363738").sw), "6A86");
    EXPECT_EQ(swHex(h.raw("002400800F 313233343536FFFF31323334353637").sw), "6A80");
}

TEST(PivPin, UnblockWithPuk) {
    auto card = memoryCard();
    Host h(*card);
    for (int i = 0; i < 3; ++i) h.verify("000000");
    ASSERT_EQ(swHex(h.verify("123456")), "6983");
    EXPECT_EQ(swHex(change(h, 0x80, "123456", "654321")), "6983");
    EXPECT_EQ(swHex(unblock(h, "12345678", "12ab56")), "6A80");
    EXPECT_EQ(swHex(unblock(h, "87654321", "654321")), "63C2");
    EXPECT_EQ(swHex(unblock(h, "12345678", "654321")), "9000");
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3") << "unblock does not verify the PIN";
    EXPECT_EQ(swHex(h.verify("654321")), "9000");
    EXPECT_EQ(swHex(h.raw("002C008110 3132333435363738313233343536FFFF").sw), "6A88");
    EXPECT_EQ(swHex(h.raw("002C018010 3132333435363738313233343536FFFF").sw), "6A86");

    // Block the PUK.
    for (int i = 0; i < 3; ++i) unblock(h, "00000000", "123456");
    EXPECT_EQ(swHex(unblock(h, "12345678", "123456")), "6983");
    EXPECT_EQ(swHex(change(h, 0x81, "12345678", "12345678")), "6983");
}

TEST(PivPin, MetadataReportsCounters) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(h.raw("00F7008000").data, hexBytes("0101FF 050101 06020303"));
    h.verify("000000");
    EXPECT_EQ(h.raw("00F7008000").data, hexBytes("0101FF 050101 06020302"));
    EXPECT_EQ(h.raw("00F7008100").data, hexBytes("0101FF 050101 06020303"));
    EXPECT_EQ(swHex(change(h, 0x80, "123456", "999999")), "9000");
    EXPECT_EQ(h.raw("00F7008000").data, hexBytes("0101FF 050100 06020303"));
}

TEST(PivPin, SetPinRetriesNeedsAdminAndPin) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(h.raw("00FA0505").sw), "6982");
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    EXPECT_EQ(swHex(h.raw("00FA0505").sw), "6982");
    ASSERT_EQ(swHex(change(h, 0x80, "123456", "111111")), "9000");
    EXPECT_EQ(swHex(h.raw("00FA0005").sw), "6A86");
    EXPECT_EQ(swHex(h.raw("00FA0506").sw), "9000");
    EXPECT_EQ(h.raw("00F7008000").data, hexBytes("0101FF 050101 06020505"));
    EXPECT_EQ(h.raw("00F7008100").data, hexBytes("0101FF 050101 06020606"));
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C5");
    EXPECT_EQ(swHex(h.verify("123456")), "9000") << "PIN back to the default";
}

TEST(PivPin, ResetOnlyWhenPinAndPukBlocked) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    h.generate(0x9E, 0x11);
    Bytes put = hexBytes("5C035FC101 5303 010203");
    ASSERT_EQ(swHex(h.transmit(0xDB, 0x3F, 0xFF, put).sw), "9000");
    Bytes chuidBefore = h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC102")).data;
    Bytes serialBefore = h.raw("00F8000000").data;
    EXPECT_EQ(swHex(h.raw("00FB0000").sw), "6985");
    for (int i = 0; i < 3; ++i) h.verify("000000");
    EXPECT_EQ(swHex(h.raw("00FB0000").sw), "6985") << "PUK not blocked yet";
    for (int i = 0; i < 3; ++i) unblock(h, "00000000", "123456");
    EXPECT_EQ(swHex(h.raw("00FB0000").sw), "9000");
    EXPECT_EQ(swHex(h.raw("00F7009E00").sw), "6A88") << "keys wiped";
    EXPECT_EQ(swHex(h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC101")).sw), "6A82");
    EXPECT_EQ(swHex(h.verify("123456")), "9000");
    EXPECT_NE(h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC102")).data, chuidBefore) << "new GUID";
    EXPECT_EQ(h.raw("00F8000000").data, serialBefore);
    EXPECT_EQ(swHex(h.raw("00F700F900").sw), "9000") << "attestation key kept";
    EXPECT_EQ(swHex(h.raw("00DB3FFF05 5C035FC101").sw), "6982") << "admin status dropped";
    EXPECT_EQ(swHex(h.authenticateDefault()), "9000") << "default management key";
}

}  // namespace
}  // namespace vcard::test
