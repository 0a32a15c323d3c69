// Every operation of the host OpenPGP driver through pcscd against the virtual OpenPGP card: data objects,
// PINs (counters read without spending a try, change, reset with PW3 or the resetting code), on-card key
// generation per slot with the attributes set first, PSO:CDS (RSA, P-256, P-384, Ed25519) with "PW1 valid
// for one signature", PSO:DECIPHER (RSA, ECDH P-256/P-384, X25519), INTERNAL AUTHENTICATE, certificates
// in all three 7F21 occurrences, key import. OpenSSL checks every private-key result.
#include <algorithm>
#include <array>
#include <tuple>

#include "card-apps/common/private_key_der.h"
#include "tests/integration_openpgp/openpgp_driver_fixture.h"

namespace itest {
namespace {

namespace hc = hostcrypto;
using openpgp::ApplicationData;

const Bytes kData = text("signed through pcscd by the OpenPGP driver\n");

class OpenPgpDriverTest : public OpenPgpDriverFixture {};

bool zero(const openpgp::Fingerprint& f) {
    return std::all_of(f.begin(), f.end(), [](uint8_t b) { return b == 0; });
}

TEST_F(OpenPgpDriverTest, ApplicationDataIdentityAndCardholderObjects) {
    auto id = app().identity();
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(id->application, "OpenPGP");
    ASSERT_EQ(id->serial.size(), 12u);
    EXPECT_EQ(id->serial.substr(0, 4), "FF00");
    EXPECT_EQ(id->label, "OpenPGP card " + id->serial);
    ASSERT_EQ(id->cardId.size(), 16u);

    const ApplicationData d = appData();
    EXPECT_EQ(d.aid, id->cardId);
    EXPECT_EQ(d.aidHex().substr(0, 12), "D27600012401");
    EXPECT_EQ(d.versionMajor, 3);
    EXPECT_EQ(d.versionMinor, 4);
    EXPECT_EQ(d.manufacturer, 0xFF00);
    EXPECT_TRUE(d.historical.commandChaining);
    ASSERT_TRUE(d.capabilities);
    EXPECT_TRUE(d.capabilities->has(openpgp::extcap::kKeyImport));
    EXPECT_EQ(d.capabilities->maxCertificate, 0x0800);
    ASSERT_TRUE(d.pwStatus);
    EXPECT_FALSE(d.pwStatus->pw1ValidForSeveralSignatures);
    EXPECT_EQ(d.pwStatus->retriesPw1, 3);
    EXPECT_EQ(d.pwStatus->retriesRc, 0);
    EXPECT_EQ(d.pwStatus->retriesPw3, 3);
    EXPECT_EQ(d.pwStatus->maxLengthPw1, 127);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(d.attributes[i]) << i;
        EXPECT_EQ(d.attributes[i]->keyAlgorithm(), KeyAlgorithm::Rsa2048) << i;
        EXPECT_TRUE(zero(d.fingerprints[i])) << i;
        EXPECT_EQ(d.generationTimes[i], 0u) << i;
    }
    ASSERT_TRUE(d.keyStatus);
    EXPECT_EQ((*d.keyStatus)[0], 0);

    auto keys = app().keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    EXPECT_TRUE(keys->empty());

