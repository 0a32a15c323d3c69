// OpenPgpCard against a scripted transport: exact command bytes in, card answers out.
#include "card-apps/common/private_key_der.h"
#include "card-apps/openpgp/openpgp_card.h"

#include <gtest/gtest.h>

#include "card-apps/openpgp/openpgp_key_import.h"
#include "tests/unit/openpgp/card_profile.h"
#include "tests/support/scripted_transport.h"

namespace openpgp::test {
using testsupport::FakeTransport;
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;

const Bytes kPin = h("31 32 33 34 35 36");          // "123456"
const Bytes kAdmin = h("31 32 33 34 35 36 37 38");  // "12345678"
const char* kSelect = "00 A4 04 00 06 D2 76 00 01 24 01 00";

class CardTest : public ::testing::Test {
  protected:
    void open() {
        t.expect(kSelect, "90 00");
        t.expectChunked(h("00 CA 00 6E 00"), profile.build());
        ASSERT_TRUE(card.select());
        auto d = card.readApplicationData();
        ASSERT_TRUE(d) << d.error().describe();
    }
    AlgorithmAttributes attrs(const Bytes& raw) { return *decodeAlgorithmAttributes(raw); }

    FakeTransport t;
    apdu::Channel channel{t};
    OpenPgpCard card{channel};
    CardProfile profile;
};

TEST_F(CardTest, SelectSendsThePartialAidAndReadsApplicationData) {
    open();
    auto app = card.applicationData();
    ASSERT_TRUE(app);
    EXPECT_EQ((*app)->serialText(), "000612345678");
    EXPECT_TRUE(card.selected());
    EXPECT_EQ(t.exchanged(), 2u);
}

TEST_F(CardTest, SelectFailures) {
    t.expect(kSelect, "62 85");
    auto st = card.select();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::ConditionsNotSatisfied);
    t.expect(kSelect, "6A 82");
    EXPECT_EQ(card.select().error().code, Errc::NotFound);
    EXPECT_FALSE(card.selected());
}

TEST_F(CardTest, WrongPinTakesTheCounterFromC4) {
    open();
    t.expect("00 20 00 82 06 31 32 33 34 35 36", "69 82");
    profile.retries = {2, 0, 3};
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    auto st = card.verify(pw::kPw1Other, kPin);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::PinIncorrect);
    EXPECT_EQ(st.error().retries, 2);

    // Some cards answer 63Cx; the last try gone means blocked.
    t.expect("00 20 00 83 08 31 32 33 34 35 36 37 38", "63 C0");
    profile.retries = {2, 0, 0};
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    st = card.verify(pw::kPw3, kAdmin);
    EXPECT_EQ(st.error().code, Errc::AuthBlocked);
    EXPECT_EQ(st.error().retries, 0);

    t.expect("00 20 00 81 06 31 32 33 34 35 36", "69 83");
    EXPECT_EQ(card.verify(pw::kPw1Sign, kPin).error().code, Errc::AuthBlocked);
}

TEST_F(CardTest, PinFormatIsCheckedBeforeAnyApdu) {
    open();
    const auto before = t.exchanged();
    EXPECT_EQ(card.verify(pw::kPw1Sign, h("31 32 33 34 35")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.verify(pw::kPw3, kPin).error().code, Errc::InvalidArgument);  // PW3 needs 8
    EXPECT_EQ(card.verify(pw::kPw1Other, Bytes(128, 0x31)).error().code,
              Errc::InvalidArgument);  // > C4 max 127
    EXPECT_EQ(card.verify(0x84, kPin).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.changeReference(pw::kPw1Other, kPin, kPin).error().code, Errc::InvalidArgument);
    EXPECT_EQ(t.exchanged(), before);
}

TEST_F(CardTest, VerifyStatusQueryNeverSendsData) {
    open();
    t.expect("00 20 00 81", "63 C3");
    auto s = card.verifyState(pw::kPw1Sign);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->verified);
    EXPECT_EQ(s->retriesLeft, 3);
    t.expect("00 20 00 82", "90 00");
    EXPECT_TRUE(card.verifyState(pw::kPw1Other)->verified);
    t.expect("00 20 00 83", "69 83");
    EXPECT_EQ(card.verifyState(pw::kPw3)->retriesLeft, 0);
    t.expect("00 20 00 83", "6A 80");  // a card without the query: unknown, not an error
    s = card.verifyState(pw::kPw3);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->verified);
    EXPECT_FALSE(s->retriesLeft);
}

