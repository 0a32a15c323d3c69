// Decoders of openpgp_data.h: 6E in its real-world layouts, the DOs inside it, and malformed input.
#include "card-apps/openpgp/openpgp_data.h"

#include <gtest/gtest.h>

#include "tests/unit/openpgp/card_profile.h"

namespace openpgp::test {
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;

TEST(OpenPgpData, WorkedExampleOfTheSpecDigest) {
    const Bytes raw = workedExample6E();
    ASSERT_EQ(raw.size(), 248u);
    auto d = decodeApplicationData(raw);
    ASSERT_TRUE(d) << d.error().describe();
    EXPECT_EQ(d->aidHex(), "D2760001240103040000123456780000");
    EXPECT_EQ(d->versionMajor, 3);
    EXPECT_EQ(d->versionMinor, 4);
    EXPECT_EQ(d->version(), 0x0304);
    EXPECT_EQ(d->manufacturer, 0x0000);
    EXPECT_EQ(d->serial, 0x12345678u);
    EXPECT_EQ(d->serialText(), "000012345678");
    EXPECT_TRUE(d->historical.commandChaining);
    EXPECT_TRUE(d->historical.extendedLength);
    EXPECT_EQ(d->historical.lifeCycle, 0x05);
    ASSERT_TRUE(d->extendedLength);
    EXPECT_EQ(d->extendedLength->maxCommand, 0x0800);
    EXPECT_EQ(d->extendedLength->maxResponse, 0x0800);
    EXPECT_TRUE(d->supportsExtendedLength());
    ASSERT_TRUE(d->capabilities);
    EXPECT_TRUE(d->capabilities->has(extcap::kKeyImport));
    EXPECT_TRUE(d->capabilities->has(extcap::kAttributesChangeable));
    EXPECT_FALSE(d->capabilities->has(extcap::kKdf));
    EXPECT_EQ(d->capabilities->maxChallenge, 0x00FF);
    EXPECT_EQ(d->capabilities->maxCertificate, 0x0800);
    EXPECT_EQ(d->capabilities->maxSpecialDo, 0x00FF);
    ASSERT_TRUE(d->attributes[0] && d->attributes[1] && d->attributes[2]);
    EXPECT_EQ(d->attributes[0]->keyAlgorithm(), KeyAlgorithm::Rsa2048);
    EXPECT_EQ(d->attributes[0]->rsaExponentBits, 32);
    EXPECT_EQ(d->attributes[1]->keyAlgorithm(), KeyAlgorithm::X25519);
    EXPECT_EQ(d->attributes[2]->keyAlgorithm(), KeyAlgorithm::Ed25519);
    ASSERT_TRUE(d->pwStatus);
    EXPECT_FALSE(d->pwStatus->pw1ValidForSeveralSignatures);
    EXPECT_EQ(d->pwStatus->maxLengthPw1, 0x7F);
    EXPECT_EQ(d->pwStatus->retriesPw1, 3);
    EXPECT_EQ(d->pwStatus->retriesRc, 0);
    EXPECT_EQ(d->pwStatus->retriesPw3, 3);
    EXPECT_TRUE(isZero(d->fingerprints[0]));
    EXPECT_EQ(d->generationTimes[2], 0u);
    ASSERT_TRUE(d->keyStatus);
    EXPECT_EQ((*d->keyStatus)[1], 0x00);
}

TEST(OpenPgpData, BareAndFlatLayoutsDecodeAlike) {
    CardProfile p;
    p.fingerprints[1] = Bytes(20, 0xAB);
    p.times = {0, 0x5F000000, 0};
    p.keyStatus = std::array<uint8_t, 3>{0, 2, 0};
    p.generalFeatures = true;
    for (bool wrapped : {true, false}) {
        for (bool in73 : {true, false}) {
            p.wrapped = wrapped;
            p.discretionary = in73;
            auto d = decodeApplicationData(p.build());
            ASSERT_TRUE(d) << d.error().describe();
            EXPECT_EQ(d->serialText(), "000612345678");
            EXPECT_EQ(d->fingerprints[1], Fingerprint{[] {
                          Fingerprint f;
                          f.fill(0xAB);
                          return f;
                      }()});
            EXPECT_EQ(d->generationTimes[1], 0x5F000000u);
            EXPECT_EQ((*d->keyStatus)[1], 0x02);
            EXPECT_EQ(d->generalFeatures, h("81 01 20"));
            EXPECT_FALSE(d->supportsExtendedLength());
            EXPECT_TRUE(d->historical.commandChaining);
        }
    }
}

TEST(OpenPgpData, OptionalObjectsMayBeAbsent) {
    // Only the AID: an old or minimal card. Nothing else is required to decode.
    auto d = decodeApplicationData(apdu::TlvBuilder().add(0x4F, CardProfile().aid()).take());
    ASSERT_TRUE(d) << d.error().describe();
    EXPECT_FALSE(d->capabilities);
    EXPECT_FALSE(d->pwStatus);
    EXPECT_FALSE(d->keyStatus);
    EXPECT_FALSE(d->extendedLength);
    EXPECT_FALSE(d->attributes[0]);
    EXPECT_TRUE(d->generalFeatures.empty());
    EXPECT_FALSE(d->supportsExtendedLength());
}

TEST(OpenPgpData, MalformedApplicationDataIsMalformed) {
    const Bytes good = workedExample6E();
    // Truncated anywhere: the outer length no longer fits.
    for (std::size_t cut : {1u, 3u, 20u, 100u, 247u}) {
        auto d = decodeApplicationData(ByteView(good).first(cut));
        ASSERT_FALSE(d) << "cut at " << cut;
        EXPECT_EQ(d.error().code, Errc::Malformed);
    }
    CardProfile p;
    auto withAid = [&](Bytes aid) { return apdu::TlvBuilder().begin(0x6E).add(0x4F, aid).end().take(); };
    EXPECT_EQ(decodeApplicationData(withAid(h("D2 76 00 01 24 01 03 04"))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withAid(Bytes(16, 0xA0))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(apdu::TlvBuilder().add(0xC4, p.pwStatus()).take()).error().code,
              Errc::Malformed);  // no AID
    auto withDo = [&](uint32_t tag, Bytes v) {
        return apdu::TlvBuilder().begin(0x6E).add(0x4F, p.aid()).begin(0x73).add(tag, v).end().end().take();
    };
    EXPECT_EQ(decodeApplicationData(withDo(0xC4, h("00 7F 7F"))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0xC5, Bytes(59, 0))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0xCD, Bytes(8, 0))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0xDE, h("01 00 02"))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0xC0, h("7C 00 00"))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0xC1, h("01 08"))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0xC2, h("12"))).error().code, Errc::Malformed);
    EXPECT_EQ(decodeApplicationData(withDo(0x7F66, h("02 01 08"))).error().code, Errc::Malformed);
    // A length byte that claims more than there is inside 73.
    Bytes bad = withDo(0xC4, p.pwStatus());
    bad[bad.size() - 8] = 0x20;
    EXPECT_EQ(decodeApplicationData(bad).error().code, Errc::Malformed);
}

