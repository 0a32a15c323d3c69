#include "card-apps/piv/piv_containers.h"

#include <gtest/gtest.h>

#include "card-apps/piv/piv_constants.h"
#include "core/apdu/tlv.h"
#include "tests/unit/piv/test_keys.h"

namespace piv::test {
namespace {

using apdu::encodeTlv;
using core::Errc;

TEST(PivContainers, DecodesYubiKeySelectAnswer) {
    auto info = decodeSelectResponse(h("61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08"));
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->aid, h("00 00 10 00 01 00"));
    EXPECT_TRUE(info->algorithms.empty());
}

TEST(PivContainers, DecodesPivAppletSelectAnswerWithAlgorithms) {
    const std::string aid = "A0 00 00 03 08 00 00 10 00 01 00";
    auto info = decodeSelectResponse(h("61 3D 4F 0B " + aid + " 79 0D 4F 0B " + aid +
                                       " 50 09 50 69 76 41 70 70 6C 65 74"
                                       " AC 14 80 01 03 80 01 06 80 01 07 80 01 11 80 01 F0 80 01 F1 06 00"));
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->aid, h(aid));
    EXPECT_EQ(info->label, "PivApplet");
    EXPECT_EQ(info->algorithms, (std::vector<uint8_t>{0x03, 0x06, 0x07, 0x11, 0xF0, 0xF1}));
}

TEST(PivContainers, RejectsSelectAnswerWithoutTemplateOrAid) {
    EXPECT_EQ(decodeSelectResponse(h("4F 06 00 00 10 00 01 00")).error().code, Errc::Malformed);
    EXPECT_EQ(decodeSelectResponse(h("61 09 79 07 4F 05 A0 00 00 03 08")).error().code, Errc::Malformed);
    EXPECT_EQ(decodeSelectResponse(h("61 11 4F 06 00 00")).error().code, Errc::Malformed);
}

TEST(PivContainers, DecodesYubicoChuidTemplateAndRoundTrips) {
    const std::string guid = "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF";
    const Bytes content =
        h("30 19 D4 E7 39 DA 73 9C ED 39 CE 73 9D 83 68 58 21 08 42 10 84 21 C8 42 10 C3 EB"
          " 34 10 " +
          guid + " 35 08 32 30 33 30 30 31 30 31 3E 00 FE 00");
    auto c = decodeChuid(content);
    ASSERT_TRUE(c) << c.error().describe();
    EXPECT_EQ(c->fascn.size(), 25u);
    EXPECT_EQ(c->guid, h(guid));
    EXPECT_EQ(c->expiration, "20300101");
    EXPECT_TRUE(c->issuerSignature.empty());
    EXPECT_EQ(encodeChuid(*c), content);
}

TEST(PivContainers, ChuidSkipsUnknownTagsAndRejectsShortGuid) {
    auto c = decodeChuid(h("EE 00 32 02 01 02 34 10 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF FE 00"));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->guid.size(), 16u);
    EXPECT_EQ(decodeChuid(h("34 02 01 02")).error().code, Errc::Malformed);
    EXPECT_EQ(decodeChuid(h("34 10 01 02")).error().code, Errc::Malformed);  // truncated value
}

TEST(PivContainers, DecodesDiscoveryPinPolicy) {
    auto d = decodeDiscovery(h("4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 60 20"));
    ASSERT_TRUE(d) << d.error().describe();
    EXPECT_EQ(d->pinPolicy1, 0x60);
    EXPECT_TRUE(d->globalPinPrimary());
    auto pivOnly = decodeDiscovery(h("4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00"));
    ASSERT_TRUE(pivOnly);
    EXPECT_FALSE(pivOnly->globalPinSatisfiesAcr());
    EXPECT_EQ(decodeDiscovery(h("4F 0B A0 00 00 03 08 00 00 10 00 01 00")).error().code, Errc::Malformed);
}

TEST(PivContainers, DecodesKeyHistory) {
    auto k = decodeKeyHistory(h("C1 01 02 C2 01 01 F3 04 68 74 74 70 FE 00"));
    ASSERT_TRUE(k);
    EXPECT_EQ(k->keysWithOnCardCerts, 2);
    EXPECT_EQ(k->keysWithOffCardCerts, 1);
    EXPECT_EQ(k->offCardCertUrl, "http");
    EXPECT_EQ(decodeKeyHistory(h("C1 01 15 C2 01 00 FE 00")).error().code, Errc::Malformed);
}

