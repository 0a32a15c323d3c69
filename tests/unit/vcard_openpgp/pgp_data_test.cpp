// SELECT, GET DATA of every data object, PUT DATA, certificates with SELECT DATA, private DOs,
// GET CHALLENGE, MSE and the factory wiring (openpgp, piv+openpgp).
#include <gtest/gtest.h>

#include "core/apdu/tlv.h"
#include "pgp_test_util.h"
#include "vcard/open_card.h"

namespace vcard::pgptest {
namespace {

Bytes value(ByteView data, apdu::Tag tag) {
    auto v = apdu::find(data, tag);
    EXPECT_TRUE(v) << std::hex << tag;
    return v ? Bytes(v->begin(), v->end()) : Bytes{};
}

TEST(PgpSelect, RidPixFullAidAndNoFciAreAccepted) {
    auto card = memoryCard();
    Host h(*card);
    Rsp r = h.raw("00A4040006D27600012401 00");
    EXPECT_EQ(swHex(r.sw), "9000");
    EXPECT_TRUE(r.data.empty()) << "the FCI is empty";
    EXPECT_EQ(h.sw("00A4040C06D27600012401"), "9000");  // P2=0C, as OpenSC sends it
    const Bytes aid = h.getData(0x004F).data;
    ASSERT_EQ(aid.size(), 16u);
    Bytes full = hexBytes("00A4040010");
    core::append(full, aid);
    EXPECT_EQ(swHex(h.raw(full).sw), "9000");
    EXPECT_EQ(h.sw("00A4040006D27600012402 00"), "6A82");  // another PIX
    EXPECT_EQ(h.sw("00A4040005D276000124 00"), "6A82");    // RID only
    EXPECT_EQ(h.sw("00A4040006D27600012401 00"), "9000");
}

TEST(PgpData, AidCarriesVersionManufacturerAndSerial) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    Rsp r = h.getData(0x004F);
    ASSERT_EQ(swHex(r.sw), "9000");
    ASSERT_EQ(r.data.size(), 16u);
    EXPECT_EQ(Bytes(r.data.begin(), r.data.begin() + 10), hexBytes("D2760001240103 04 FF00"));
    EXPECT_NE(Bytes(r.data.begin() + 10, r.data.begin() + 14), hexBytes("00000000")) << "random serial";
    EXPECT_EQ(Bytes(r.data.begin() + 14, r.data.end()), hexBytes("0000"));
    // Another card, another serial.
    auto other = memoryCard();
    Host h2(*other);
    h2.select();
    EXPECT_NE(h2.getData(0x004F).data, r.data);
}

TEST(PgpData, ApplicationRelatedDataOfAFreshCard) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    Rsp r = h.getData(0x006E);
    ASSERT_EQ(swHex(r.sw), "9000");
    auto inner = apdu::unwrap(r.data, 0x6E);
    ASSERT_TRUE(inner) << "6E comes in its own tag";
    EXPECT_EQ(value(*inner, 0x4F), h.getData(0x004F).data);
    EXPECT_EQ(value(*inner, 0x5F52), hexBytes("0031C573C00180059000"));
    EXPECT_FALSE(apdu::find(*inner, 0x7F66)) << "no extended length advertised";
    EXPECT_EQ(value(*inner, 0x7F74), hexBytes("810100"));
    const Bytes d = value(*inner, 0x73);
    EXPECT_EQ(value(d, 0xC0), hexBytes("7C0000FF080000FF0001"));
    for (apdu::Tag t : {0xC1u, 0xC2u, 0xC3u}) EXPECT_EQ(value(d, t), hexBytes(kRsa2048));
    EXPECT_EQ(value(d, 0xC4), hexBytes("007F7F7F030003"));
    EXPECT_EQ(value(d, 0xC5), Bytes(60, 0));
    EXPECT_EQ(value(d, 0xC6), Bytes(60, 0));
    EXPECT_EQ(value(d, 0xCD), Bytes(12, 0));
    EXPECT_EQ(value(d, 0xDE), hexBytes("010002000300"));
}

