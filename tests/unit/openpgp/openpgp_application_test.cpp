// OpenPgpApplication against a scripted card whose answers come from real OpenSSL keys.
#include "card-apps/common/private_key_der.h"
#include "card-apps/openpgp/openpgp_application.h"

#include <gtest/gtest.h>

#include "core/crypto/hash.h"
#include "core/crypto/rsa_padding.h"
#include "tests/unit/openpgp/card_profile.h"
#include "tests/support/scripted_transport.h"

namespace openpgp::test {
using testsupport::FakeTransport;
namespace {

using cardapp::KeyAlgorithm;
using cardapp::PinKind;
using cardapp::PinPolicy;
using core::Errc;

const Bytes kPin = h("31 32 33 34 35 36");
const char* kSelect = "00 A4 04 00 06 D2 76 00 01 24 01 00";
const char* kVerify81 = "00 20 00 81 06 31 32 33 34 35 36";
const char* kVerify82 = "00 20 00 82 06 31 32 33 34 35 36";

class AppTest : public ::testing::Test {
  protected:
    void expectOpen() {
        t.expect(kSelect, "90 00");
        t.expectChunked(h("00 CA 00 6E 00"), profile.build());
    }
    FakeTransport t;
    CardProfile profile;
    OpenPgpApplication app{t};
};

TEST_F(AppTest, IdentityFromTheAid) {
    expectOpen();
    auto id = app.identity();
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(id->application, "OpenPGP");
    EXPECT_EQ(id->serial, "000612345678");
    EXPECT_EQ(id->label, "OpenPGP card 000612345678");
    EXPECT_EQ(id->cardId, profile.aid());
    EXPECT_TRUE(app.identity());  // cached
    EXPECT_EQ(t.exchanged(), 2u);
    EXPECT_EQ(t.transactionsBegun(), 1);
    for (int tx : t.transactionOfApdu()) EXPECT_EQ(tx, 1);
}

TEST_F(AppTest, KeysFromAttributesPublicKeysAndCertificates) {
    Pkey sig = generateKeyPair(KeyAlgorithm::Rsa2048);
    Pkey dec = generateKeyPair(KeyAlgorithm::X25519);
    const Bytes cert = selfSignedCertificate(sig.get(), "OpenPGP SIG");
    profile.keyStatus = std::array<uint8_t, 3>{0x01, 0x02, 0x00};
    expectOpen();
    t.expectChunked(h("00 47 81 00 02 B6 00 00"), publicKeyTemplate(sig.get()));
    t.expect("00 A5 02 04 06 60 04 5C 02 7F 21", "90 00");
    t.expectChunked(h("00 CA 7F 21 00"), cert);
    t.expect("00 A5 00 04 06 60 04 5C 02 7F 21", "90 00");
    t.expect("00 47 81 00 02 B8 00 00", ok(publicKeyTemplate(dec.get())));
    t.expect("00 A5 01 04 06 60 04 5C 02 7F 21", "90 00");
    t.expect("00 CA 7F 21 00", "6A 88");
    t.expect("00 A5 00 04 06 60 04 5C 02 7F 21", "90 00");
    auto keys = app.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 2u);
    const auto& s = (*keys)[0];
    EXPECT_EQ(s.ref, key::kSig);
    EXPECT_EQ(s.algorithm, KeyAlgorithm::Rsa2048);
    EXPECT_EQ(s.publicKeyInfo, spkiOf(sig.get()));
    EXPECT_EQ(s.usage, unsigned(cardapp::kUsageSign));
    EXPECT_EQ(s.pinPolicy, PinPolicy::Always);  // C4 byte 1 = 00
    EXPECT_EQ(s.generatedOnCard, true);
    EXPECT_TRUE(s.hasCertificate);
    const auto& d = (*keys)[1];
    EXPECT_EQ(d.ref, key::kDec);
    EXPECT_EQ(d.algorithm, KeyAlgorithm::X25519);
    EXPECT_EQ(d.publicKeyInfo, spkiOf(dec.get()));
    EXPECT_EQ(d.usage, unsigned(cardapp::kUsageDerive));
    EXPECT_EQ(d.pinPolicy, PinPolicy::Once);
    EXPECT_EQ(d.generatedOnCard, false);
    EXPECT_FALSE(d.hasCertificate);
    // Cached: no more APDUs.
    const auto sent = t.exchanged();
    EXPECT_TRUE(app.keys());
    EXPECT_EQ(**app.certificate(key::kSig), cert);
    EXPECT_FALSE(*app.certificate(key::kDec));
    EXPECT_EQ(t.exchanged(), sent);
}

TEST_F(AppTest, WithoutKeyInformationTheFingerprintTells) {
    profile.keyStatus.reset();
    profile.pw1Several = 0x01;
    profile.fingerprints[2] = Bytes(20, 0x42);
    profile.attributes[2] = kAttrP256Ecdsa;
    Pkey aut = generateKeyPair(KeyAlgorithm::EcP256);
    expectOpen();
    t.expect("00 47 81 00 02 A4 00 00", ok(publicKeyTemplate(aut.get())));
    t.expect("00 CA 7F 21 00", "90 00");
    auto keys = app.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ((*keys)[0].ref, key::kAut);
    EXPECT_EQ((*keys)[0].algorithm, KeyAlgorithm::EcP256);
    EXPECT_FALSE((*keys)[0].generatedOnCard);
}

TEST_F(AppTest, MalformedPublicKeyFailsEnumeration) {
    profile.keyStatus = std::array<uint8_t, 3>{0x01, 0x00, 0x00};
    expectOpen();
    t.expect("00 47 81 00 02 B6 00 00", ok(h("7F 49 04 81 02 01 00")));
    EXPECT_EQ(app.keys().error().code, Errc::Malformed);
}

TEST_F(AppTest, RsaSignaturesNeedAFreshPinEachTime) {
    Pkey sig = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes hash = sha256(h("68 65 6C 6C 6F"));
    auto block = crypto::pkcs1v15DigestInfoBlock(crypto::HashAlg::Sha256, hash, 256);
    ASSERT_TRUE(block);
    const Bytes digestInfo = cat({crypto::digestInfoPrefix(crypto::HashAlg::Sha256), hash});
    const Bytes answer = rsaSignDigestInfo(sig.get(), digestInfo);
    expectOpen();
    t.expect(kVerify81, "90 00");
    t.expect(cat({h("00 2A 9E 9A 33"), digestInfo, h("00")}), ok(answer));
    auto s = app.signWithPin(key::kSig, *block, kPin);
    ASSERT_TRUE(s) << s.error().describe();
    EXPECT_TRUE(rsaVerifyDigestInfo(sig.get(), digestInfo, *s));
    // The PIN was good for one signature: no APDU, a clear error.
    const auto sent = t.exchanged();
    EXPECT_EQ(app.sign(key::kSig, *block).error().code, Errc::SecurityNotSatisfied);
    EXPECT_EQ(t.exchanged(), sent);
    // A login verifies 82 and 81: one more signature.
    t.expect(kVerify82, "90 00");
    t.expect(kVerify81, "90 00");
    ASSERT_TRUE(app.verifyPin(PinKind::User, kPin));
    t.expect(cat({h("00 2A 9E 9A 33"), digestInfo, h("00")}), ok(answer));
    EXPECT_TRUE(app.sign(key::kSig, digestInfo));  // a DigestInfo is taken as is
    EXPECT_EQ(app.sign(key::kSig, *block).error().code, Errc::SecurityNotSatisfied);
    // PSS blocks cannot be made by a card that pads itself.
    Bytes pss = *block;
    pss[1] = 0x7F;
    EXPECT_EQ(app.signWithPin(key::kSig, pss, kPin).error().code, Errc::NotSupported);
    EXPECT_EQ(app.sign(key::kDec, *block).error().code, Errc::InvalidArgument);
}

TEST_F(AppTest, SeveralSignaturesPerVerifyWhenTheCardAllowsIt) {
    profile.pw1Several = 0x01;
    profile.attributes[0] = kAttrEd25519;
    Pkey ed = generateKeyPair(KeyAlgorithm::Ed25519);
    const Bytes msg = h("01 02 03 04 05");
    expectOpen();
    t.expect(kVerify82, "90 00");
    t.expect(kVerify81, "90 00");
    ASSERT_TRUE(app.verifyPin(PinKind::User, kPin));
    for (int i = 0; i < 2; ++i) {
        t.expect(cat({h("00 2A 9E 9A 05"), msg, h("00")}), ok(ed25519Sign(ed.get(), msg)));
        auto s = app.sign(key::kSig, msg);
        ASSERT_TRUE(s) << s.error().describe();
        EXPECT_TRUE(ed25519Verify(ed.get(), msg, *s));
    }
    t.expect(cat({h("00 2A 9E 9A 05"), msg, h("00")}), ok(Bytes(63, 1)));
    EXPECT_EQ(app.sign(key::kSig, msg).error().code, Errc::Malformed);
}

TEST_F(AppTest, EcdsaWithTheAuthenticationKey) {
    profile.attributes[2] = kAttrP256Ecdsa;
    Pkey aut = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes hash384 = crypto::digest(crypto::HashAlg::Sha384, h("61"));
    const Bytes used = Bytes(hash384.begin(), hash384.begin() + 32);  // leftmost field bytes
    expectOpen();
    t.expect(kVerify82, "90 00");
    t.expect(cat({h("00 88 00 00 20"), used, h("00")}), ok(ecdsaSignRaw(aut.get(), used, 32)));
    auto s = app.signWithPin(key::kAut, hash384, kPin);
    ASSERT_TRUE(s) << s.error().describe();
    EXPECT_EQ((*s)[0], 0x30);  // DER for the interface
    EXPECT_TRUE(ecdsaVerifyDer(aut.get(), used, *s));
    // A short hash is left-padded; a card answer that is not r||s is Malformed.
    t.expect(cat({h("00 88 00 00 20"), Bytes(12, 0), Bytes(20, 0xAA), h("00")}), ok(Bytes(63, 1)));
    EXPECT_EQ(app.sign(key::kAut, Bytes(20, 0xAA)).error().code, Errc::Malformed);
}

TEST_F(AppTest, RsaDecipherReturnsAPkcs1Block) {
    profile.attributes[1] = kAttrRsa2048;
    Pkey dec = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes secret = h("0F 1E 2D 3C 4B 5A 69 78 87 96 A5 B4 C3 D2 E1 F0");
    const Bytes ct = rsaEncryptPkcs1(dec.get(), secret);
    const Bytes plain = rsaDecryptPkcs1(dec.get(), ct);
    ASSERT_EQ(plain, secret);
    expectOpen();
    t.expect(kVerify82, "90 00");
    t.expectChained(0x00, 0x2A, 0x80, 0x86, cat({h("00"), ct}), true, ok(plain));
    auto block = app.decipherWithPin(key::kDec, ct, kPin);
    ASSERT_TRUE(block) << block.error().describe();
    ASSERT_EQ(block->size(), 256u);
    auto unpadded = crypto::pkcs1v15DecryptUnpad(*block);
    ASSERT_TRUE(unpadded);
    EXPECT_EQ(*unpadded, secret);
    t.expectChained(0x00, 0x2A, 0x80, 0x86, cat({h("00"), ct}), true, ok(plain));
    EXPECT_EQ(*app.decipherPlaintext(key::kDec, ct), secret);
    EXPECT_EQ(app.deriveEcdh(key::kDec, Bytes(65, 4)).error().code, Errc::InvalidArgument);
    EXPECT_EQ(app.decipher(key::kSig, ct).error().code, Errc::InvalidArgument);
}

TEST_F(AppTest, EcdhMatchesOpenSsl) {
    profile.attributes[1] = kAttrP256Ecdh;
    Pkey card = generateKeyPair(KeyAlgorithm::EcP256);
    Pkey peer = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes peerPoint = publicPointOf(peer.get());
    const Bytes z = ecdh(card.get(), peer.get());
    expectOpen();
    t.expect(cat({h("00 2A 80 86 48 A6 46 7F 49 43 86 41"), peerPoint, h("00")}), ok(z));
    auto got = app.deriveEcdh(key::kDec, peerPoint);
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(*got, ecdh(peer.get(), card.get()));
    // A card answering with the whole point: X is taken.
    t.expect(cat({h("00 2A 80 86 48 A6 46 7F 49 43 86 41"), peerPoint, h("00")}),
             ok(cat({h("04"), z, Bytes(32, 0x77)})));
    EXPECT_EQ(*app.deriveEcdh(key::kDec, peerPoint), z);
    EXPECT_EQ(app.deriveEcdh(key::kDec, Bytes(32, 9)).error().code, Errc::InvalidArgument);
}

TEST_F(AppTest, X25519MatchesOpenSsl) {
    Pkey card = generateKeyPair(KeyAlgorithm::X25519);
    Pkey peer = generateKeyPair(KeyAlgorithm::X25519);
    const Bytes e = publicPointOf(peer.get());
    expectOpen();
    t.expect(kVerify82, "90 00");
    t.expect(cat({h("00 2A 80 86 27 A6 25 7F 49 22 86 20"), e, h("00")}), ok(ecdh(card.get(), peer.get())));
    auto got = app.deriveEcdhWithPin(key::kDec, cat({h("40"), e}), kPin);  // OpenPGP's 40 prefix is dropped
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(*got, ecdh(peer.get(), card.get()));
}

TEST_F(AppTest, GenerateSetsAttributesAndWritesFingerprintAndTime) {
    Pkey k = generateKeyPair(KeyAlgorithm::EcP256);
    app.setClock([] { return 0x65A0B0C0u; });
    const Bytes body = cat({h("04 65 A0 B0 C0 13 08 2A 86 48 CE 3D 03 01 07 02 03"), publicPointOf(k.get())});
    const Bytes fp = sha1(cat({h("99"), Bytes{0, uint8_t(body.size())}, body}));
    expectOpen();
    t.expect("00 DA 00 C1 09 13 2A 86 48 CE 3D 03 01 07", "90 00");
    t.expect("00 47 80 00 02 B6 00 00", ok(publicKeyTemplate(k.get())));
    t.expect(cat({h("00 DA 00 C7 14"), fp}), "90 00");
    t.expect("00 DA 00 CE 04 65 A0 B0 C0", "90 00");
    auto info = app.generateKey(key::kSig, KeyAlgorithm::EcP256);
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->publicKeyInfo, spkiOf(k.get()));
    EXPECT_EQ(info->algorithm, KeyAlgorithm::EcP256);
    EXPECT_EQ(info->pinPolicy, PinPolicy::Always);
    EXPECT_EQ(info->generatedOnCard, true);
    for (int tx : t.transactionOfApdu()) EXPECT_EQ(tx, 1);  // all in one transaction
    EXPECT_EQ(app.generateKey(key::kSig, KeyAlgorithm::X25519).error().code, Errc::InvalidArgument);
}