TEST(OpenPgpData, AlgorithmAttributes) {
    auto rsa = decodeAlgorithmAttributes(kAttrRsa2048Smartpgp);
    ASSERT_TRUE(rsa);
    EXPECT_EQ(rsa->rsaBits, 2048);
    EXPECT_EQ(rsa->rsaExponentBits, 17);
    EXPECT_EQ(rsa->rsaImportFormat, 0x03);
    EXPECT_EQ(rsa->keyAlgorithm(), KeyAlgorithm::Rsa2048);
    EXPECT_EQ(decodeAlgorithmAttributes(h("01 10 00 00 20 00"))->keyAlgorithm(), KeyAlgorithm::Rsa4096);
    EXPECT_EQ(decodeAlgorithmAttributes(h("01 06 00 00 20 00"))->keyAlgorithm(), std::nullopt);  // RSA-1536

    auto p256 = decodeAlgorithmAttributes(kAttrP256Ecdsa);
    ASSERT_TRUE(p256);
    EXPECT_EQ(p256->curve, Curve::P256);
    EXPECT_EQ(p256->keyAlgorithm(), KeyAlgorithm::EcP256);
    EXPECT_FALSE(p256->ecImportByte);
    // Trailing import byte FF (public key in imports) is stripped before matching the OID.
    auto withFf = decodeAlgorithmAttributes(h("12 2B 81 04 00 22 FF"));
    ASSERT_TRUE(withFf);
    EXPECT_EQ(withFf->curve, Curve::P384);
    EXPECT_EQ(withFf->ecImportByte, 0xFF);
    EXPECT_EQ(withFf->oid, h("2B 81 04 00 22"));
    EXPECT_EQ(withFf->keyAlgorithm(), KeyAlgorithm::EcP384);
    // RFC 8410 aliases.
    EXPECT_EQ(decodeAlgorithmAttributes(h("16 2B 65 70"))->keyAlgorithm(), KeyAlgorithm::Ed25519);
    EXPECT_EQ(decodeAlgorithmAttributes(h("12 2B 65 6E"))->keyAlgorithm(), KeyAlgorithm::X25519);
    // Known curve, no cardapp algorithm; algorithm id that does not fit the curve.
    auto bp = decodeAlgorithmAttributes(h("13 2B 24 03 03 02 08 01 01 07"));
    ASSERT_TRUE(bp);
    EXPECT_EQ(bp->curve, Curve::BrainpoolP256);
    EXPECT_EQ(bp->keyAlgorithm(), std::nullopt);
    EXPECT_EQ(decodeAlgorithmAttributes(h("13 2B 06 01 04 01 DA 47 0F 01"))->keyAlgorithm(), std::nullopt);
    // Unknown algorithm: kept raw.
    auto unknown = decodeAlgorithmAttributes(h("42 01 02"));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->keyAlgorithm(), std::nullopt);
    EXPECT_EQ(decodeAlgorithmAttributes({}).error().code, Errc::Malformed);
}