TEST_F(CardTest, ChangeAndResetCommands) {
    open();
    t.expect("00 24 00 81 0C 31 32 33 34 35 36 36 35 34 33 32 31", "90 00");
    EXPECT_TRUE(card.changeReference(pw::kPw1Sign, kPin, h("36 35 34 33 32 31")));
    t.expect("00 24 00 83 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31", "90 00");
    EXPECT_TRUE(card.changeReference(pw::kPw3, kAdmin, h("38 37 36 35 34 33 32 31")));
    // Resetting code || new PIN.
    t.expect("00 2C 00 81 0E 41 42 43 44 45 46 47 48 31 32 33 34 35 36", "90 00");
    EXPECT_TRUE(card.resetRetryCounterWithCode(h("41 42 43 44 45 46 47 48"), kPin));
    t.expect("00 2C 00 81 0E 41 42 43 44 45 46 47 48 31 32 33 34 35 36", "69 82");
    profile.retries = {0, 2, 3};
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    auto st = card.resetRetryCounterWithCode(h("41 42 43 44 45 46 47 48"), kPin);
    EXPECT_EQ(st.error().code, Errc::PinIncorrect);
    EXPECT_EQ(st.error().retries, 2);  // the resetting code's counter
    // After PW3: only the new PIN. 6982 here means "PW3 not verified", not a wrong PIN.
    t.expect("00 2C 02 81 06 31 32 33 34 35 36", "69 82");
    EXPECT_EQ(card.resetRetryCounterAsAdmin(kPin).error().code, Errc::SecurityNotSatisfied);
    t.expect("00 20 FF 81", "90 00");
    EXPECT_TRUE(card.resetVerification(pw::kPw1Sign));
}

TEST_F(CardTest, SignatureWithTheSigKey) {
    open();
    Pkey rsa = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes digestInfo =
        cat({h("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20"), sha256(h("61 62 63"))});
    const Bytes sig = rsaSignDigestInfo(rsa.get(), digestInfo);
    t.expect("00 20 00 81 06 31 32 33 34 35 36", "90 00");
    ASSERT_TRUE(card.verify(pw::kPw1Sign, kPin));
    EXPECT_TRUE(card.signaturePinFresh());
    t.expect(cat({h("00 2A 9E 9A 33"), digestInfo, h("00")}), ok(sig));
    auto out = card.computeSignature(digestInfo);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, sig);
    EXPECT_TRUE(rsaVerifyDigestInfo(rsa.get(), digestInfo, *out));
    EXPECT_FALSE(card.signaturePinFresh());  // C4 byte 1 = 00: one signature per VERIFY 81
}

TEST_F(CardTest, RsaDecipherIsChainedWithThePaddingIndicator) {
    open();
    Pkey rsa = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes secret = h("00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF");
    Bytes ct = rsaEncryptPkcs1(rsa.get(), secret);
    ct[0] = 0x00;  // force the "lost leading zero" case: the driver must pad it back
    const Bytes sent = cat({h("00"), ct});
    t.expectChained(0x00, 0x2A, 0x80, 0x86, sent, true, ok(secret));
    auto plain = card.decipherRsa(ByteView(ct).subspan(1), 256);
    ASSERT_TRUE(plain) << plain.error().describe();
    EXPECT_EQ(*plain, secret);
    EXPECT_EQ(card.decipherRsa(Bytes(257, 1), 256).error().code, Errc::InvalidArgument);
}

TEST_F(CardTest, EcdhCipherTemplates) {
    open();
    const Bytes e25519(32, 0x5A);
    t.expect(cat({h("00 2A 80 86 27 A6 25 7F 49 22 86 20"), e25519, h("00")}), ok(Bytes(32, 0x33)));
    EXPECT_EQ(*card.decipherEcdh(e25519), Bytes(32, 0x33));
    Bytes p256(65, 0x22);
    p256[0] = 0x04;
    t.expect(cat({h("00 2A 80 86 48 A6 46 7F 49 43 86 41"), p256, h("00")}), ok(Bytes(32, 0x44)));
    EXPECT_EQ(*card.decipherEcdh(p256), Bytes(32, 0x44));
    // P-384: 97-byte point, lengths still below 128.
    Bytes p384(97, 0x22);
    p384[0] = 0x04;
    t.expect(cat({h("00 2A 80 86 68 A6 66 7F 49 63 86 61"), p384, h("00")}), ok(Bytes(48, 0x44)));
    EXPECT_TRUE(card.decipherEcdh(p384));
}