TEST_F(AppTest, GenerateKeepsMatchingAttributesAndRefusesFixedOnes) {
    Pkey k = generateKeyPair(KeyAlgorithm::Ed25519);
    app.setClock([] { return 0x00000100u; });
    const Bytes body =
        cat({h("04 00 00 01 00 16 09 2B 06 01 04 01 DA 47 0F 01 01 07 40"), publicPointOf(k.get())});
    const Bytes fp = sha1(cat({h("99 00"), Bytes{uint8_t(body.size())}, body}));
    profile.extcapFlags = 0x78;  // attributes not changeable
    expectOpen();
    // AUT holds Ed25519 attributes already: no PUT DATA C3.
    t.expect("00 47 80 00 02 A4 00 00", ok(publicKeyTemplate(k.get())));
    t.expect(cat({h("00 DA 00 C9 14"), fp}), "90 00");
    t.expect("00 DA 00 D0 04 00 00 01 00", "90 00");
    auto info = app.generateKey(key::kAut, KeyAlgorithm::Ed25519);
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->publicKeyInfo, spkiOf(k.get()));
    EXPECT_EQ(info->pinPolicy, PinPolicy::Once);
    // Another algorithm would need PUT DATA C3, which this card does not allow. (6E is read again
    // first: the writes above changed it.)
    t.expectChunked(h("00 CA 00 6E 00"), profile.build());
    auto other = app.generateKey(key::kAut, KeyAlgorithm::EcP256);
    EXPECT_EQ(other.error().code, Errc::NotSupported);
}

