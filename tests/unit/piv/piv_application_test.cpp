// PivApplication over the scripted transport: identity, key enumeration, transactions, recovery.
#include "card-apps/piv/piv_application.h"

#include <gtest/gtest.h>

#include "card-apps/piv/management_key.h"
#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "tests/support/scripted_transport.h"
#include "tests/unit/piv/piv_card_fixture.h"
#include "tests/unit/piv/test_keys.h"

namespace piv::test {
using testsupport::FakeTransport;
namespace {

using cardapp::KeyAlgorithm;
using cardapp::PinKind;
using core::Errc;

const std::string kGuid = "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF";
const std::string kChuidContent =
    "30 19 D4 E7 39 DA 73 9C ED 39 CE 73 9D 83 68 58 21 08 42 10 84 21 C8 42 10 C3 EB"
    " 34 10 " +
    kGuid + " 35 08 32 30 33 30 30 31 30 31 3E 00 FE 00";

Bytes getDataCommand(uint32_t objectTag) {
    return {0x00,
            0xCB,
            0x3F,
            0xFF,
            0x05,
            0x5C,
            0x03,
            uint8_t(objectTag >> 16),
            uint8_t(objectTag >> 8),
            uint8_t(objectTag),
            0x00};
}

Bytes certificateObject(ByteView der) {
    return apdu::encodeTlv(0x53, *encodeCertificateContainer(der, false));
}

class PivAppTest : public ::testing::Test {
  protected:
    void selectApp() {
        fake.expect(kSelectCommand, kSelectAnswer);
        ASSERT_TRUE(app.select());
    }
    // A card without GET METADATA: 6D00, re-select, 6D00 again (then cached).
    void expectNoMetadata(uint8_t ref) {
        fake.expect(Bytes{0x00, 0xF7, 0x00, ref, 0x00}, "6D 00");
        fake.expect(kSelectCommand, kSelectAnswer);
        fake.expect(Bytes{0x00, 0xF7, 0x00, ref, 0x00}, "6D 00");
    }
    void TearDown() override { fake.verify(); }

    FakeTransport fake;  // declared first: outlives the application
    PivApplication app{fake};
};

TEST_F(PivAppTest, IdentityFromYubicoSerialAndChuid) {
    selectApp();
    fake.expect("00 F8 00 00 00", "00 BC 61 4E 90 00");
    fake.expect(getDataCommand(obj::kChuid), cat({apdu::encodeTlv(0x53, h(kChuidContent)), h("90 00")}));
    auto id = app.identity();
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(id->application, "PIV");
    EXPECT_EQ(id->serial, "12345678");
    EXPECT_EQ(id->label, "PIV Card 12345678");
    EXPECT_EQ(id->cardId, h(kGuid));
    EXPECT_TRUE(app.identity());  // cached: no APDU
}

TEST_F(PivAppTest, IdentityFromChuidWithoutVendorSerial) {
    selectApp();
    fake.expect("00 F8 00 00 00", "6D 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 F8 00 00 00", "6D 00");
    fake.expect(getDataCommand(obj::kChuid), cat({apdu::encodeTlv(0x53, h(kChuidContent)), h("90 00")}));
    auto id = app.identity();
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(id->serial, "00112233445566778899AABBCCDDEEFF");
    EXPECT_EQ(id->label.find(':'), std::string::npos);
    EXPECT_EQ(id->cardId, h(kGuid));
    EXPECT_FALSE(app.takeStateLost());
}

TEST_F(PivAppTest, KeysFromCertificatesWithoutVendorExtensions) {
    selectApp();
    auto ecKey = generateKeyPair(KeyAlgorithm::EcP256);
    auto rsaKey = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes ecCert = selfSignedCertificate(ecKey.get(), "auth");
    const Bytes rsaCert = selfSignedCertificate(rsaKey.get(), "sign");
    // No Key History object: no retired slot is asked for (as OpenSC).
    fake.expect(getDataCommand(obj::kKeyHistory), "6A 82");
    // A certificate proves its key: no GET METADATA for 9A and 9C (deferred, issue 9). The first slot
    // without one (9D) asks, and the card's 6D00 (twice, around a re-SELECT) ends metadata for good.
    fake.expectChunked(getDataCommand(0x5FC105), certificateObject(ecCert));
    fake.expectChunked(getDataCommand(0x5FC10A), certificateObject(rsaCert));
    fake.expect(getDataCommand(0x5FC10B), "6A 82");
    expectNoMetadata(0x9D);
    fake.expect(getDataCommand(0x5FC101), "6A 82");

    auto keys = app.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 2u);
    const auto& auth = (*keys)[0];
    EXPECT_EQ(auth.ref, 0x9A);
    EXPECT_EQ(auth.label, "PIV AUTH key");
    EXPECT_EQ(auth.algorithm, KeyAlgorithm::EcP256);
    EXPECT_EQ(auth.publicKeyInfo, spkiOf(ecKey.get()));
    EXPECT_EQ(auth.usage, unsigned(cardapp::kUsageSign));
    EXPECT_EQ(auth.pinPolicy, cardapp::PinPolicy::Once);
    EXPECT_TRUE(auth.hasCertificate);
    const auto& sign = (*keys)[1];
    EXPECT_EQ(sign.ref, 0x9C);
    EXPECT_EQ(sign.algorithm, KeyAlgorithm::Rsa2048);
    EXPECT_EQ(sign.pinPolicy, cardapp::PinPolicy::Always);
    EXPECT_FALSE(sign.generatedOnCard);
    EXPECT_TRUE(auth.detailsDeferred);
    EXPECT_TRUE(sign.detailsDeferred);
    // The card has no GET METADATA: completing sends nothing and keeps the slot's default policy.
    cardapp::KeyInfo completed = auth;
    ASSERT_TRUE(app.completeKey(completed));
    EXPECT_FALSE(completed.detailsDeferred);
    EXPECT_EQ(completed.pinPolicy, cardapp::PinPolicy::Once);

