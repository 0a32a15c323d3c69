// PW1 (81/82), PW3 and the resetting code: VERIFY with its status query and reset forms, blocking,
// CHANGE REFERENCE DATA, RESET RETRY COUNTER with RC and after PW3, "PW1 valid for one signature".
#include <gtest/gtest.h>

#include "core/apdu/tlv.h"
#include "pgp_test_util.h"

namespace vcard::pgptest {
namespace {

class PgpPin : public ::testing::Test {
  protected:
    void SetUp() override {
        card = memoryCard();
        h = std::make_unique<Host>(*card);
        h->select();
    }
    std::string status() { return core::toHex(h->getData(0x00C4).data); }

    std::unique_ptr<VirtualCard> card;
    std::unique_ptr<Host> h;
};

TEST_F(PgpPin, QueryReportsTriesAndIndependentPw1Modes) {
    EXPECT_EQ(h->sw("00200081"), "63C3");
    EXPECT_EQ(h->sw("00200082"), "63C3");
    EXPECT_EQ(h->sw("00200083"), "63C3");
    EXPECT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    EXPECT_EQ(h->sw("00200081"), "9000");
    EXPECT_EQ(h->sw("00200082"), "63C3") << "81 and 82 are separate states of one PIN";
    EXPECT_EQ(swHex(h->verify(0x82, "123456")), "9000");
    EXPECT_EQ(h->sw("00200082"), "9000");
    EXPECT_EQ(h->sw("0020FF81"), "9000");  // reset the 81 state only
    EXPECT_EQ(h->sw("00200081"), "63C3");
    EXPECT_EQ(h->sw("00200082"), "9000");
    h->select();  // SELECT drops every state
    EXPECT_EQ(h->sw("00200082"), "63C3");
    EXPECT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    EXPECT_EQ(h->sw("00200083"), "9000");
    card->reset();
    h->select();
    EXPECT_EQ(h->sw("00200083"), "63C3");
}

TEST_F(PgpPin, WrongPinsBlockPw1AndPw3Unblocks) {
    EXPECT_EQ(swHex(h->verify(0x81, "654321")), "6982");
    EXPECT_EQ(h->sw("00200081"), "63C2");
    EXPECT_EQ(swHex(h->verify(0x82, "654321")), "6982");
    EXPECT_EQ(status(), "007F7F7F010003");
    EXPECT_EQ(swHex(h->verify(0x81, "123456")), "9000") << "a good PIN restores the counter";
    EXPECT_EQ(status(), "007F7F7F030003");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(swHex(h->verify(0x82, "000000")), "6982");
    EXPECT_EQ(h->sw("00200081"), "6983");
    EXPECT_EQ(swHex(h->verify(0x81, "123456")), "6983") << "blocked even for the right PIN";
    EXPECT_EQ(status(), "007F7F7F000003");

    EXPECT_EQ(h->sw("002C028106 313131313131"), "6982") << "needs PW3";
    ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    EXPECT_EQ(h->sw("002C028105 3131313131"), "6A80") << "new PW1 too short";
    EXPECT_EQ(h->sw("002C028106 313131313131"), "9000");
    EXPECT_EQ(status(), "007F7F7F030003");
    EXPECT_EQ(swHex(h->verify(0x81, "123456")), "6982");
    EXPECT_EQ(swHex(h->verify(0x81, "111111")), "9000");
}

TEST_F(PgpPin, ImpossibleLengthsDoNotCostATry) {
    EXPECT_EQ(swHex(h->verify(0x81, "12345")), "6A80");
    EXPECT_EQ(swHex(h->verify(0x83, "1234567")), "6A80");
    EXPECT_EQ(swHex(h->verify(0x82, std::string(128, '1'))), "6A80");
    EXPECT_EQ(status(), "007F7F7F030003");
    EXPECT_EQ(h->sw("00200084"), "6A88");
    EXPECT_EQ(h->sw("00200080"), "6A88");
    EXPECT_EQ(h->sw("00200181"), "6A86");
    EXPECT_EQ(h->sw("0020FF8101 31"), "6700");
}

TEST_F(PgpPin, Pw3BlocksAfterThreeMisses) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(swHex(h->verify(0x83, "87654321")), "6982");
    EXPECT_EQ(h->sw("00200083"), "6983");
    EXPECT_EQ(swHex(h->verify(0x83, "12345678")), "6983");
    EXPECT_EQ(status(), "007F7F7F030000");
    EXPECT_EQ(swHex(h->putData(0x005B, ascii("x"))), "6982");
}

TEST_F(PgpPin, ResettingCodeUnblocksPw1) {
    EXPECT_EQ(h->sw("002C008110 31323334353637383132333435363738"), "6983") << "no resetting code yet";
    ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    EXPECT_EQ(swHex(h->putData(0x00D3, ascii("1234567"))), "6700");
    EXPECT_EQ(swHex(h->putData(0x00D3, ascii("RESET-CODE"))), "9000");
    EXPECT_EQ(status(), "007F7F7F030303");
    EXPECT_EQ(swHex(h->getData(0x00D3).sw), "6A88") << "never readable";
    for (int i = 0; i < 3; ++i) h->verify(0x81, "000000");
    ASSERT_EQ(status(), "007F7F7F000303");

    Bytes wrong = ascii("RESET-CODX");
    core::append(wrong, ascii("222222"));
    EXPECT_EQ(swHex(h->transmit(0x2C, 0x00, 0x81, wrong, 0).sw), "6982");
    EXPECT_EQ(status(), "007F7F7F000203");
    Bytes tooShort = ascii("RESET-CODE");
    core::append(tooShort, ascii("22222"));
    EXPECT_EQ(swHex(h->transmit(0x2C, 0x00, 0x81, tooShort, 0).sw), "6A80");
    Bytes good = ascii("RESET-CODE");
    core::append(good, ascii("222222"));
    EXPECT_EQ(swHex(h->transmit(0x2C, 0x00, 0x81, good, 0).sw), "9000");
    EXPECT_EQ(status(), "007F7F7F030303");
    EXPECT_EQ(swHex(h->verify(0x82, "222222")), "9000");
    EXPECT_EQ(h->sw("002C008210 31323334353637383132333435363738"), "6A88");
    EXPECT_EQ(h->sw("002C018106 313131313131"), "6A86");

    // Three wrong resetting codes block it; removing it reports 0 tries.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(swHex(h->transmit(0x2C, 0x00, 0x81, wrong, 0).sw), "6982");
    EXPECT_EQ(swHex(h->transmit(0x2C, 0x00, 0x81, good, 0).sw), "6983");
    ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    EXPECT_EQ(swHex(h->putData(0x00D3, {})), "9000");
    EXPECT_EQ(status(), "007F7F7F030003");
}

TEST_F(PgpPin, ChangeReferenceDataSplitsAtTheStoredLength) {
    ASSERT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    EXPECT_EQ(swHex(h->transmit(0x24, 0x00, 0x81, ascii("123456abcdefgh"), 0).sw), "9000");
    EXPECT_EQ(h->sw("00200081"), "63C3") << "changing drops the PW1 states";
    EXPECT_EQ(swHex(h->verify(0x81, "123456")), "6982");
    EXPECT_EQ(swHex(h->verify(0x81, "abcdefgh")), "9000");
    EXPECT_EQ(swHex(h->transmit(0x24, 0x00, 0x81, ascii("abcdefgX987654"), 0).sw), "6982");
    EXPECT_EQ(status(), "007F7F7F020003");
    EXPECT_EQ(h->sw("00200081"), "63C2") << "a miss drops the verification";
    EXPECT_EQ(swHex(h->transmit(0x24, 0x00, 0x81, ascii("abcdefgh98765"), 0).sw), "6A80") << "new too short";
    EXPECT_EQ(status(), "007F7F7F020003");
    EXPECT_EQ(swHex(h->transmit(0x24, 0x00, 0x83, ascii("12345678adminpin"), 0).sw), "9000");
    EXPECT_EQ(swHex(h->verify(0x83, "adminpin")), "9000");
    EXPECT_EQ(swHex(h->transmit(0x24, 0x00, 0x82, ascii("abcdefgh987654"), 0).sw), "6A88");
    EXPECT_EQ(swHex(h->transmit(0x24, 0x01, 0x81, ascii("987654"), 0).sw), "6A86");
    EXPECT_EQ(h->sw("0024008100"), "6A80");
}

TEST_F(PgpPin, Pw1IsValidForOneSignatureUnlessC4SaysOtherwise) {
    h->setAttributes(0, kP256Sign);
    h->generate(0);
    const Bytes cds = hexBytes("002A9E9A20 " + std::string(64, 'A') + " 00");
    ASSERT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    EXPECT_EQ(swHex(h->raw(cds).sw), "9000");
    EXPECT_EQ(swHex(h->raw(cds).sw), "6982") << "C4 byte 1 = 00: one signature per VERIFY";
    EXPECT_EQ(h->sw("00200081"), "63C3");
    ASSERT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    EXPECT_EQ(h->sw("002A9E9A21 " + std::string(66, 'A') + " 00"), "6A80");
    EXPECT_EQ(swHex(h->raw(cds).sw), "9000") << "a refused signature does not use up the verification";

    EXPECT_EQ(swHex(h->putData(0x00C4, hexBytes("01"))), "9000");
    EXPECT_EQ(status(), "017F7F7F030003");
    ASSERT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(swHex(h->raw(cds).sw), "9000");
    EXPECT_EQ(h->getData(0x0093).data, hexBytes("000005"));
}

}  // namespace
}  // namespace vcard::pgptest