TEST(OpenPgpData, AttributesToWrite) {
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kSig, KeyAlgorithm::Rsa2048, nullptr), kAttrRsa2048);
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kSig, KeyAlgorithm::EcP256, nullptr), kAttrP256Ecdsa);
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kDec, KeyAlgorithm::EcP256, nullptr), kAttrP256Ecdh);
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kAut, KeyAlgorithm::EcP384, nullptr), kAttrP384Ecdsa);
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kAut, KeyAlgorithm::Ed25519, nullptr), kAttrEd25519);
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kDec, KeyAlgorithm::X25519, nullptr), kAttrCv25519);
    // An RSA slot keeps the card's exponent size and import format (SmartPGP rejects e-bits 0x20).
    auto smart = decodeAlgorithmAttributes(kAttrRsa2048Smartpgp);
    EXPECT_EQ(*encodeAlgorithmAttributes(key::kDec, KeyAlgorithm::Rsa3072, &*smart), h("01 0C 00 00 11 03"));
    EXPECT_EQ(encodeAlgorithmAttributes(key::kDec, KeyAlgorithm::Ed25519, nullptr).error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(encodeAlgorithmAttributes(key::kSig, KeyAlgorithm::X25519, nullptr).error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(encodeAlgorithmAttributes(key::kSig, KeyAlgorithm::Rsa1024, nullptr).error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(encodeAlgorithmAttributes(0x04, KeyAlgorithm::Rsa2048, nullptr).error().code,
              Errc::InvalidArgument);
}

TEST(OpenPgpData, ExtendedCapabilitiesOfVersion2) {
    auto c = decodeExtendedCapabilities(h("30 00 00 20 07 FF 04 C0 04 C0"), 0x0201);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->maxCertificate, 0x07FF);
    EXPECT_EQ(c->maxCommandData, 0x04C0);
    EXPECT_EQ(c->maxResponseData, 0x04C0);
    EXPECT_EQ(c->maxSpecialDo, 0);
}

TEST(OpenPgpData, HistoricalBytes) {
    auto yubikey = decodeHistoricalBytes(h("80 73 C0 21 C0 57 59 75 62 69 4B 65 79"));
    EXPECT_TRUE(yubikey.commandChaining);
    EXPECT_TRUE(yubikey.extendedLength);
    EXPECT_FALSE(yubikey.lifeCycle);
    auto terminated = decodeHistoricalBytes(h("00 31 C5 73 C0 01 80 03 90 00"));
    EXPECT_TRUE(terminated.commandChaining);
    EXPECT_FALSE(terminated.extendedLength);
    EXPECT_EQ(terminated.lifeCycle, 0x03);
    auto odd = decodeHistoricalBytes(h("80 7F 01"));  // inconsistent length: nothing, no crash
    EXPECT_FALSE(odd.commandChaining);
    EXPECT_FALSE(decodeHistoricalBytes({}).extendedLength);
}

TEST(OpenPgpData, CardholderData) {
    const Bytes inner = h("5B 0B 44 6F 65 3C 3C 4A 6F 68 6E 20 58 5F 2D 02 65 6E 5F 35 01 31");
    for (const Bytes& data : {inner, apdu::encodeTlv(0x65, inner)}) {
        auto c = decodeCardholderData(data);
        ASSERT_TRUE(c) << c.error().describe();
        EXPECT_EQ(c->name, "Doe<<John X");
        EXPECT_EQ(c->language, "en");
        EXPECT_EQ(c->sex, 0x31);
    }
    auto empty = decodeCardholderData(h("65 00"));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->name.empty());
    EXPECT_FALSE(empty->sex);
    // A new card lists its members empty (the virtual card does; gpg accepts it).
    auto unset = decodeCardholderData(h("65 08 5B 00 5F 2D 00 5F 35 00"));
    ASSERT_TRUE(unset) << unset.error().describe();
    EXPECT_TRUE(unset->name.empty());
    EXPECT_TRUE(unset->language.empty());
    EXPECT_FALSE(unset->sex);
    EXPECT_EQ(decodeCardholderData(h("65 05 5B 09 41")).error().code, Errc::Malformed);
    EXPECT_EQ(decodeCardholderData(h("5F 35 02 31 32")).error().code, Errc::Malformed);
}