    // The algorithm is now known: an ECDSA signature is one GENERAL AUTHENTICATE.
    const Bytes hash = sha256(h("61 62 63"));
    const Bytes sig = ecdsaSign(ecKey.get(), hash);
    fake.expect(cat({h("00 87 11 9A 26 7C 24 82 00 81 20"), hash, h("00")}),
                cat({apdu::TlvBuilder().begin(0x7C).add(0x82, sig).end().take(), h("90 00")}));
    auto out = app.sign(0x9A, hash);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_TRUE(ecdsaVerify(ecKey.get(), hash, *out));
}

// Deferred metadata, read on demand: a "PIN always" policy set on 9A (not the slot's default) and the
// key's origin replace the defaults keys() reported.
TEST_F(PivAppTest, CompleteKeyReadsTheDeferredMetadataOnce) {
    selectApp();
    auto ecKey = generateKeyPair(KeyAlgorithm::EcP256);
    fake.expect(getDataCommand(obj::kKeyHistory), "6A 82");
    fake.expectChunked(getDataCommand(0x5FC105), certificateObject(selfSignedCertificate(ecKey.get(), "auth")));
    for (const auto& s : kSlots) {
        if (s.ref == 0x9C || s.ref == 0x9D || s.ref == 0x9E) {
            fake.expect(getDataCommand(s.certificateObject), "6A 82");
            fake.expect(Bytes{0x00, 0xF7, 0x00, s.ref, 0x00}, "6A 88");
        }
    }
    auto keys = app.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 1u);
    cardapp::KeyInfo k = (*keys)[0];
    EXPECT_TRUE(k.detailsDeferred);
    EXPECT_EQ(k.pinPolicy, cardapp::PinPolicy::Once);
    EXPECT_FALSE(k.generatedOnCard);

    fake.expect("00 F7 00 9A 00",
                cat({h("01 01 11 02 02 03 01 03 01 01 04 43 86 41"), ecPointOf(ecKey.get()), h("90 00")}));
    ASSERT_TRUE(app.completeKey(k));
    EXPECT_FALSE(k.detailsDeferred);
    EXPECT_EQ(k.pinPolicy, cardapp::PinPolicy::Always);
    EXPECT_EQ(k.generatedOnCard, true);
    EXPECT_EQ(k.algorithm, KeyAlgorithm::EcP256);
    EXPECT_EQ(k.publicKeyInfo, spkiOf(ecKey.get()));
    EXPECT_EQ(k.usage, unsigned(cardapp::kUsageSign));
    ASSERT_TRUE(app.completeKey(k));  // nothing deferred any more: no APDU (the fake would fail)
}