    // Cardholder data, URL, login data: empty on a new card, written with PW3 and read back.
    openpgp::OpenPgpCard& card = app().card();
    auto holder = card.readCardholderData();
    ASSERT_TRUE(holder) << holder.error().describe();
    EXPECT_EQ(holder->name, "");
    auto counter = card.readSignatureCounter();
    ASSERT_TRUE(counter) << counter.error().describe();
    EXPECT_EQ(*counter, 0u);
    auto refused = card.putData(openpgp::tag::kUrl, text("https://example.org/key.asc"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::SecurityNotSatisfied) << refused.error().describe();
    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    ASSERT_TRUE(card.putData(openpgp::tag::kName, text("Doe<<Jane")));
    ASSERT_TRUE(card.putData(openpgp::tag::kUrl, text("https://example.org/key.asc")));
    ASSERT_TRUE(card.putData(openpgp::tag::kLoginData, text("jane")));
    holder = card.readCardholderData();
    ASSERT_TRUE(holder) << holder.error().describe();
    EXPECT_EQ(holder->name, "Doe<<Jane");
    auto url = card.readUrl();
    ASSERT_TRUE(url) << url.error().describe();
    EXPECT_EQ(*url, "https://example.org/key.asc");
    auto login = card.readLoginData();
    ASSERT_TRUE(login) << login.error().describe();
    EXPECT_EQ(*login, "jane");
}

TEST_F(OpenPgpDriverTest, PinCountersChangeAndResetRetryCounter) {
    auto st = app().pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_FALSE(st->verified);

    auto wrong = app().verifyPin(PinKind::User, text("000000"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::PinIncorrect) << wrong.error().describe();
    EXPECT_EQ(wrong.error().retries, 2);
    // Asking twice costs nothing.
    for (int i = 0; i < 2; ++i) {
        st = app().pinStatus(PinKind::User);
        ASSERT_TRUE(st);
        EXPECT_EQ(st->retriesLeft, 2);
    }
    auto tooShort = app().verifyPin(PinKind::User, text("12345"));
    ASSERT_FALSE(tooShort);
    EXPECT_EQ(tooShort.error().code, Errc::InvalidArgument);
    EXPECT_EQ(app().pinStatus(PinKind::User)->retriesLeft, 2) << "a bad format never reaches the card";

    ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
    st = app().pinStatus(PinKind::User);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_TRUE(st->verified);

    // CHANGE REFERENCE DATA (PW1)
    ASSERT_TRUE(app().changePin(PinKind::User, kPw1, text("654321")));
    EXPECT_EQ(app().verifyPin(PinKind::User, kPw1).error().code, Errc::PinIncorrect);
    ASSERT_TRUE(app().verifyPin(PinKind::User, text("654321")));

    // Blocked, then RESET RETRY COUNTER with PW3 (P1=02).
    for (int i = 0; i < 3; ++i) (void)app().verifyPin(PinKind::User, text("999999"));
    auto blocked = app().verifyPin(PinKind::User, text("654321"));
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, Errc::AuthBlocked) << blocked.error().describe();
    EXPECT_EQ(app().pinStatus(PinKind::User)->retriesLeft, 0);
    auto badAdmin = app().unblockPinWithAdmin(text("87654321"), text("112233"));
    ASSERT_FALSE(badAdmin);
    EXPECT_EQ(badAdmin.error().code, Errc::PinIncorrect);
    EXPECT_EQ(badAdmin.error().retries, 2);
    ASSERT_TRUE(app().unblockPinWithAdmin(kPw3, text("112233")));
    ASSERT_TRUE(app().verifyPin(PinKind::User, text("112233")));
    EXPECT_EQ(app().pinStatus(PinKind::Admin)->retriesLeft, 3) << "the right PW3 restored its counter";

    // The same with PW3 verified earlier (what the PKCS#11 SO login does), and refused without it.
    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    ASSERT_TRUE(app().resetUserPinAsAdmin(text("223344")));
    ASSERT_TRUE(app().verifyPin(PinKind::User, text("223344")));
    ASSERT_TRUE(app().logout());
    auto noAdmin = app().resetUserPinAsAdmin(text("334455"));
    ASSERT_FALSE(noAdmin);
    EXPECT_EQ(noAdmin.error().code, Errc::SecurityNotSatisfied) << noAdmin.error().describe();

    // Resetting code (RESET RETRY COUNTER P1=00): set with PW3, then used alone.
    auto noRc = app().unblockPin(text("RC-12345"), text("445566"));
    ASSERT_FALSE(noRc);
    EXPECT_EQ(noRc.error().code, Errc::AuthBlocked) << "no resetting code set: its counter is 0";
    ASSERT_TRUE(app().setResettingCode(kPw3, text("RC-12345")));
    EXPECT_EQ(app().pinStatus(PinKind::Puk)->retriesLeft, 3);
    for (int i = 0; i < 3; ++i) (void)app().verifyPin(PinKind::User, text("999999"));
    EXPECT_EQ(app().pinStatus(PinKind::User)->retriesLeft, 0);
    auto wrongRc = app().unblockPin(text("RC-00000"), text("445566"));
    ASSERT_FALSE(wrongRc);
    EXPECT_EQ(wrongRc.error().code, Errc::PinIncorrect);
    EXPECT_EQ(wrongRc.error().retries, 2);
    ASSERT_TRUE(app().unblockPin(text("RC-12345"), text("445566")));
    ASSERT_TRUE(app().verifyPin(PinKind::User, text("445566")));

    // CHANGE REFERENCE DATA (PW3)
    ASSERT_TRUE(app().changePin(PinKind::Admin, kPw3, text("87654321")));
    EXPECT_EQ(app().authenticateAdmin(kPw3).error().code, Errc::PinIncorrect);
    ASSERT_TRUE(app().authenticateAdmin(text("87654321")));
}

struct SigCase {
    KeyAlgorithm alg;
    const char* name;
};

class OpenPgpDriverSignTest : public OpenPgpDriverFixture, public ::testing::WithParamInterface<SigCase> {
  protected:
    // The card's input for kData and the OpenSSL check of its answer.
    Bytes input(KeyAlgorithm alg) {
        if (cardapp::isRsa(alg)) return hc::pkcs1Sha256Block(kData, cardapp::rsaModulusBytes(alg));
        if (alg == KeyAlgorithm::EcP256) return hc::sha256(kData);
        if (alg == KeyAlgorithm::EcP384) return hc::sha384(kData);
        return kData;  // EdDSA signs the message
    }
    bool verifies(KeyAlgorithm alg, ByteView spki, ByteView sig) {
        if (cardapp::isRsa(alg)) return hc::verify(spki, "SHA256", kData, sig);
        if (cardapp::isEc(alg)) return hc::verifyEcdsaDerHash(spki, input(alg), sig);
        return hc::verify(spki, "", kData, sig);
    }
};

// PSO:CDS after GENERATE in the SIG slot, "PW1 valid for one signature" honoured.
TEST_P(OpenPgpDriverSignTest, SignatureKeyGeneratedAndUsedOncePerPin) {
    const KeyAlgorithm alg = GetParam().alg;
    const Bytes spki = generate(0x01, alg);
    ASSERT_FALSE(spki.empty());
    const ApplicationData d = appData();
    ASSERT_TRUE(d.attributes[0]);
    EXPECT_EQ(d.attributes[0]->keyAlgorithm(), alg) << "attributes C1 written before GENERATE";
    EXPECT_FALSE(zero(d.fingerprints[0])) << "fingerprint C7 written";
    EXPECT_NE(d.generationTimes[0], 0u) << "time CE written";
    ASSERT_TRUE(d.keyStatus);
    EXPECT_EQ((*d.keyStatus)[0], 1) << "generated on the card";

    auto keys = app().keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ(keys->front().ref, 0x01);
    EXPECT_EQ(keys->front().pinPolicy, cardapp::PinPolicy::Always);
    EXPECT_EQ(keys->front().publicKeyInfo, spki);

    auto noPin = app().sign(0x01, input(alg));
    ASSERT_FALSE(noPin);
    EXPECT_EQ(noPin.error().code, Errc::SecurityNotSatisfied) << noPin.error().describe();

    ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
    auto sig = app().sign(0x01, input(alg));
    ASSERT_TRUE(sig) << sig.error().describe();
    if (alg == KeyAlgorithm::Ed25519) {
        EXPECT_EQ(sig->size(), 64u);
    }
    EXPECT_TRUE(verifies(alg, spki, *sig)) << "OpenSSL rejects the card's signature";
    auto second = app().sign(0x01, input(alg));
    ASSERT_FALSE(second) << "PW1 was valid for one signature only";
    EXPECT_EQ(second.error().code, Errc::SecurityNotSatisfied);

    auto withPin = app().signWithPin(0x01, input(alg), kPw1);
    ASSERT_TRUE(withPin) << withPin.error().describe();
    EXPECT_TRUE(verifies(alg, spki, *withPin));
    auto counter = app().card().readSignatureCounter();
    ASSERT_TRUE(counter) << counter.error().describe();
    EXPECT_EQ(*counter, 2u);

    // C4 byte 1 = 01: PW1 stays valid for several signatures.
    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    ASSERT_TRUE(app().card().putData(openpgp::tag::kPwStatus, Bytes{0x01}));
    openpgp::OpenPgpApplication& fresh = freshDriver();
    auto freshKeys = fresh.keys();
    ASSERT_TRUE(freshKeys) << freshKeys.error().describe();
    ASSERT_EQ(freshKeys->size(), 1u);
    EXPECT_EQ(freshKeys->front().pinPolicy, cardapp::PinPolicy::Once);
    ASSERT_TRUE(fresh.verifyPin(PinKind::User, kPw1));
    for (int i = 0; i < 2; ++i) {
        auto again = fresh.sign(0x01, input(alg));
        ASSERT_TRUE(again) << i << ": " << again.error().describe();
        EXPECT_TRUE(verifies(alg, spki, *again));
    }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, OpenPgpDriverSignTest,
                         ::testing::Values(SigCase{KeyAlgorithm::Rsa2048, "Rsa2048"},
                                           SigCase{KeyAlgorithm::EcP256, "P256"},
                                           SigCase{KeyAlgorithm::EcP384, "P384"},
                                           SigCase{KeyAlgorithm::Ed25519, "Ed25519"}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST_F(OpenPgpDriverTest, RsaDecipher) {
    const Bytes spki = generate(0x02, KeyAlgorithm::Rsa2048);
    ASSERT_FALSE(spki.empty());
    const Bytes secret = text("a session key for the card");
    const Bytes cryptogram = hc::rsaEncrypt(spki, secret);
    ASSERT_EQ(cryptogram.size(), 256u);
    auto noPin = app().decipherPlaintext(0x02, cryptogram);
    ASSERT_FALSE(noPin);
    EXPECT_EQ(noPin.error().code, Errc::SecurityNotSatisfied) << noPin.error().describe();
    ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
    auto plain = app().decipherPlaintext(0x02, cryptogram);
    ASSERT_TRUE(plain) << plain.error().describe();
    EXPECT_EQ(*plain, secret);
    // The task-level call hands back a PKCS#1 v1.5 block (00 02 PS 00 M) of k bytes.
    auto block = app().decipher(0x02, hc::rsaEncrypt(spki, secret));
    ASSERT_TRUE(block) << block.error().describe();
    ASSERT_EQ(block->size(), 256u);
    EXPECT_EQ((*block)[0], 0x00);
    EXPECT_EQ((*block)[1], 0x02);
    EXPECT_EQ(Bytes(block->end() - static_cast<long>(secret.size()), block->end()), secret);
    EXPECT_EQ((*block)[block->size() - secret.size() - 1], 0x00);
}

TEST_F(OpenPgpDriverTest, EcdhDecipherP256P384AndX25519) {
    for (KeyAlgorithm alg : {KeyAlgorithm::EcP256, KeyAlgorithm::EcP384, KeyAlgorithm::X25519}) {
        SCOPED_TRACE(cardapp::keyAlgorithmName(alg));
        const Bytes spki = generate(0x02, alg);
        ASSERT_FALSE(spki.empty());
        EXPECT_EQ(appData().attributes[1]->keyAlgorithm(), alg);
        auto [hostPublic, expected] = hc::ecdhWithHostKey(spki);
        ASSERT_FALSE(expected.empty());
        ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
        auto z = app().deriveEcdh(0x02, hostPublic);
        ASSERT_TRUE(z) << z.error().describe();
        EXPECT_EQ(*z, expected) << "the card and OpenSSL disagree on the shared secret";
        ASSERT_TRUE(app().logout());
        auto noPin = app().deriveEcdh(0x02, hostPublic);
        ASSERT_FALSE(noPin);
        EXPECT_EQ(noPin.error().code, Errc::SecurityNotSatisfied);
    }
}

TEST_F(OpenPgpDriverTest, InternalAuthenticateRsaP256Ed25519) {
    const Bytes digestInfo = hc::sha256DigestInfo(kData);
    Bytes spki = generate(0x03, KeyAlgorithm::Rsa2048);
    ASSERT_FALSE(spki.empty());
    auto noPin = app().sign(0x03, digestInfo);
    ASSERT_FALSE(noPin);
    EXPECT_EQ(noPin.error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
    for (int i = 0; i < 2; ++i) {  // PW1 (82) stays valid: no "once" rule for the AUT key
        auto sig = app().sign(0x03, digestInfo);
        ASSERT_TRUE(sig) << sig.error().describe();
        EXPECT_TRUE(hc::verifyRsaDigestInfo(spki, digestInfo, *sig));
    }
    spki = generate(0x03, KeyAlgorithm::EcP256);
    auto ec = app().sign(0x03, hc::sha256(kData));
    ASSERT_TRUE(ec) << ec.error().describe();
    EXPECT_TRUE(hc::verifyEcdsaDerHash(spki, hc::sha256(kData), *ec));
    spki = generate(0x03, KeyAlgorithm::Ed25519);
    auto ed = app().sign(0x03, kData);
    ASSERT_TRUE(ed) << ed.error().describe();
    EXPECT_TRUE(hc::verify(spki, "", kData, *ed));
    auto counter = app().card().readSignatureCounter();
    ASSERT_TRUE(counter);
    EXPECT_EQ(*counter, 0u) << "INTERNAL AUTHENTICATE is not counted";
}

TEST_F(OpenPgpDriverTest, CertificatesInAllThreeSlots) {
    std::array<Bytes, 3> certs;
    const std::array<KeyAlgorithm, 3> algs{KeyAlgorithm::EcP256, KeyAlgorithm::X25519, KeyAlgorithm::Rsa2048};
    for (uint8_t ref = 1; ref <= 3; ++ref) {
        const Bytes spki = generate(ref, algs[ref - 1]);
        ASSERT_FALSE(spki.empty());
        certs[ref - 1] = hc::certificateFor(spki, "OpenPGP slot " + std::to_string(ref));
        ASSERT_FALSE(certs[ref - 1].empty());
    }
    auto noAdmin = freshDriver().writeCertificate(0x01, certs[0]);
    ASSERT_FALSE(noAdmin);
    EXPECT_EQ(noAdmin.error().code, Errc::SecurityNotSatisfied) << noAdmin.error().describe();
    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    for (uint8_t ref = 1; ref <= 3; ++ref) {
        auto st = app().writeCertificate(ref, certs[ref - 1]);
        ASSERT_TRUE(st) << int(ref) << ": " << st.error().describe();
    }
    // Read through SELECT DATA by another connection, then one deleted.
    openpgp::OpenPgpApplication& other = freshDriver();
    for (uint8_t ref = 1; ref <= 3; ++ref) {
        auto der = other.certificate(ref);
        ASSERT_TRUE(der) << der.error().describe();
        ASSERT_TRUE(der->has_value()) << int(ref);
        EXPECT_EQ(**der, certs[ref - 1]) << int(ref);
    }
    auto keys = other.keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 3u);
    for (const auto& k : *keys) EXPECT_TRUE(k.hasCertificate) << int(k.ref);
    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    ASSERT_TRUE(app().deleteCertificate(0x02));
    auto gone = freshDriver().certificate(0x02);
    ASSERT_TRUE(gone) << gone.error().describe();
    EXPECT_FALSE(gone->has_value());
}

TEST_F(OpenPgpDriverTest, KeyImportIntoEachSlot) {
    auto [sigPriv, sigSpki] = hc::newPrivateKey("P-256");
    auto [decPriv, decSpki] = hc::newPrivateKey("X25519");
    auto [autPriv, autSpki] = hc::newPrivateKey("ED25519");
    auto [rsaPriv, rsaSpki] = hc::newPrivateKey("RSA");
    ASSERT_FALSE(sigPriv.empty() || decPriv.empty() || autPriv.empty() || rsaPriv.empty());
    auto noAdmin = app().importKey(0x01, *cardapp::componentsFromDer(sigPriv));
    ASSERT_FALSE(noAdmin);
    EXPECT_EQ(noAdmin.error().code, Errc::SecurityNotSatisfied) << noAdmin.error().describe();

    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    for (auto [ref, priv, spki] : {std::tuple{uint8_t{1}, &sigPriv, &sigSpki},
                                   {uint8_t{2}, &decPriv, &decSpki},
                                   {uint8_t{3}, &autPriv, &autSpki}}) {
        auto info = app().importKey(ref, *cardapp::componentsFromDer(*priv));
        ASSERT_TRUE(info) << int(ref) << ": " << info.error().describe();
        EXPECT_EQ(info->publicKeyInfo, *spki) << int(ref);
        EXPECT_FALSE(info->generatedOnCard.value_or(true));
    }
    const ApplicationData d = appData();
    ASSERT_TRUE(d.keyStatus);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ((*d.keyStatus)[i], 2) << "imported: " << i;
        EXPECT_FALSE(zero(d.fingerprints[i])) << i;
    }

    auto sig = app().signWithPin(0x01, hc::sha256(kData), kPw1);
    ASSERT_TRUE(sig) << sig.error().describe();
    EXPECT_TRUE(hc::verifyEcdsaDerHash(sigSpki, hc::sha256(kData), *sig));
    ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
    auto [hostPublic, expected] = hc::ecdhWithHostKey(decSpki);
    auto z = app().deriveEcdh(0x02, hostPublic);
    ASSERT_TRUE(z) << z.error().describe();
    EXPECT_EQ(*z, expected);
    auto ed = app().sign(0x03, kData);
    ASSERT_TRUE(ed) << ed.error().describe();
    EXPECT_TRUE(hc::verify(autSpki, "", kData, *ed));

    // RSA: the decryption slot takes it after its attributes change.
    ASSERT_TRUE(app().authenticateAdmin(kPw3));
    auto rsa = app().importKey(0x02, *cardapp::componentsFromDer(rsaPriv));
    ASSERT_TRUE(rsa) << rsa.error().describe();
    EXPECT_EQ(rsa->publicKeyInfo, rsaSpki);
    ASSERT_TRUE(app().verifyPin(PinKind::User, kPw1));
    const Bytes secret = text("imported RSA key");
    auto plain = app().decipherPlaintext(0x02, hc::rsaEncrypt(rsaSpki, secret));
    ASSERT_TRUE(plain) << plain.error().describe();
    EXPECT_EQ(*plain, secret);
}

}  // namespace
}  // namespace itest