TEST(PgpData, EveryOtherDataObject) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    struct Case {
        uint16_t tag;
        std::string expect;  // hex of the data, SW 9000
    };
    const Case cases[] = {
        {0x5F52, "0031C573C00180059000"},
        {0x00C4, "007F7F7F030003"},
        {0x007A, "7A05 9303 000000"},
        {0x0093, "000000"},
        {0x0065, "6508 5B00 5F2D00 5F3500"},
        {0x005B, ""},
        {0x005E, ""},
        {0x5F50, ""},
        {0x7F21, ""},
        {0x7F74, "810100"},
        {0x00C0, "7C0000FF080000FF0001"},
        {0x00C1, "010800002000"},
        {0x00C5, std::string(120, '0')},
        {0x00DE, "010002000300"},
        {0x00D6, "0000"},
        {0x0101, ""},
        {0x0102, ""},
    };
    for (const auto& c : cases) {
        Rsp r = h.getData(c.tag);
        EXPECT_EQ(swHex(r.sw), "9000") << std::hex << c.tag;
        EXPECT_EQ(r.data, hexBytes(c.expect)) << std::hex << c.tag;
    }
    // Algorithm information lists what C1–C3 accept.
    Rsp fa = h.getData(0x00FA);
    ASSERT_EQ(swHex(fa.sw), "9000");
    auto all = apdu::parseAll(fa.data);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 18u);
    EXPECT_EQ(h.sw("00CA0103 00"), "6982");  // private DO 3 needs PW1 (82)
    EXPECT_EQ(h.sw("00CA0104 00"), "6982");  // private DO 4 needs PW3
    EXPECT_EQ(h.sw("00CA00F9 00"), "6A88");  // no KDF-DO
    EXPECT_EQ(h.sw("00CA0105 00"), "6A88");
    EXPECT_EQ(h.sw("00CA5F48 00"), "6A88");
    EXPECT_EQ(h.sw("00CA7F66 00"), "6A88");
    EXPECT_EQ(h.sw("00CA004F01 00 00"), "6A80");  // GET DATA takes no data
}