TEST_F(PivAppTest, KeysFromMetadataWithoutCertificates) {
    selectApp();
    auto genKey = generateKeyPair(KeyAlgorithm::EcP256);
    auto impKey = generateKeyPair(KeyAlgorithm::EcP384);
    // Key History: 0 keys with on-card and 2 with off-card certificates: retired 82 and 83 are probed.
    fake.expect(getDataCommand(obj::kKeyHistory), "53 08 C1 01 00 C2 01 02 FE 00 90 00");
    for (const auto& s : kSlots) {
        Bytes md = Bytes{0x00, 0xF7, 0x00, s.ref, 0x00};
        // Retired slots: metadata first, and an empty one (6A88) is not asked for a certificate.
        if (s.ref >= 0x82 && s.ref <= 0x95) {
            if (s.ref <= 0x83) fake.expect(md, "6A 88");
            continue;
        }
        fake.expect(getDataCommand(s.certificateObject), "6A 82");
        if (s.ref == 0x9A)
            fake.expect(md, cat({h("01 01 11 02 02 00 01 03 01 01 04 43 86 41"), ecPointOf(genKey.get()),
                                 h("90 00")}));
        else if (s.ref == 0x9D)
            fake.expect(md, cat({h("01 01 14 02 02 03 01 03 01 02 04 63 86 61"), ecPointOf(impKey.get()),
                                 h("90 00")}));
        else
            fake.expect(md, "6A 88");
    }
    auto keys = app.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 2u);
    EXPECT_EQ((*keys)[0].publicKeyInfo, spkiOf(genKey.get()));
    EXPECT_EQ((*keys)[0].generatedOnCard, true);
    EXPECT_EQ((*keys)[0].pinPolicy, cardapp::PinPolicy::Once);  // policy 00 = slot default
    EXPECT_FALSE((*keys)[0].hasCertificate);
    const auto& km = (*keys)[1];
    EXPECT_EQ(km.ref, 0x9D);
    EXPECT_EQ(km.algorithm, KeyAlgorithm::EcP384);
    EXPECT_EQ(km.publicKeyInfo, spkiOf(impKey.get()));
    EXPECT_EQ(km.usage, unsigned(cardapp::kUsageDerive));
    EXPECT_EQ(km.pinPolicy, cardapp::PinPolicy::Always);
    EXPECT_EQ(km.generatedOnCard, false);

    // ECDH with the learnt P-384 key and a PIN, VERIFY immediately before GENERAL AUTHENTICATE.
    auto peer = generateKeyPair(KeyAlgorithm::EcP384);
    const Bytes z = ecdh(impKey.get(), peer.get());
    fake.expect("00 20 00 80 08 31 32 33 34 35 36 FF FF", "90 00");
    fake.expect(cat({h("00 87 14 9D 67 7C 65 82 00 85 61"), ecPointOf(peer.get()), h("00")}),
                cat({apdu::TlvBuilder().begin(0x7C).add(0x82, z).end().take(), h("90 00")}));
    auto out = app.deriveEcdhWithPin(0x9D, ecPointOf(peer.get()), h("31 32 33 34 35 36"));
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, z);
}

// §8.4 through the application: the algorithm comes from the 9C certificate, then VERIFY and the
// chained GENERAL AUTHENTICATE run in one transaction with nothing in between.
TEST_F(PivAppTest, SignWithPinFor9CIsOneTransaction) {
    selectApp();
    auto key = generateKeyPair(KeyAlgorithm::Rsa2048);
    // The certificate names the algorithm: no GET METADATA before the signature.
    fake.expectChunked(getDataCommand(0x5FC10A), certificateObject(selfSignedCertificate(key.get(), "sig")));
    Bytes em = h("00 01");
    em.insert(em.end(), 202, 0xFF);
    em.push_back(0x00);
    core::append(em, h("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20"));
    core::append(em, sha256(h("61 62 63")));
    const Bytes sig = rsaRaw(key.get(), em);
    const Bytes templ = cat({h("7C 82 01 06 82 00 81 82 01 00"), em});
    fake.expect("00 20 00 80 08 31 32 33 34 35 36 FF FF", "90 00");
    fake.expect(cat({h("10 87 07 9C FF"), ByteView(templ).first(255)}), h("90 00"));
    fake.expect(cat({h("00 87 07 9C 0B"), ByteView(templ).subspan(255), h("00")}),
                cat({h("7C 82 01 04 82 82 01 00"), ByteView(sig).first(248), h("61 08")}));
    fake.expect(h("00 C0 00 00 08"), cat({ByteView(sig).subspan(248), h("90 00")}));

    const int before = fake.transactionsBegun();
    auto out = app.signWithPin(0x9C, em, h("31 32 33 34 35 36"));
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, sig);
    EXPECT_EQ(fake.transactionsBegun(), before + 1);
    EXPECT_EQ(fake.transactionDepth(), 0);
    const auto& tx = fake.transactionOfApdu();
    for (std::size_t i = 1; i < tx.size(); ++i) EXPECT_EQ(tx[i], before + 1) << "APDU " << i;
    // VERIFY is immediately followed by the first GENERAL AUTHENTICATE piece.
    const auto& sent = fake.sent();
    ASSERT_GE(sent.size(), 4u);
    EXPECT_EQ(sent[sent.size() - 4][1], 0x20);
    EXPECT_EQ(sent[sent.size() - 3][1], 0x87);
}