TEST(PivContainers, CertificateContainerRoundTripPlainAndGzip) {
    const Bytes der = cat({h("30 82 01 00"), Bytes(256, 0x5A)});
    auto plain = encodeCertificateContainer(der, false);
    ASSERT_TRUE(plain);
    EXPECT_EQ(*plain, cat({h("70 82 01 04"), der, h("71 01 00 FE 00")}));
    auto packed = encodeCertificateContainer(der, true);
    ASSERT_TRUE(packed);
    EXPECT_LT(packed->size(), plain->size());
    for (const Bytes* c : {&*plain, &*packed}) {
        auto back = decodeCertificateContainer(*c);
        ASSERT_TRUE(back) << back.error().describe();
        ASSERT_TRUE(*back);
        EXPECT_EQ(**back, der);
    }
}

TEST(PivContainers, OldCardsMarkGzipWith80) {
    const Bytes der = h("30 03 02 01 05");
    auto z = gzipCompress(der);
    ASSERT_TRUE(z);
    auto back = decodeCertificateContainer(cat({encodeTlv(0x70, *z), h("71 01 80 FE 00")}));
    ASSERT_TRUE(back && *back);
    EXPECT_EQ(**back, der);
}

TEST(PivContainers, EmptyObjectsAreAbsentCertificates) {
    auto empty = decodeCertificateContainer({});
    ASSERT_TRUE(empty);
    EXPECT_FALSE(*empty);
    auto emptyCert = decodeCertificateContainer(h("70 00 71 01 00 FE 00"));
    ASSERT_TRUE(emptyCert);
    EXPECT_FALSE(*emptyCert);
    EXPECT_EQ(decodeCertificateContainer(h("71 01 00 FE 00")).error().code, Errc::Malformed);
}

TEST(PivContainers, BrokenOrOversizedGzipIsMalformed) {
    EXPECT_EQ(decodeCertificateContainer(h("70 04 1F 8B 08 00 71 01 01 FE 00")).error().code,
              Errc::Malformed);
    auto z = gzipCompress(Bytes(kMaxCertificateSize + 1, 0));  // a tiny zip bomb
    ASSERT_TRUE(z);
    EXPECT_EQ(decodeCertificateContainer(cat({encodeTlv(0x70, *z), h("71 01 01 FE 00")})).error().code,
              Errc::Malformed);
    auto truncated = gzipCompress(Bytes(1000, 7));
    ASSERT_TRUE(truncated);
    truncated->resize(truncated->size() / 2);
    EXPECT_EQ(inflateBounded(*truncated, 10000).error().code, Errc::Malformed);
}

TEST(PivContainers, DecodesMetadata) {
    auto m = decodeMetadata(h("01 01 11 02 02 02 01 03 01 01 04 03 86 01 04"));
    ASSERT_TRUE(m) << m.error().describe();
    EXPECT_EQ(m->algorithm, 0x11);
    EXPECT_EQ(m->pinPolicy, 0x02);
    EXPECT_EQ(m->touchPolicy, 0x01);
    EXPECT_EQ(m->origin, 0x01);
    EXPECT_EQ(m->publicKey, h("86 01 04"));
    auto pin = decodeMetadata(h("01 01 FF 05 01 01 06 02 03 02"));
    ASSERT_TRUE(pin);
    EXPECT_EQ(pin->isDefault, true);
    EXPECT_EQ(pin->retriesTotal, 3);
    EXPECT_EQ(pin->retriesRemaining, 2);
    EXPECT_EQ(decodeMetadata(h("06 01 03")).error().code, Errc::Malformed);
}

TEST(PivContainers, FormatsPinsAndPuks) {
    auto pin = formatPin(h("31 32 33 34 35 36"));
    ASSERT_TRUE(pin);
    EXPECT_EQ(Bytes(pin->begin(), pin->end()), h("31 32 33 34 35 36 FF FF"));
    auto eight = formatPin(h("31 32 33 34 35 36 37 38"));
    ASSERT_TRUE(eight);
    EXPECT_EQ(Bytes(eight->begin(), eight->end()), h("31 32 33 34 35 36 37 38"));
    EXPECT_EQ(formatPin(h("31 32 33 34 35")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(formatPin(h("31 32 33 34 35 36 37 38 39")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(formatPin(h("31 32 33 34 35 FF")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(formatPin(h("31 32 33 34 35 00")).error().code, Errc::InvalidArgument);
    auto puk = formatPuk(h("00 01 02 03 04 05 06 80"));  // the spec allows any byte in a PUK
    ASSERT_TRUE(puk);
    EXPECT_EQ(formatPuk(h("01 02 03")).error().code, Errc::InvalidArgument);
}

}  // namespace
}  // namespace piv::test