TEST_F(CardTest, ReadPublicKeyCollectsALongAnswer) {
    open();
    Pkey rsa = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes templ = publicKeyTemplate(rsa.get());
    ASSERT_EQ(templ.size(), 270u);  // 7F49 82 01 09 {81 82 01 00 <256> 82 03 01 00 01}
    t.expectChunked(h("00 47 81 00 02 B6 00 00"), templ);
    auto key = card.readPublicKey(key::kSig, attrs(kAttrRsa2048));
    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(key->modulus, rsaModulusOf(rsa.get()));
    t.expect("00 47 81 00 02 A4 00 00", "6A 88");
    EXPECT_EQ(card.readPublicKey(key::kAut, attrs(kAttrEd25519)).error().code, Errc::NotFound);
    t.expect("00 47 81 00 02 B8 00 00", ok(h("7F 49 05 86 03 01 02")));
    EXPECT_EQ(card.readPublicKey(key::kDec, attrs(kAttrCv25519)).error().code, Errc::Malformed);
    t.expect("00 47 81 00 02 B8 00 00", ok(h("7F 49 22 86 20 01 02")));  // truncated
    EXPECT_EQ(card.readPublicKey(key::kDec, attrs(kAttrCv25519)).error().code, Errc::Malformed);
}

TEST_F(CardTest, CertificatesThroughSelectData) {
    open();
    Pkey k = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes cert = selfSignedCertificate(k.get(), "sig");
    t.expect("00 A5 02 04 06 60 04 5C 02 7F 21", "90 00");
    t.expectChunked(h("00 CA 7F 21 00"), cert);
    t.expect("00 A5 00 04 06 60 04 5C 02 7F 21", "90 00");
    auto got = card.readCertificate(key::kSig);
    ASSERT_TRUE(got) << got.error().describe();
    ASSERT_TRUE(*got);
    EXPECT_EQ(**got, cert);
    // Occurrence 0 (AUT) is plain 7F21; absent -> nullopt.
    t.expect("00 CA 7F 21 00", "6A 88");
    EXPECT_FALSE(*card.readCertificate(key::kAut));
    t.expect("00 CA 7F 21 00", "90 00");
    EXPECT_FALSE(*card.readCertificate(key::kAut));
    // Delete = PUT DATA with no data; DEC is occurrence 1.
    t.expect("00 A5 01 04 06 60 04 5C 02 7F 21", "90 00");
    t.expect("00 DA 7F 21", "90 00");
    t.expect("00 A5 00 04 06 60 04 5C 02 7F 21", "90 00");
    EXPECT_TRUE(card.writeCertificate(key::kDec, {}));
    EXPECT_EQ(card.writeCertificate(key::kDec, Bytes(0x801, 0x30)).error().code, Errc::NoSpace);
    EXPECT_EQ(card.readCertificate(0x04).error().code, Errc::InvalidArgument);
}

TEST_F(CardTest, Version2CardsHaveOneCertificate) {
    profile.versionMajor = 2;
    profile.versionMinor = 1;
    profile.keyStatus.reset();
    open();
    const auto before = t.exchanged();
    EXPECT_EQ(card.readCertificate(key::kDec).error().code, Errc::NotSupported);
    EXPECT_EQ(t.exchanged(), before);
}

TEST_F(CardTest, ReselectsAfter6D00) {
    open();
    t.expect("00 CA 00 C4 00", "6D 00");
    t.expect(kSelect, "90 00");
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    auto st = card.readPwStatus();
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_TRUE(card.takeSelectionLost());
    EXPECT_FALSE(card.takeSelectionLost());
}

TEST_F(CardTest, OtherDataObjects) {
    open();
    t.expect("00 CA 00 65 00", ok(h("65 0A 5B 03 41 3C 3C 5F 2D 02 64 65")));
    auto ch = card.readCardholderData();
    ASSERT_TRUE(ch);
    EXPECT_EQ(ch->name, "A<<");
    EXPECT_EQ(ch->language, "de");
    t.expect("00 CA 5F 50 00", ok(h("68 74 74 70 73 3A 2F 2F 78")));
    EXPECT_EQ(*card.readUrl(), "https://x");
    t.expect("00 CA 00 5E 00", "6A 88");
    EXPECT_EQ(*card.readLoginData(), "");
    t.expect("00 CA 00 7A 00", ok(h("7A 05 93 03 00 00 2A")));
    EXPECT_EQ(*card.readSignatureCounter(), 42u);
    t.expect("00 CA 00 7A 00", ok(h("93 03 00 00 2B")));  // SmartPGP answers bare
    EXPECT_EQ(*card.readSignatureCounter(), 43u);
    t.expect("00 CA 00 C4 00", ok(h("C4 07 01 7F 7F 7F 03 00 03")));  // a card that wraps simple DOs
    EXPECT_TRUE(card.readPwStatus()->pw1ValidForSeveralSignatures);
    t.expect("00 CA 00 C4 00", ok(h("01 7F 7F")));
    EXPECT_EQ(card.readPwStatus().error().code, Errc::Malformed);
    t.expect("00 DA 00 D3 08 41 42 43 44 45 46 47 48", "90 00");
    EXPECT_TRUE(card.putResettingCode(h("41 42 43 44 45 46 47 48")));
}