TEST_F(PivAppTest, SignWithoutKnownAlgorithmFailsCleanly) {
    selectApp();
    fake.expect(getDataCommand(0x5FC105), "6A 82");
    expectNoMetadata(0x9A);
    EXPECT_EQ(app.sign(0x9A, Bytes(32, 1)).error().code, Errc::NotFound);
}

TEST_F(PivAppTest, CardResetDuringReadIsRetried) {
    selectApp();
    fake.expectError(getDataCommand(0x5FC105), core::Error(Errc::CardReset, "reset by another process"));
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect(getDataCommand(0x5FC105), "6A 82");
    auto cert = app.certificate(0x9A);
    ASSERT_TRUE(cert) << cert.error().describe();
    EXPECT_FALSE(*cert);
    EXPECT_TRUE(app.takeStateLost());
    EXPECT_FALSE(app.takeStateLost());
}

TEST_F(PivAppTest, CardResetDuringSignIsReportedAfterReselect) {
    selectApp();
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    fake.expect("00 47 00 9A 05 AC 03 80 01 11 00", cat({publicKeyTemplate(key.get()), h("90 00")}));
    auto gen = app.generateKey(0x9A, KeyAlgorithm::EcP256);
    ASSERT_TRUE(gen) << gen.error().describe();
    EXPECT_EQ(gen->publicKeyInfo, spkiOf(key.get()));
    EXPECT_EQ(gen->generatedOnCard, true);

    const Bytes hash(32, 7);
    fake.expectError(cat({h("00 87 11 9A 26 7C 24 82 00 81 20"), hash, h("00")}),
                     core::Error(Errc::CardReset, "reset"));
    fake.expect(kSelectCommand, kSelectAnswer);
    EXPECT_EQ(app.sign(0x9A, hash).error().code, Errc::CardReset);
    EXPECT_TRUE(app.takeStateLost());
}

// Issue 9: a one-APDU key operation goes to the card without a PC/SC transaction; what the transaction
// would have caught comes from the answer (reset: above; another application: below). Another program's
// transaction needs nothing: pcsc-lite holds our SCardTransmit until it ends.
class PivDirectSignTest : public PivAppTest {
  protected:
    void SetUp() override {
        selectApp();
        fake.expect("00 47 00 9A 05 AC 03 80 01 11 00", cat({publicKeyTemplate(key.get()), h("90 00")}));
        ASSERT_TRUE(app.generateKey(0x9A, KeyAlgorithm::EcP256));
        sig = ecdsaSign(key.get(), hash);
        command = cat({h("00 87 11 9A 26 7C 24 82 00 81 20"), hash, h("00")});
        answer = cat({apdu::TlvBuilder().begin(0x7C).add(0x82, sig).end().take(), h("90 00")});
    }
    ossl::Pkey key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes hash = Bytes(32, 9);
    Bytes sig, command, answer;
};

TEST_F(PivDirectSignTest, OneApduSignatureTakesNoTransaction) {
    const int before = fake.transactionsBegun();
    fake.expect(command, answer);
    auto out = app.sign(0x9A, hash);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_TRUE(ecdsaVerify(key.get(), hash, *out));
    EXPECT_EQ(fake.transactionsBegun(), before);
    EXPECT_FALSE(app.takeStateLost());
}