TEST_F(AppTest, PinStatusNeverSpendsATry) {
    profile.retries = {2, 0, 3};
    expectOpen();
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    t.expect("00 20 00 82", "63 C2");
    auto user = app.pinStatus(PinKind::User);
    ASSERT_TRUE(user) << user.error().describe();
    EXPECT_EQ(user->retriesLeft, 2);
    EXPECT_FALSE(user->verified);
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    t.expect("00 20 00 83", "90 00");
    EXPECT_TRUE(app.pinStatus(PinKind::Admin)->verified);
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    auto rc = app.pinStatus(PinKind::Puk);
    EXPECT_TRUE(rc->blocked());  // no resetting code set
    profile.retries = {0, 0, 3};
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    EXPECT_TRUE(app.pinStatus(PinKind::User)->blocked());  // no status query for a blocked PIN
    EXPECT_EQ(app.verifyPin(PinKind::Puk, kPin).error().code, Errc::NotSupported);
}

TEST_F(AppTest, PinManagement) {
    expectOpen();
    t.expect("00 20 00 83 08 31 32 33 34 35 36 37 38", "90 00");
    t.expect("00 2C 02 81 06 36 36 36 36 36 36", "90 00");
    EXPECT_TRUE(app.unblockPinWithAdmin(h("31 32 33 34 35 36 37 38"), h("36 36 36 36 36 36")));
    t.expect("00 2C 00 81 0E 41 41 41 41 41 41 41 41 36 36 36 36 36 36", "90 00");
    EXPECT_TRUE(app.unblockPin(Bytes(8, 0x41), h("36 36 36 36 36 36")));
    t.expect("00 24 00 83 10 31 32 33 34 35 36 37 38 38 38 38 38 38 38 38 38", "90 00");
    EXPECT_TRUE(app.changePin(PinKind::Admin, h("31 32 33 34 35 36 37 38"), Bytes(8, 0x38)));
    EXPECT_EQ(app.changePin(PinKind::Puk, Bytes(8, 0x41), Bytes(8, 0x42)).error().code, Errc::NotSupported);
    t.expect("00 20 FF 81", "90 00");
    t.expect("00 20 FF 82", "90 00");
    t.expect("00 20 FF 83", "90 00");
    EXPECT_TRUE(app.logout());
}

