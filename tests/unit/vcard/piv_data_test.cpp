// GET DATA / PUT DATA and the objects of a new card.
#include <gtest/gtest.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"

namespace vcard::test {
namespace {

Bytes getData(Host& h, std::string_view tagHex, uint16_t* sw = nullptr) {
    const Bytes tag = hexBytes(tagHex);
    Rsp r = h.transmit(0xCB, 0x3F, 0xFF, apdu::encodeTlv(0x5C, tag));
    if (sw) *sw = r.sw;
    return r.data;
}

uint16_t putObject(Host& h, std::string_view tagHex, ByteView content) {
    Bytes d = apdu::encodeTlv(0x5C, hexBytes(tagHex));
    core::append(d, apdu::encodeTlv(0x53, content));
    return h.transmit(0xDB, 0x3F, 0xFF, d).sw;
}

TEST(PivData, NewCardHasChuidCccDiscoveryAndAttestationCert) {
    auto card = memoryCard();
    Host h(*card);
    h.selectPiv();
    uint16_t sw = 0;
    Bytes chuid = getData(h, "5FC102", &sw);
    ASSERT_EQ(swHex(sw), "9000");
    auto c = apdu::unwrap(chuid, 0x53);
    ASSERT_TRUE(c);
    auto fascn = apdu::find(*c, 0x30);
    auto guid = apdu::find(*c, 0x34);
    ASSERT_TRUE(fascn && guid);
    EXPECT_EQ(fascn->size(), 25u);
    EXPECT_EQ(guid->size(), 16u);
    EXPECT_TRUE(apdu::find(*c, 0xFE));

    // Another card has another GUID.
    auto card2 = memoryCard();
    Host h2(*card2);
    Bytes chuid2 = getData(h2, "5FC102");
    EXPECT_NE(chuid, chuid2);

    Bytes ccc = getData(h, "5FC107", &sw);
    ASSERT_EQ(swHex(sw), "9000");
    auto cc = apdu::unwrap(ccc, 0x53);
    ASSERT_TRUE(cc);
    auto f5 = apdu::find(*cc, 0xF5);
    ASSERT_TRUE(f5);
    EXPECT_EQ(Bytes(f5->begin(), f5->end()), hexBytes("10"));

    Bytes disc = getData(h, "7E", &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_EQ(disc, hexBytes("7E12 4F0BA0000003080000100001 00 5F2F024000"));

    Bytes att = getData(h, "5FFF01", &sw);
    ASSERT_EQ(swHex(sw), "9000");
    auto a = apdu::unwrap(att, 0x53);
    ASSERT_TRUE(a);
    auto der = apdu::find(*a, 0x70);
    ASSERT_TRUE(der);
    EXPECT_EQ((*der)[0], 0x30);
}

TEST(PivData, AbsentAndUnknownObjects) {
    auto card = memoryCard();
    Host h(*card);
    uint16_t sw = 0;
    getData(h, "5FC105", &sw);
    EXPECT_EQ(swHex(sw), "6A82");
    getData(h, "5FC10C", &sw);
    EXPECT_EQ(swHex(sw), "6A82");
    getData(h, "5FC1FF", &sw);
    EXPECT_EQ(swHex(sw), "6A82");
    getData(h, "7F61", &sw);
    EXPECT_EQ(swHex(sw), "6A82");
    EXPECT_EQ(swHex(h.raw("00CB3FFF03 5D017E 00").sw), "6A80");      // not a 5C
    EXPECT_EQ(swHex(h.raw("00CB3FFF04 5C037E 00").sw), "6A80");      // truncated TLV
    EXPECT_EQ(swHex(h.raw("00CB3FFE05 5C035FC102 00").sw), "6A86");  // wrong P1/P2
    EXPECT_EQ(swHex(h.raw("00CB3FFF00").sw), "6A80");                // no data (case 2)
}

TEST(PivData, PinProtectedObjectsNeedVerify) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    const Bytes printed = hexBytes("0104 4A4F484E FE00");
    ASSERT_EQ(swHex(putObject(h, "5FC109", printed)), "9000");
    uint16_t sw = 0;
    getData(h, "5FC109", &sw);
    EXPECT_EQ(swHex(sw), "6982");
    getData(h, "5FC103", &sw);  // absent, but protected: no leak
    EXPECT_EQ(swHex(sw), "6982");
    ASSERT_EQ(h.verify("123456"), 0x9000);
    EXPECT_EQ(getData(h, "5FC109", &sw), apdu::encodeTlv(0x53, printed));
    EXPECT_EQ(swHex(sw), "9000");
    getData(h, "5FC103", &sw);
    EXPECT_EQ(swHex(sw), "6A82");
}

TEST(PivData, PutDataNeedsAdmin) {
    auto card = memoryCard();
    Host h(*card);
    const Bytes cert = hexBytes("7003 300100 710100 FE00");
    EXPECT_EQ(swHex(putObject(h, "5FC105", cert)), "6982");
    ASSERT_EQ(h.verify("123456"), 0x9000);
    EXPECT_EQ(swHex(putObject(h, "5FC105", cert)), "6982") << "the PIN is not the admin key";
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    EXPECT_EQ(swHex(putObject(h, "5FC105", cert)), "9000");
    uint16_t sw = 0;
    EXPECT_EQ(getData(h, "5FC105", &sw), apdu::encodeTlv(0x53, cert));
    // 53 00 deletes.
    EXPECT_EQ(swHex(putObject(h, "5FC105", {})), "9000");
    getData(h, "5FC105", &sw);
    EXPECT_EQ(swHex(sw), "6A82");
}

TEST(PivData, DiscoveryInAllThreeForms) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    const Bytes disc = hexBytes("7E12 4F0BA0000003080000100001 00 5F2F024840");
    // Bare 7E template.
    EXPECT_EQ(swHex(h.transmit(0xDB, 0x3F, 0xFF, disc).sw), "9000");
    EXPECT_EQ(getData(h, "7E"), disc);
    // 5C 01 7E 53 <7E ...> (yubico-piv-tool).
    Bytes other = disc;
    other.back() = 0x00;
    other[other.size() - 2] = 0x40;
    Bytes d = hexBytes("5C017E");
    core::append(d, apdu::encodeTlv(0x53, other));
    EXPECT_EQ(swHex(h.transmit(0xDB, 0x3F, 0xFF, d).sw), "9000");
    EXPECT_EQ(getData(h, "7E"), other);
    // 5C 01 7E 53 <inner content>.
    EXPECT_EQ(swHex(putObject(h, "7E", Bytes(disc.begin() + 2, disc.end()))), "9000");
    EXPECT_EQ(getData(h, "7E"), disc);
}

TEST(PivData, SizeLimitsAndBadForms) {
    auto card = memoryCard();
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    EXPECT_EQ(swHex(putObject(h, "5FC105", Bytes(3063, 1))), "9000");
    EXPECT_EQ(swHex(putObject(h, "5FC105", Bytes(3064, 1))), "6A84");
    uint16_t sw = 0;
    EXPECT_EQ(getData(h, "5FC105", &sw).size(), 4u + 3063u) << "the old object is unchanged";
    EXPECT_EQ(swHex(putObject(h, "5FC0FF", Bytes(3, 1))), "6A80");     // not a PIV tag
    EXPECT_EQ(swHex(putObject(h, "5FC1", Bytes(3, 1))), "6A80");       // tag too short
    EXPECT_EQ(swHex(h.raw("00DB3FFF05 5C035FC105").sw), "6A80");       // no 53
    EXPECT_EQ(swHex(h.raw("00DB3FFF07 5C035FC105 5305").sw), "6A80");  // 53 overruns
    EXPECT_EQ(swHex(h.raw("00DB3FFF09 5C035FC105 5302AAAA 00").sw), "9000") << "trailing 00 is padding";
    EXPECT_EQ(swHex(h.raw("00DB3FFF0A 5C035FC105 5302AAAA 5300").sw), "6A80");
    EXPECT_EQ(swHex(h.raw("00DB3FFE05 5C035FC105").sw), "6A86");
    // Yubico objects are storable.
    EXPECT_EQ(swHex(putObject(h, "5FFF10", Bytes(10, 2))), "9000");
    // Total capacity is bounded.
    int i = 0;
    uint16_t last = 0x9000;
    for (; i < 40 && last == 0x9000; ++i) {
        char tag[8];
        std::snprintf(tag, sizeof tag, "5FFF%02X", 0x20 + i);
        last = putObject(h, tag, Bytes(3000, 3));
    }
    EXPECT_EQ(swHex(last), "6A84");
    EXPECT_LT(i, 40);
}

}  // namespace
}  // namespace vcard::test