TEST_F(PivDirectSignTest, AnotherApplicationSelectedIsRepairedInsideATransaction) {
    const int before = fake.transactionsBegun();
    fake.expect(command, "6D 00");  // sent directly: another program selected another application
    fake.expect(command, "6D 00");  // again in a transaction: still not PIV
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect(command, answer);
    auto out = app.sign(0x9A, hash);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_TRUE(ecdsaVerify(key.get(), hash, *out));
    EXPECT_EQ(fake.transactionsBegun(), before + 1);
    EXPECT_TRUE(app.takeStateLost()) << "re-selecting PIV lost its PIN status: the caller must know";
}

TEST_F(PivDirectSignTest, LostLinkIsReportedWithoutASecondAttempt) {
    const int before = fake.transactionsBegun();
    // The card may have run the command before the link failed: no repeat, the caller hears it as it was.
    fake.expectError(command, core::Error(Errc::Transport, "SCardTransmit: communication error"));
    EXPECT_EQ(app.sign(0x9A, hash).error().code, Errc::Transport);
    EXPECT_EQ(fake.transactionsBegun(), before);
}

TEST_F(PivDirectSignTest, RefusalIsReportedAsTheCardSaidIt) {
    fake.expect(command, "69 82");
    EXPECT_EQ(app.sign(0x9A, hash).error().code, Errc::SecurityNotSatisfied);
}

TEST_F(PivAppTest, CardResetAtBeginTransactionIsRetriedForQueries) {
    selectApp();
    fake.failNextBegin(core::Error(Errc::CardReset, "reset"));
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 20 00 80", "63 C3");
    auto st = app.pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_TRUE(app.takeStateLost());
}

TEST_F(PivAppTest, AnotherApplicationSelectedMeansStateLost) {
    selectApp();
    fake.expect("00 20 00 80", "6D 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 20 00 80", "63 C3");
    auto st = app.pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_FALSE(st->verified);
    EXPECT_TRUE(app.takeStateLost());
}

TEST_F(PivAppTest, FirstCallSelectsImplicitly) {
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 20 00 80", "90 00");
    fake.expect("00 F7 00 80 00", "01 01 FF 05 01 01 06 02 03 03 90 00");
    auto st = app.pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_TRUE(st->verified);
    EXPECT_EQ(st->retriesLeft, 3);
}

TEST_F(PivAppTest, AdminAuthenticationAndLogout) {
    selectApp();
    app.card().setRandomSource([](std::span<uint8_t> out) -> core::Status {
        const Bytes r2 = h("11 22 33 44 55 66 77 88");
        std::copy(r2.begin(), r2.end(), out.begin());
        return {};
    });
    expectNoMetadata(0x9B);
    fake.expect("00 87 03 9B 04 7C 02 80 00", "7C 0A 80 08 19 9F A3 74 70 5A 69 EB 90 00");
    fake.expect("00 87 03 9B 16 7C 14 80 08 A1 A2 A3 A4 A5 A6 A7 A8 81 08 11 22 33 44 55 66 77 88",
                "7C 0A 82 08 6C 5E 94 DC AD D3 9F 1D 90 00");
    auto auth = app.authenticateAdmin(kDefaultManagementKey);
    ASSERT_TRUE(auth) << auth.error().describe();
    EXPECT_TRUE(app.pinStatus(PinKind::Admin)->verified);
    fake.expect("00 20 FF 80", "90 00");
    EXPECT_TRUE(app.logout());
    EXPECT_FALSE(app.pinStatus(PinKind::Admin)->verified);
}

TEST_F(PivAppTest, PinOperations) {
    selectApp();
    fake.expect("00 20 00 80 08 31 32 33 34 35 37 FF FF", "63 C2");
    auto wrong = app.verifyPin(PinKind::User, h("31 32 33 34 35 37"));
    EXPECT_EQ(wrong.error().code, Errc::PinIncorrect);
    EXPECT_EQ(wrong.error().retries, 2);
    EXPECT_EQ(app.verifyPin(PinKind::Puk, h("31 32 33 34 35 36 37 38")).error().code, Errc::NotSupported);
    EXPECT_EQ(app.changePin(PinKind::Admin, Bytes(24, 1), Bytes(24, 2)).error().code, Errc::NotSupported);
    EXPECT_EQ(app.verifyPin(PinKind::User, h("31 32")).error().code, Errc::InvalidArgument);
    fake.expect("00 2C 00 80 10 31 32 33 34 35 36 37 38 31 32 33 34 35 36 FF FF", "69 83");
    EXPECT_EQ(app.unblockPin(h("31 32 33 34 35 36 37 38"), h("31 32 33 34 35 36")).error().code,
              Errc::AuthBlocked);
}