TEST_F(AppTest, LogoutFallsBackToSelect) {
    expectOpen();
    t.expect("00 20 FF 81", "6B 00");
    t.expect(kSelect, "90 00");
    EXPECT_TRUE(app.logout());
}

TEST_F(AppTest, CardResetRepeatsReadsAndReportsWrites) {
    expectOpen();
    ASSERT_TRUE(app.identity());
    t.expectError(h("00 CA 00 C4 00"), core::Error(Errc::CardReset, "reset"));
    expectOpen();
    t.expect("00 CA 00 C4 00", ok(profile.pwStatus()));
    t.expect("00 20 00 82", "63 C3");
    auto st = app.pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_TRUE(app.takeStateLost());
    EXPECT_FALSE(app.takeStateLost());
    t.expectError(h(kVerify81), core::Error(Errc::CardReset, "reset"));
    expectOpen();
    auto s = app.signWithPin(key::kSig, Bytes(51, 0x30), kPin);
    EXPECT_EQ(s.error().code, Errc::CardReset);
}

TEST_F(AppTest, ExtendedLengthWhenCardAndReaderAgree) {
    profile.extendedLength = true;
    profile.attributes[1] = kAttrRsa2048;
    profile.keyStatus = std::array<uint8_t, 3>{0x00, 0x01, 0x00};
    t.setExtendedLength(true);
    Pkey dec = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes ct = rsaEncryptPkcs1(dec.get(), h("01 02 03"));
    expectOpen();
    t.expect("00 47 81 00 00 00 02 B8 00 08 00", ok(publicKeyTemplate(dec.get())));
    t.expect("00 A5 01 04 06 60 04 5C 02 7F 21", "90 00");
    t.expect("00 CA 7F 21 00 08 00", "90 00");
    t.expect("00 A5 00 04 06 60 04 5C 02 7F 21", "90 00");
    auto keys = app.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    EXPECT_EQ((*keys)[0].publicKeyInfo, spkiOf(dec.get()));
    t.expect(cat({h("00 2A 80 86 00 01 01 00"), ct, h("08 00")}), ok(h("01 02 03")));
    EXPECT_EQ(*app.decipherPlaintext(key::kDec, ct), h("01 02 03"));
}

