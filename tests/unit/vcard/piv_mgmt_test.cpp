// Management key (9B): mutual and external authentication with 3DES and AES, SET MANAGEMENT KEY, METADATA.
#include <gtest/gtest.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"

namespace vcard::test {
namespace {

uint16_t setKey(Host& h, uint8_t alg, ByteView key, uint8_t touch = 0xFF) {
    Bytes d = {alg, 0x9B, static_cast<uint8_t>(key.size())};
    core::append(d, key);
    return h.transmit(0xFF, 0xFF, touch, d).sw;
}

// One-way authentication: 81 00 -> challenge, 82 E_K(challenge).
uint16_t external(Host& h, uint8_t alg, ByteView key, bool corrupt = false) {
    Rsp c = h.transmit(0x87, alg, 0x9B, hexBytes("7C028100"));
    if (c.sw != 0x9000) return c.sw;
    auto inner = apdu::unwrap(c.data, 0x7C);
    EXPECT_TRUE(inner);
    auto chal = apdu::find(*inner, 0x81);
    EXPECT_TRUE(chal);
    Bytes resp = blockEncrypt(alg, key, *chal);
    if (corrupt) resp[0] ^= 1;
    return h.transmit(0x87, alg, 0x9B, apdu::TlvBuilder().begin(0x7C).add(0x82, resp).end().take()).sw;
}

TEST(PivMgmt, DefaultKeyMutualAuthentication) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(h.authenticateDefault()), "9000");
    // Also without the trailing 82 00, and with members in another order.
    Rsp w = h.transmit(0x87, 0x03, 0x9B, hexBytes("7C028000"));
    ASSERT_EQ(swHex(w.sw), "9000");
    ASSERT_EQ(w.data.size(), 12u);
    Bytes r1 = blockDecrypt(0x03, defaultMgmtKey(), ByteView(w.data).subspan(4));
    Bytes r2 = hexBytes("1122334455667788");
    Bytes t = apdu::TlvBuilder().begin(0x7C).add(0x81, r2).add(0x80, r1).end().take();
    Rsp r = h.transmit(0x87, 0x03, 0x9B, t);
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(
        r.data,
        apdu::TlvBuilder().begin(0x7C).add(0x82, blockEncrypt(0x03, defaultMgmtKey(), r2)).end().take());
}

TEST(PivMgmt, WrongWitnessFailsAndIsSingleUse) {
    auto card = memoryCard();
    Host h(*card);
    Rsp w = h.transmit(0x87, 0x03, 0x9B, hexBytes("7C028000"));
    ASSERT_EQ(swHex(w.sw), "9000");
    Bytes r1 = blockDecrypt(0x03, defaultMgmtKey(), ByteView(w.data).subspan(4));
    Bytes bad = r1;
    bad[7] ^= 0x01;
    Bytes t = apdu::TlvBuilder().begin(0x7C).add(0x80, bad).add(0x81, Bytes(8, 1)).end().take();
    EXPECT_EQ(swHex(h.transmit(0x87, 0x03, 0x9B, t).sw), "6982");
    t = apdu::TlvBuilder().begin(0x7C).add(0x80, r1).add(0x81, Bytes(8, 1)).end().take();
    EXPECT_EQ(swHex(h.transmit(0x87, 0x03, 0x9B, t).sw), "6985") << "the witness was used up";
    EXPECT_EQ(swHex(h.raw("00DB3FFF05 5C035FC101").sw), "6982");
    // Wrong key altogether.
    EXPECT_EQ(swHex(h.authenticate(0x03, hexBytes("0102030405060708010203040506070801020304050607FF"))),
              "6982");
}

TEST(PivMgmt, ExternalAuthentication) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(external(h, 0x03, defaultMgmtKey(), true)), "6982");
    EXPECT_EQ(swHex(h.raw("00DB3FFF05 5C035FC101").sw), "6982");
    EXPECT_EQ(swHex(external(h, 0x03, defaultMgmtKey())), "9000");
    EXPECT_EQ(swHex(h.raw("00DB3FFF07 5C035FC101 5300").sw), "9000");
    // A response with no challenge outstanding.
    EXPECT_EQ(swHex(h.raw("0087039B0A 7C08 8208 0102030405060708").sw), "6700");
    EXPECT_EQ(swHex(h.raw("0087039B0C 7C0A 8208 0102030405060708").sw), "6985");
}

