// Yubico MOVE KEY / DELETE KEY (INS F6, firmware 5.7): P1 = destination slot or FF (delete), P2 = source.
#include <gtest/gtest.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"

namespace vcard::test {
namespace {

class PivMoveKey : public ::testing::Test {
  protected:
    void SetUp() override {
        card = memoryCard();
        h = std::make_unique<Host>(*card);
        h->selectPiv();
    }
    std::string metadataSw(uint8_t slot) { return swHex(h->transmit(0xF7, 0x00, slot).sw); }
    std::unique_ptr<VirtualCard> card;
    std::unique_ptr<Host> h;
};

TEST_F(PivMoveKey, DeleteNeedsTheManagementKeyAndRemovesOnlyTheKey) {
    EXPECT_EQ(swHex(h->raw("00F6FF9A").sw), "6982") << "management key first";
    EXPECT_EQ(swHex(h->raw("00F6829A").sw), "6982");
    ASSERT_EQ(h->authenticateDefault(), 0x9000);
    const Bytes pub = h->generate(0x9A, 0x11);
    ASSERT_FALSE(pub.empty());
    ASSERT_EQ(swHex(h->transmit(0xDB, 0x3F, 0xFF, hexBytes("5C035FC105 5303 700130")).sw), "9000");
    EXPECT_EQ(swHex(h->raw("00F6FF9A").sw), "9000");
    EXPECT_EQ(metadataSw(0x9A), "6A88");
    EXPECT_EQ(swHex(h->raw("00F6FF9A").sw), "6A88") << "nothing left to delete";
    // The key is gone for signing too; the certificate object is not the key's and stays.
    uint16_t sw = 0;
    h->generalAuth(0x11, 0x9A, 0x81, Bytes(32, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A88");
    Rsp obj = h->transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC105"));
    EXPECT_EQ(swHex(obj.sw), "9000");
    EXPECT_EQ(obj.data, hexBytes("5303700130"));
}

TEST_F(PivMoveKey, MoveToAnEmptySlot) {
    ASSERT_EQ(h->authenticateDefault(), 0x9000);
    const Bytes pub = h->generate(0x9C, 0x11);
    ASSERT_FALSE(pub.empty());
    h->generate(0x9D, 0x11);
    EXPECT_EQ(swHex(h->raw("00F69D9C").sw), "6985") << "destination occupied";
    EXPECT_EQ(swHex(h->raw("00F69C9C").sw), "6A86") << "same slot";
    EXPECT_EQ(swHex(h->raw("00F6F99C").sw), "6A86") << "not into the attestation slot";
    EXPECT_EQ(swHex(h->raw("00F6829B").sw), "6A86") << "9B is not a key slot";
    EXPECT_EQ(swHex(h->raw("00F682F9").sw), "6A86") << "the attestation key does not move";
    EXPECT_EQ(swHex(h->raw("00F6829C0100").sw), "6700") << "no data";

    ASSERT_EQ(swHex(h->raw("00F6829C").sw), "9000");
    EXPECT_EQ(metadataSw(0x9C), "6A88");
    Rsp md = h->transmit(0xF7, 0x00, 0x82);
    ASSERT_EQ(swHex(md.sw), "9000");
    auto pk = apdu::find(md.data, 0x04);
    ASSERT_TRUE(pk);
    EXPECT_EQ(Bytes(pk->begin(), pk->end()), pub) << "the same key, now in 82";
    // Policies travel with the key: 9C's PIN-always stays.
    auto pol = apdu::find(md.data, 0x02);
    ASSERT_TRUE(pol);
    EXPECT_EQ((*pol)[0], 0x03);
    EXPECT_EQ(swHex(h->raw("00F6FF82").sw), "9000");
    EXPECT_EQ(metadataSw(0x82), "6A88");
}

}  // namespace
}  // namespace vcard::test