TEST_F(AppTest, CertificateWriteAndDelete) {
    Pkey k = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes cert = selfSignedCertificate(k.get(), "AUT");
    expectOpen();
    t.expectChained(0x00, 0xDA, 0x7F, 0x21, cert, false, h("90 00"));
    ASSERT_TRUE(app.writeCertificate(key::kAut, cert));
    EXPECT_EQ(**app.certificate(key::kAut), cert);  // remembered, no APDU
    t.expect("00 DA 7F 21", "90 00");
    ASSERT_TRUE(app.deleteCertificate(key::kAut));
    EXPECT_FALSE(*app.certificate(key::kAut));
    EXPECT_EQ(app.writeCertificate(key::kAut, h("30 00")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(app.certificate(0x9A).error().code, Errc::InvalidArgument);
}

TEST_F(AppTest, ImportNeedsTheCardsPermission) {
    Pkey k = generateKeyPair(KeyAlgorithm::EcP256);
    profile.extcapFlags = 0x5C;  // no key import
    expectOpen();
    EXPECT_EQ(app.importKey(key::kAut, *cardapp::componentsFromDer(privateKeyDerOf(k.get()))).error().code, Errc::NotSupported);
}

TEST_F(AppTest, ImportWritesTheKeyThenFingerprintAndTime) {
    Pkey k = generateKeyPair(KeyAlgorithm::Ed25519);
    app.setClock([] { return 0x00000100u; });
    const Bytes body =
        cat({h("04 00 00 01 00 16 09 2B 06 01 04 01 DA 47 0F 01 01 07 40"), publicPointOf(k.get())});
    const Bytes fp = sha1(cat({h("99 00"), Bytes{uint8_t(body.size())}, body}));
    Bytes seed(32);
    size_t len = seed.size();
    ASSERT_EQ(EVP_PKEY_get_raw_private_key(k.get(), seed.data(), &len), 1);
    expectOpen();
    t.expect(cat({h("00 DB 3F FF 2C 4D 2A A4 00 7F 48 02 92 20 5F 48 20"), seed}), "90 00");
    t.expect(cat({h("00 DA 00 C9 14"), fp}), "90 00");
    t.expect("00 DA 00 D0 04 00 00 01 00", "90 00");
    auto info = app.importKey(key::kAut, *cardapp::componentsFromDer(privateKeyDerOf(k.get())));
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->publicKeyInfo, spkiOf(k.get()));
    EXPECT_EQ(info->generatedOnCard, false);
}

}  // namespace
}  // namespace openpgp::test