TEST(PivMgmt, AlgorithmMustMatchAndTemplateMustParse) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(swHex(h.raw("0087089B04 7C028000").sw), "6A86");
    EXPECT_EQ(swHex(h.raw("0087009B04 7C028000").sw), "9000") << "00 is an alias of 3DES";
    EXPECT_EQ(swHex(h.raw("0087039B04 7D028000").sw), "6A80");
    EXPECT_EQ(swHex(h.raw("0087039B04 7C038000").sw), "6A80");
    EXPECT_EQ(swHex(h.raw("0087039B06 7C0480008000").sw), "6A80");  // duplicate member
    EXPECT_EQ(swHex(h.raw("0087039B04 7C028300").sw), "6A80");      // unknown member
    EXPECT_EQ(swHex(h.raw("0087039B06 7C0480008100").sw), "6A80");  // both requests
    // Mutual step 2 with a short R2.
    Rsp w = h.raw("0087039B04 7C028000 00");
    Bytes r1 = blockDecrypt(0x03, defaultMgmtKey(), ByteView(w.data).subspan(4));
    Bytes t = apdu::TlvBuilder().begin(0x7C).add(0x80, r1).add(0x81, Bytes(7, 1)).end().take();
    EXPECT_EQ(swHex(h.transmit(0x87, 0x03, 0x9B, t).sw), "6A80");
    t = apdu::TlvBuilder().begin(0x7C).add(0x80, r1).add(0x81, Bytes(8, 1)).end().take();
    EXPECT_EQ(swHex(h.transmit(0x87, 0x03, 0x9B, t).sw), "9000") << "malformed step 2 kept the witness";
}

class PivMgmtAes : public ::testing::TestWithParam<std::pair<uint8_t, std::size_t>> {};

TEST_P(PivMgmtAes, SetAndUseAesKey) {
    const auto [alg, len] = GetParam();
    auto card = memoryCard();
    Host h(*card);
    Bytes key(len);
    for (std::size_t i = 0; i < len; ++i) key[i] = static_cast<uint8_t>(0xA0 + i);
    EXPECT_EQ(swHex(setKey(h, alg, key)), "6982");
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    EXPECT_EQ(swHex(setKey(h, alg, Bytes(len - 1, 1))), "6A80");
    EXPECT_EQ(swHex(setKey(h, alg, key, 0xFE)), "9000");
    EXPECT_EQ(h.raw("00F7009B00").data, (Bytes{0x01, 0x01, alg, 0x02, 0x02, 0x00, 0x02, 0x05, 0x01, 0x00}));
    card->reset();
    EXPECT_EQ(swHex(h.authenticateDefault()), "6A86");
    EXPECT_EQ(swHex(h.authenticate(alg, key)), "9000");
    card->reset();
    EXPECT_EQ(swHex(external(h, alg, key)), "9000");
    Rsp w = h.raw(Bytes{0x00, 0x87, alg, 0x9B, 0x04, 0x7C, 0x02, 0x80, 0x00, 0x00});
    EXPECT_EQ(w.data.size(), 2u + 2u + 16u);
}

INSTANTIATE_TEST_SUITE_P(AllSizes, PivMgmtAes,
                         ::testing::Values(std::make_pair<uint8_t, std::size_t>(0x08, 16),
                                           std::make_pair<uint8_t, std::size_t>(0x0A, 24),
                                           std::make_pair<uint8_t, std::size_t>(0x0C, 32)));

TEST(PivMgmt, SetManagementKeyChecks) {
    auto card = memoryCard();
    Host h(*card);
    EXPECT_EQ(h.raw("00F7009B00").data, hexBytes("010103 02020001 050101"));
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    const Bytes k3 = hexBytes("0F0E0D0C0B0A09080706050403020100F0E0D0C0B0A09080");
    EXPECT_EQ(swHex(h.transmit(0xFF, 0xFE, 0xFF, hexBytes("039B18")).sw), "6A86");
    EXPECT_EQ(swHex(h.transmit(0xFF, 0xFF, 0xFD, hexBytes("039B18")).sw), "6A86");
    EXPECT_EQ(swHex(h.transmit(0xFF, 0xFF, 0xFF, hexBytes("049B080102030405060708")).sw), "6A80");
    EXPECT_EQ(swHex(h.transmit(0xFF, 0xFF, 0xFF, hexBytes("039A18")).sw), "6A80");
    EXPECT_EQ(swHex(setKey(h, 0x03, k3)), "9000");
    EXPECT_EQ(h.raw("00F7009B00").data, hexBytes("010103 02020001 050100"));
    EXPECT_EQ(swHex(h.raw("00DB3FFF07 5C035FC101 5300").sw), "9000") << "still authenticated";
    card->reset();
    EXPECT_EQ(swHex(h.authenticateDefault()), "6982");
    EXPECT_EQ(swHex(h.authenticate(0x03, k3)), "9000");
}

}  // namespace
}  // namespace vcard::test
