#include "core/apdu/tlv.h"

#include <gtest/gtest.h>

using namespace apdu;
using core::Errc;
using core::hexBytes;

TEST(Tlv, ReadsOneTwoAndThreeByteTagsAndLongLengths) {
    Bytes data = hexBytes("7C 02 8200 5FC105 03 010203 7F49 81 02 AABB");
    auto all = parseAll(data);
    ASSERT_TRUE(all) << all.error().describe();
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].tag, 0x7Cu);
    EXPECT_EQ((*all)[1].tag, 0x5FC105u);
    EXPECT_EQ((*all)[1].value.size(), 3u);
    EXPECT_EQ((*all)[2].tag, 0x7F49u);
    EXPECT_EQ(Bytes((*all)[2].value.begin(), (*all)[2].value.end()), hexBytes("AABB"));
    EXPECT_EQ((*all)[1].raw.size(), 7u);
}

TEST(Tlv, TwoByteLengthForm) {
    Bytes value(300, 0x11);
    Bytes enc = encodeTlv(0x53, value);
    EXPECT_EQ(Bytes(enc.begin(), enc.begin() + 4), hexBytes("5382012C"));
    auto v = unwrap(enc, 0x53);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->size(), 300u);
}

TEST(Tlv, MinimalLengthEncoding) {
    Bytes out;
    appendLength(out, 127);
    appendLength(out, 128);
    appendLength(out, 255);
    appendLength(out, 256);
    EXPECT_EQ(out, hexBytes("7F 8180 81FF 820100"));
}

TEST(Tlv, RejectsMalformedInputWithClearErrors) {
    const char* bad[] = {
        "53",            // missing length
        "5305 0102",     // value runs past the end
        "5F",            // truncated tag
        "5FC1",          // tag continues past the end
        "53 80",         // indefinite length
        "53 85 0000000001",  // length field too long
        "53 82 01",      // truncated length
        "5FFFFFFF7F 00", // tag longer than 4 bytes
    };
    for (const char* hex : bad) {
        auto r = parseAll(hexBytes(hex));
        ASSERT_FALSE(r) << hex;
        EXPECT_EQ(r.error().code, Errc::Malformed) << hex;
        EXPECT_NE(r.error().message.find("offset"), std::string::npos);
    }
}

TEST(Tlv, SkipsPaddingBetweenObjects) {
    auto all = parseAll(hexBytes("00 4F0100 FF FF 500141 00 00"));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 2u);
}

TEST(Tlv, FindAndUnwrap) {
    Bytes data = hexBytes("610A 4F06000010000100 7900");
    auto inner = unwrap(data, 0x61);
    ASSERT_TRUE(inner);
    auto pix = find(*inner, 0x4F);
    ASSERT_TRUE(pix);
    EXPECT_EQ(pix->size(), 6u);
    auto missing = find(*inner, 0x50);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::NotFound);
    EXPECT_NE(missing.error().message.find("50"), std::string::npos);
    EXPECT_FALSE(unwrap(data, 0x7C));                         // wrong outer tag
    EXPECT_FALSE(unwrap(hexBytes("530100 530100"), 0x53));   // trailing object
}

TEST(Tlv, BuilderNestsAndPatchesLengths) {
    TlvBuilder b;
    b.begin(0x7C).add(0x82, {}).add(0x81, Bytes(200, 0x01)).end();
    Bytes out = b.take();
    // 7C 81 CD { 82 00, 81 81 C8 <200> }
    EXPECT_EQ(Bytes(out.begin(), out.begin() + 8), hexBytes("7C81CD 8200 8181C8"));
    EXPECT_EQ(out.size(), 3u + 2u + 3u + 200u);
    auto inner = unwrap(out, 0x7C);
    ASSERT_TRUE(inner);
    auto chal = find(*inner, 0x81);
    ASSERT_TRUE(chal);
    EXPECT_EQ(chal->size(), 200u);

    TlvBuilder nested;
    nested.begin(0xAC).addByte(0x80, 0x11).begin(0xAA).end().end();
    EXPECT_EQ(nested.take(), hexBytes("AC05 800111 AA00"));
}

TEST(Tlv, ThreeByteTagEncoding) {
    EXPECT_EQ(encodeTlv(0x5FC102, hexBytes("01")), hexBytes("5FC102 01 01"));
    EXPECT_EQ(encodeTlv(0x7F49, {}), hexBytes("7F49 00"));
}