TEST(OpenPgpData, SignatureCounterWrappedOrBare) {
    EXPECT_EQ(*decodeSignatureCounter(h("7A 05 93 03 00 01 02")), 0x000102u);
    EXPECT_EQ(*decodeSignatureCounter(h("93 03 00 00 07")), 7u);
    EXPECT_EQ(decodeSignatureCounter(h("7A 04 93 02 00 01")).error().code, Errc::Malformed);
    EXPECT_EQ(decodeSignatureCounter(h("7A 05 93 03 00 01")).error().code, Errc::Malformed);
    EXPECT_EQ(decodeSignatureCounter(h("7A 00")).error().code, Errc::NotFound);
}

TEST(OpenPgpData, KdfDo) {
    EXPECT_FALSE(*decodeKdfActive(h("F9 03 81 01 00")));
    EXPECT_TRUE(*decodeKdfActive(h("81 01 03 82 01 08 83 04 00 01 86 A0")));
    EXPECT_FALSE(*decodeKdfActive({}));
    EXPECT_EQ(decodeKdfActive(h("81 02 03 00")).error().code, Errc::Malformed);
}

TEST(OpenPgpConstants, Tables) {
    EXPECT_EQ(findSlot(key::kSig)->crt, 0xB6);
    EXPECT_EQ(findSlot(key::kDec)->crt, 0xB8);
    EXPECT_EQ(findSlot(key::kAut)->crt, 0xA4);
    EXPECT_EQ(findSlot(key::kSig)->certificateOccurrence, 2);
    EXPECT_EQ(findSlot(key::kAut)->certificateOccurrence, 0);
    EXPECT_EQ(findSlot(0x9A), nullptr);
    EXPECT_EQ(curveFromOid(h("2B 06 01 04 01 97 55 01 05 01")), Curve::Cv25519);
    EXPECT_EQ(curveFromOid(h("2B 06 01 04 01 97 55 01 05")), std::nullopt);
    EXPECT_STREQ(manufacturerName(0x0006), "Yubico");
    EXPECT_STREQ(manufacturerName(0xFF42), "unmanaged (random serial)");
    EXPECT_TRUE(slotAccepts(key::kDec, KeyAlgorithm::X25519));
    EXPECT_FALSE(slotAccepts(key::kAut, KeyAlgorithm::X25519));
}

}  // namespace
}  // namespace openpgp::test