TEST(PgpData, PutDataNeedsPw3AndRoundTrips) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    EXPECT_EQ(swHex(h.putData(0x005B, ascii("Doe<<John"))), "6982");
    ASSERT_EQ(swHex(h.verify(0x82, "123456")), "9000");
    EXPECT_EQ(swHex(h.putData(0x005B, ascii("Doe<<John"))), "6982") << "PW1 is not enough";
    ASSERT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
    EXPECT_EQ(swHex(h.putData(0x005B, ascii("Doe<<John"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x5F2D, ascii("ende"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x5F35, hexBytes("31"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x5F50, ascii("https://example.org/key.asc"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x005E, ascii("jdoe"))), "9000");
    EXPECT_EQ(h.getData(0x0065).data, hexBytes("6516 5B09 446F653C3C4A6F686E 5F2D04 656E6465 5F3501 31"));
    EXPECT_EQ(h.getData(0x5F50).data, ascii("https://example.org/key.asc"));
    EXPECT_EQ(h.getData(0x005E).data, ascii("jdoe"));

    const Bytes fpr = hexBytes("00112233445566778899AABBCCDDEEFF00112233");
    EXPECT_EQ(swHex(h.putData(0x00C8, fpr)), "9000");
    EXPECT_EQ(swHex(h.putData(0x00CC, fpr)), "9000");
    EXPECT_EQ(swHex(h.putData(0x00CE, hexBytes("5F000001"))), "9000");
    Bytes c5(60, 0);
    std::copy(fpr.begin(), fpr.end(), c5.begin() + 20);
    EXPECT_EQ(h.getData(0x00C5).data, c5);
    Bytes c6(60, 0);
    std::copy(fpr.begin(), fpr.end(), c6.begin() + 40);
    EXPECT_EQ(h.getData(0x00C6).data, c6);
    EXPECT_EQ(h.getData(0x00CD).data, hexBytes("5F000001 00000000 00000000"));

    // Deleting with an empty value.
    EXPECT_EQ(swHex(h.putData(0x5F50, {})), "9000");
    EXPECT_EQ(h.getData(0x5F50).data, Bytes{});

    const struct {
        uint16_t tag;
        Bytes value;
        const char* sw;
    } bad[] = {
        {0x005B, Bytes(40, 'a'), "6700"},  {0x5F2D, ascii("e"), "6700"},     {0x5F2D, Bytes(9, 'e'), "6700"},
        {0x5F35, hexBytes("33"), "6A80"},  {0x5F35, hexBytes("3131"), "6700"}, {0x00C7, Bytes(19, 1), "6700"},
        {0x00CE, Bytes(5, 1), "6700"},     {0x00C4, hexBytes("02"), "6A80"},  {0x00C4, hexBytes("0001"), "6700"},
        {0x005E, Bytes(256, 'x'), "6700"}, {0x00F9, hexBytes("8101"), "6A88"}, {0x0106, hexBytes("01"), "6A88"},
        {0x00D6, hexBytes("0120"), "6A80"}, {0x004F, hexBytes("01"), "6A88"},
    };
    for (const auto& b : bad) EXPECT_EQ(swHex(h.putData(b.tag, b.value)), b.sw) << std::hex << b.tag;
    EXPECT_EQ(h.getData(0x0065).data, hexBytes("6516 5B09 446F653C3C4A6F686E 5F2D04 656E6465 5F3501 31"));
    EXPECT_EQ(h.getData(0x00C4).data, hexBytes("007F7F7F030003"));
}

TEST(PgpData, PrivateDataObjectsFollowTheirAccessConditions) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    ASSERT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
    EXPECT_EQ(swHex(h.putData(0x0101, ascii("one"))), "6982") << "0101 is written after PW1 (82)";
    EXPECT_EQ(swHex(h.putData(0x0102, ascii("two"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x0104, ascii("four"))), "9000");
    ASSERT_EQ(swHex(h.verify(0x82, "123456")), "9000");
    EXPECT_EQ(swHex(h.putData(0x0101, ascii("one"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x0103, ascii("three"))), "9000");
    h.select();  // drops every verification
    EXPECT_EQ(h.getData(0x0101).data, ascii("one"));
    EXPECT_EQ(h.getData(0x0102).data, ascii("two"));
    EXPECT_EQ(swHex(h.getData(0x0103).sw), "6982");
    EXPECT_EQ(swHex(h.getData(0x0104).sw), "6982");
    ASSERT_EQ(swHex(h.verify(0x82, "123456")), "9000");
    EXPECT_EQ(h.getData(0x0103).data, ascii("three"));
    ASSERT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
    EXPECT_EQ(h.getData(0x0104).data, ascii("four"));
}

TEST(PgpData, ThreeCertificatesThroughSelectData) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    ASSERT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
    EXPECT_EQ(h.sw("00A5020406 60045C027F21"), "9000");  // SIG
    Bytes big(2048, 0x5A);
    EXPECT_EQ(swHex(h.putData(0x7F21, big)), "9000");
    EXPECT_EQ(h.sw("00A5010404 5C027F21"), "9000");  // DEC, bare form
    EXPECT_EQ(swHex(h.putData(0x7F21, ascii("DECCERT"))), "9000");
    EXPECT_EQ(h.sw("00A5000406 60045C027F21"), "9000");  // AUT
    EXPECT_EQ(swHex(h.putData(0x7F21, ascii("AUTCERT"))), "9000");
    EXPECT_EQ(swHex(h.putData(0x7F21, Bytes(2049, 1))), "6700");

    h.select();  // back to occurrence 0 (AUT)
    EXPECT_EQ(h.getData(0x7F21).data, ascii("AUTCERT"));
    EXPECT_EQ(h.sw("00A5020406 60045C027F21"), "9000");
    Rsp sig = h.getData(0x7F21);
    EXPECT_EQ(swHex(sig.sw), "9000");
    EXPECT_EQ(sig.data, big);
    EXPECT_EQ(h.sw("00A5010406 60045C027F21"), "9000");
    EXPECT_EQ(h.getData(0x7F21).data, ascii("DECCERT"));

    EXPECT_EQ(h.sw("00A5030406 60045C027F21"), "6A88");  // no 4th occurrence
    EXPECT_EQ(h.sw("00A5000006 60045C027F21"), "6A86");
    EXPECT_EQ(h.sw("00A5000406 60045C025F50"), "6A88");  // only 7F21 has occurrences
    EXPECT_EQ(h.sw("00A5000403 600300"), "6A80");
    EXPECT_EQ(h.sw("00A50004"), "6A80");
    EXPECT_EQ(h.getData(0x7F21).data, ascii("DECCERT")) << "failed SELECT DATA keeps the occurrence";
}

TEST(PgpData, GetChallengeAndManageSecurityEnvironment) {
    auto card = memoryCard();
    Host h(*card);
    h.select();
    Rsp a = h.raw("0084000010");
    Rsp b = h.raw("0084000010");
    EXPECT_EQ(swHex(a.sw), "9000");
    EXPECT_EQ(a.data.size(), 16u);
    EXPECT_NE(a.data, b.data);
    EXPECT_EQ(h.raw("00840000FF").data.size(), 255u);
    EXPECT_EQ(h.sw("00840000"), "6700");
    EXPECT_EQ(h.sw("0084000000"), "6700");  // 256 > the advertised 255
    EXPECT_EQ(h.sw("0084010008"), "6A86");
    EXPECT_EQ(h.sw("002241B803 830103"), "9000");
    EXPECT_EQ(h.sw("002241A403 830102"), "9000");
    EXPECT_EQ(h.sw("002241A403 830101"), "6A80");
    EXPECT_EQ(h.sw("002241B604 83020102"), "6A86");
    EXPECT_EQ(h.sw("002281B803 830102"), "6A86");
    EXPECT_EQ(h.sw("002241B8"), "6A80");
    EXPECT_EQ(h.sw("00CC7F2100"), "6D00");  // GET NEXT DATA is not offered
}

TEST(PgpWiring, OpenPgpAloneIsImplicitlySelected) {
    auto card = memoryCard("openpgp");
    EXPECT_EQ(card->describe(), "OpenPGP card, in memory");
    Host h(*card);
    EXPECT_EQ(swHex(h.getData(0x004F).sw), "9000");
    EXPECT_EQ(h.sw("00A404000BA000000308000010000100 00"), "6A82") << "no PIV on this card";
}

TEST(PgpWiring, PivAndOpenPgpOnOneCardWithPivFirst) {
    auto card = memoryCard("piv,openpgp");
    EXPECT_EQ(card->describe(), "PIV+OpenPGP card, in memory");
    Host h(*card);
    EXPECT_EQ(h.sw("00FD000000"), "9000") << "PIV GET VERSION after power-up";
    EXPECT_EQ(h.sw("0020008000"), "63C3") << "PIV PIN reference";
    h.select();
    EXPECT_EQ(swHex(h.getData(0x004F).sw), "9000");
    EXPECT_EQ(h.sw("00FD000000"), "6D00") << "OpenPGP does not know PIV's INS";
    EXPECT_EQ(h.sw("00A4040009A00000030800001000 00"), "9000");
    EXPECT_EQ(h.sw("00CA004F00"), "6D00") << "PIV's GET DATA is CB";
    EXPECT_EQ(h.sw("00A4040C09A00000030800001000"), "6A86") << "PIV keeps refusing P2=0C";
    card->powerOff();
    card->powerOn();
    EXPECT_EQ(h.sw("00FD000000"), "9000");
    auto bad = createMemoryCard("pgp");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, core::Errc::InvalidArgument);
}

}  // namespace
}  // namespace vcard::pgptest