TEST_F(PivAppTest, WriteCertificateValidatesAndCompressesLargeOnes) {
    selectApp();
    const std::size_t before = fake.exchanged();
    EXPECT_EQ(app.writeCertificate(0x9A, h("01 02 03")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(app.writeCertificate(0x9B, h("30 00")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(fake.exchanged(), before);

    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes small = selfSignedCertificate(key.get(), "small");
    Bytes data = cat({h("5C 03 5F C1 05"), apdu::encodeTlv(0x53, *encodeCertificateContainer(small, false))});
    fake.expectChained(0x00, 0xDB, 0x3F, 0xFF, data, false, h("90 00"));
    EXPECT_TRUE(app.writeCertificate(0x9A, small));

    const Bytes big = selfSignedCertificate(key.get(), "big", 4000);
    ASSERT_GT(big.size(), kMaxObjectContent);
    auto packed = encodeCertificateContainer(big, true);
    ASSERT_TRUE(packed);
    data = cat({h("5C 03 5F C1 0B"), apdu::encodeTlv(0x53, *packed)});
    fake.expectChained(0x00, 0xDB, 0x3F, 0xFF, data, false, h("90 00"));
    EXPECT_TRUE(app.writeCertificate(0x9D, big));

    fake.expect("00 DB 3F FF 07 5C 03 5F C1 0B 53 00", "90 00");
    EXPECT_TRUE(app.deleteCertificate(0x9D));
}

TEST_F(PivAppTest, PinsAndManagementKeysNeverReachTheLog) {
    std::string log;
    core::log::configure("all,debug", [&](std::string_view line) { log.append(line).append("\n"); });
    selectApp();
    fake.expect("00 20 00 80 08 39 38 37 36 35 34 FF FF", "90 00");
    EXPECT_TRUE(app.verifyPin(PinKind::User, h("39 38 37 36 35 34")));
    fake.expect("00 24 00 80 10 39 38 37 36 35 34 FF FF 35 35 35 35 35 35 FF FF", "90 00");
    EXPECT_TRUE(app.changePin(PinKind::User, h("39 38 37 36 35 34"), h("35 35 35 35 35 35")));
    core::log::configure("");
    EXPECT_FALSE(log.empty());
    for (const char* secret : {"393837363534", "39 38 37 36 35 34", "353535353535", "35 35 35 35 35 35"})
        EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in log:\n" << log;
}

}  // namespace
}  // namespace piv::test

namespace piv::test {
namespace {

// The SELECT answer's algorithm list (61 > AC > 80 entries) says what the card can generate; the
// management-key entries (3DES, AES) are not key algorithms, and a card that lists nothing gets PIV's
// mandated RSA-2048, P-256 and P-384.
TEST_F(PivAppTest, GeneratableAlgorithmsComeFromTheSelectAnswer) {
    fake.expect(kSelectCommand,
                "61 24 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08"
                " AC 11 80 01 03 80 01 07 80 01 05 80 01 16 80 01 11 06 00 90 00");
    ASSERT_TRUE(app.select());
    auto algs = app.generatableAlgorithms();  // no APDU: PIV is selected
    ASSERT_TRUE(algs) << algs.error().describe();
    EXPECT_EQ(*algs, (std::vector<KeyAlgorithm>{KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072,
                                                KeyAlgorithm::Rsa4096, KeyAlgorithm::EcP256}));
}

TEST_F(PivAppTest, GeneratableAlgorithmsFallBackToPivsMandatedSet) {
    selectApp();  // kSelectAnswer lists no algorithms
    auto algs = app.generatableAlgorithms();
    ASSERT_TRUE(algs) << algs.error().describe();
    EXPECT_EQ(*algs,
              (std::vector<KeyAlgorithm>{KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384}));
}

}  // namespace
}  // namespace piv::test