TEST_F(CardTest, KdfActiveCardsRefusePlainPins) {
    profile.extcapFlags = 0x7D;
    open();
    t.expect("00 CA 00 F9 00", ok(h("F9 03 81 01 03")));
    EXPECT_EQ(card.verify(pw::kPw1Other, kPin).error().code, Errc::NotSupported);
    EXPECT_EQ(card.verify(pw::kPw1Other, kPin).error().code, Errc::NotSupported);  // cached: no APDU
}

TEST(OpenPgpKeyImport, EcP256IntoSigMatchesTheSpecExample) {
    Pkey k = generateKeyPair(KeyAlgorithm::EcP256);
    auto imp =
        buildKeyImport(key::kSig, *cardapp::componentsFromDer(privateKeyDerOf(k.get())), *decodeAlgorithmAttributes(kAttrP256Ecdsa));
    ASSERT_TRUE(imp) << imp.error().describe();
    const Bytes ehl(imp->extendedHeaderList.begin(), imp->extendedHeaderList.end());
    ASSERT_EQ(ehl.size(), 44u);
    EXPECT_EQ(Bytes(ehl.begin(), ehl.begin() + 12), h("4D 2A B6 00 7F 48 02 92 20 5F 48 20"));
    EXPECT_EQ(imp->spki, spkiOf(k.get()));
    ASSERT_TRUE(imp->publicKey);
    EXPECT_EQ(imp->publicKey->point, publicPointOf(k.get()));
    // With the FF import byte the public key follows as 99.
    auto withPub = buildKeyImport(key::kDec, *cardapp::componentsFromDer(privateKeyDerOf(k.get())),
                                  *decodeAlgorithmAttributes(h("12 2A 86 48 CE 3D 03 01 07 FF")));
    ASSERT_TRUE(withPub);
    const Bytes e2(withPub->extendedHeaderList.begin(), withPub->extendedHeaderList.end());
    EXPECT_EQ(Bytes(e2.begin(), e2.begin() + 14), h("4D 6D B8 00 7F 48 04 92 20 99 41 5F 48 61"));
    EXPECT_EQ(Bytes(e2.end() - 65, e2.end()), publicPointOf(k.get()));
}

TEST(OpenPgpKeyImport, RsaCrtTemplate) {
    Pkey k = generateKeyPair(KeyAlgorithm::Rsa2048);
    auto imp =
        buildKeyImport(key::kAut, *cardapp::componentsFromDer(privateKeyDerOf(k.get())), *decodeAlgorithmAttributes(kAttrRsa2048Smartpgp));
    ASSERT_TRUE(imp) << imp.error().describe();
    const Bytes ehl(imp->extendedHeaderList.begin(), imp->extendedHeaderList.end());
    auto outer = apdu::unwrap(ehl, 0x4D);
    ASSERT_TRUE(outer);
    auto tmpl = apdu::find(*outer, 0x7F48);
    ASSERT_TRUE(tmpl);
    // e in 17 bits -> 3 bytes; p, q, 1/q, dp, dq 128 bytes; n 256 bytes (format 03: CRT + n).
    EXPECT_EQ(Bytes(tmpl->begin(), tmpl->end()),
              h("91 03 92 81 80 93 81 80 94 81 80 95 81 80 96 81 80 97 82 01 00"));
    auto values = apdu::find(*outer, 0x5F48);
    ASSERT_TRUE(values);
    EXPECT_EQ(values->size(), 3u + 5 * 128 + 256);
    EXPECT_EQ(Bytes(values->begin(), values->begin() + 3), h("01 00 01"));
    EXPECT_EQ(Bytes(values->end() - 256, values->end()), rsaModulusOf(k.get()));
    // GnuPG's RSA-2048 attributes (format 00): e in 4 bytes, p and q only.
    auto plain =
        buildKeyImport(key::kAut, *cardapp::componentsFromDer(privateKeyDerOf(k.get())), *decodeAlgorithmAttributes(kAttrRsa2048));
    ASSERT_TRUE(plain);
    const Bytes e2(plain->extendedHeaderList.begin(), plain->extendedHeaderList.end());
    EXPECT_EQ(Bytes(e2.begin(), e2.begin() + 19),
              h("4D 82 01 16 A4 00 7F 48 08 91 04 92 81 80 93 81 80 5F 48"));
    // Mismatch between key and slot attributes.
    EXPECT_EQ(buildKeyImport(key::kAut, *cardapp::componentsFromDer(privateKeyDerOf(k.get())), *decodeAlgorithmAttributes(kAttrEd25519))
                  .error()
                  .code,
              Errc::InvalidArgument);
    EXPECT_EQ(cardapp::componentsFromDer(h("30 03 02 01 00")).error().code, Errc::InvalidArgument);
}

}  // namespace
}  // namespace openpgp::test
