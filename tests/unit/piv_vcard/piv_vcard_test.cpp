// Host PIV driver (card-apps/piv) against the virtual PIV card (vcard/) in one process. Every private-key
// result is checked with OpenSSL against the public key the card returned.
#include <gtest/gtest.h>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_application.h"
#include "core/transport/in_process_transport.h"
#include "ossl_check.h"
#include "vcard/open_card.h"

using cardapp::KeyAlgorithm;
using cardapp::PinKind;
using core::Bytes;
using core::Errc;
using core::hexBytes;

namespace {

const Bytes kPin = {'1', '2', '3', '4', '5', '6'};
const Bytes kPuk = {'1', '2', '3', '4', '5', '6', '7', '8'};
const Bytes kMessage = {'s', 'i', 'g', 'n', ' ', 'm', 'e'};

class PivVcard : public ::testing::Test {
protected:
    void SetUp() override {
        auto card = vcard::createMemoryCard("piv");
        ASSERT_TRUE(card) << card.error().describe();
        m_card = std::move(*card);
        m_transport = std::make_unique<transport::InProcessTransport>(transport::InProcessTransport::Card{
            [this](core::ByteView apdu) { return m_card->process(apdu); }, [this] { return m_card->atr(); },
            [this] { m_card->reset(); }});
        m_app = std::make_unique<piv::PivApplication>(*m_transport);
    }

    void admin() {
        auto st = m_app->authenticateAdmin(piv::kDefaultManagementKey);
        ASSERT_TRUE(st) << st.error().describe();
    }
    Bytes generate(uint8_t ref, KeyAlgorithm alg) {
        auto info = m_app->generateKey(ref, alg);
        EXPECT_TRUE(info) << info.error().describe();
        if (!info) return {};
        EXPECT_EQ(info->ref, ref);
        EXPECT_EQ(info->algorithm, alg);
        EXPECT_FALSE(info->publicKeyInfo.empty());
        return info->publicKeyInfo;
    }

    std::unique_ptr<vcard::VirtualCard> m_card;
    std::unique_ptr<transport::InProcessTransport> m_transport;
    std::unique_ptr<piv::PivApplication> m_app;
};

}  // namespace

TEST_F(PivVcard, SelectAndIdentity) {
    ASSERT_TRUE(m_app->select());
    auto id = m_app->identity();
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(id->application, "PIV");
    EXPECT_FALSE(id->serial.empty());
    EXPECT_EQ(id->label.find(':'), std::string::npos);
    EXPECT_EQ(id->cardId.size(), 16u);  // CHUID GUID
    auto keys = m_app->keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    EXPECT_TRUE(keys->empty());  // a new card holds no key
}

TEST_F(PivVcard, PinRetriesVerifyChangeAndUnblock) {
    auto st = m_app->pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_FALSE(st->verified);

    auto wrong = m_app->verifyPin(PinKind::User, Bytes{'6', '5', '4', '3', '2', '1'});
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::PinIncorrect);
    EXPECT_EQ(wrong.error().retries, 2);
    EXPECT_EQ(m_app->pinStatus(PinKind::User)->retriesLeft, 2);  // the query spent nothing

    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
    EXPECT_TRUE(m_app->pinStatus(PinKind::User)->verified);
    const Bytes newPin = {'2', '4', '6', '8', '1', '3', '5', '7'};
    ASSERT_TRUE(m_app->changePin(PinKind::User, kPin, newPin));
    ASSERT_TRUE(m_app->logout());
    EXPECT_FALSE(m_app->pinStatus(PinKind::User)->verified);

    // Block the PIN, then unblock it with the PUK.
    for (int left = 2; left >= 0; --left) {
        auto r = m_app->verifyPin(PinKind::User, kPin);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, Errc::PinIncorrect) << left;
        EXPECT_EQ(r.error().retries, left);
    }
    auto blocked = m_app->verifyPin(PinKind::User, newPin);
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, Errc::AuthBlocked);
    EXPECT_EQ(m_app->pinStatus(PinKind::User)->retriesLeft, 0);

    auto badPuk = m_app->unblockPin(Bytes{'0', '0', '0', '0', '0', '0', '0', '0'}, kPin);
    ASSERT_FALSE(badPuk);
    EXPECT_EQ(badPuk.error().code, Errc::PinIncorrect);
    EXPECT_EQ(badPuk.error().retries, 2);
    ASSERT_TRUE(m_app->unblockPin(kPuk, kPin));
    EXPECT_EQ(m_app->pinStatus(PinKind::User)->retriesLeft, 3);
    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
}

TEST_F(PivVcard, BadPinFormatIsRejectedWithoutSpendingATry) {
    auto r = m_app->verifyPin(PinKind::User, Bytes{'1', '2'});
    ASSERT_FALSE(r);
    EXPECT_EQ(m_app->pinStatus(PinKind::User)->retriesLeft, 3);
}

TEST_F(PivVcard, WrongManagementKeyIsRefused) {
    Bytes wrong(24, 0x42);
    auto r = m_app->authenticateAdmin(wrong);
    ASSERT_FALSE(r);
    auto gen = m_app->generateKey(0x9A, KeyAlgorithm::EcP256);
    ASSERT_FALSE(gen);
    EXPECT_EQ(gen.error().code, Errc::SecurityNotSatisfied);
}

TEST_F(PivVcard, Rsa2048SignAndDecryptIn9A) {
    admin();
    Bytes spki = generate(0x9A, KeyAlgorithm::Rsa2048);
    ASSERT_FALSE(spki.empty());
    Bytes block = testcheck::pkcs1Sha256Block(kMessage, 256);

    auto noPin = m_app->sign(0x9A, block);
    ASSERT_FALSE(noPin);
    EXPECT_EQ(noPin.error().code, Errc::SecurityNotSatisfied);

    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
    auto sig = m_app->sign(0x9A, block);
    ASSERT_TRUE(sig) << sig.error().describe();
    ASSERT_EQ(sig->size(), 256u);
    EXPECT_TRUE(testcheck::verifySha256(spki, kMessage, *sig));
    EXPECT_TRUE(m_app->sign(0x9A, block));  // 9A: PIN once per session

    Bytes secret = hexBytes("00112233445566778899AABBCCDDEEFF");
    Bytes ct = testcheck::rsaEncrypt(spki, secret);
    auto pt = m_app->decipher(0x9A, ct);
    ASSERT_TRUE(pt) << pt.error().describe();
    EXPECT_EQ(testcheck::unpadPkcs1Type2(*pt), secret);
}

TEST_F(PivVcard, EcP256In9CNeedsThePinForEverySignature) {
    admin();
    Bytes spki = generate(0x9C, KeyAlgorithm::EcP256);
    ASSERT_FALSE(spki.empty());
    Bytes hash = testcheck::sha256(kMessage);

    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
    ASSERT_TRUE(m_app->sign(0x9C, hash));  // consumes the fresh VERIFY
    auto second = m_app->sign(0x9C, hash);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::SecurityNotSatisfied);

    for (int i = 0; i < 3; ++i) {
        auto sig = m_app->signWithPin(0x9C, hash, kPin);
        ASSERT_TRUE(sig) << sig.error().describe();
        EXPECT_TRUE(testcheck::verifySha256(spki, kMessage, *sig));
    }
}

TEST_F(PivVcard, EcP384AgreementIn9DMatchesOpenSsl) {
    admin();
    Bytes spki = generate(0x9D, KeyAlgorithm::EcP384);
    ASSERT_FALSE(spki.empty());
    auto [peerPoint, expected] = testcheck::ecdhWithPeer(spki);
    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
    auto z = m_app->deriveEcdh(0x9D, peerPoint);
    ASSERT_TRUE(z) << z.error().describe();
    EXPECT_EQ(*z, expected);

    Bytes hash384(48, 0x5A);
    auto sig = m_app->sign(0x9D, hash384);
    ASSERT_TRUE(sig) << sig.error().describe();
}

TEST_F(PivVcard, CardAuthenticationKeyNeedsNoPin) {
    admin();
    Bytes spki = generate(0x9E, KeyAlgorithm::EcP256);
    auto sig = m_app->sign(0x9E, testcheck::sha256(kMessage));
    ASSERT_TRUE(sig) << sig.error().describe();
    EXPECT_TRUE(testcheck::verifySha256(spki, kMessage, *sig));
}

TEST_F(PivVcard, CertificatesWriteReadListAndDelete) {
    admin();
    Bytes spki9a = generate(0x9A, KeyAlgorithm::EcP256);
    Bytes spki82 = generate(0x82, KeyAlgorithm::Rsa2048);
    Bytes cert9a = testcheck::issueCertificate(spki9a, "Alice Auth");
    Bytes cert82 = testcheck::issueCertificate(spki82, "Alice Old Key");
    ASSERT_TRUE(m_app->writeCertificate(0x9A, cert9a));
    ASSERT_TRUE(m_app->writeCertificate(0x82, cert82));

    auto read = m_app->certificate(0x9A);
    ASSERT_TRUE(read) << read.error().describe();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, cert9a);
    auto none = m_app->certificate(0x9C);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());

    auto keys = m_app->keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    ASSERT_EQ(keys->size(), 2u);
    for (const auto& k : *keys) {
        EXPECT_TRUE(k.hasCertificate);
        EXPECT_EQ(k.publicKeyInfo, k.ref == 0x9A ? spki9a : spki82);
    }

    ASSERT_TRUE(m_app->deleteCertificate(0x82));
    auto gone = m_app->certificate(0x82);
    ASSERT_TRUE(gone);
    EXPECT_FALSE(gone->has_value());
}

TEST_F(PivVcard, VendorExtensions) {
    auto version = m_app->card().getVersion();
    ASSERT_TRUE(version) << version.error().describe();
    EXPECT_GE(version->major, 5);
    auto serial = m_app->card().getSerial();
    ASSERT_TRUE(serial) << serial.error().describe();
    auto pinMeta = m_app->card().getMetadata(0x80);
    ASSERT_TRUE(pinMeta) << pinMeta.error().describe();
    auto empty = m_app->card().getMetadata(0x9A);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, Errc::NotFound);

    admin();
    Bytes spki = generate(0x9A, KeyAlgorithm::EcP256);
    auto attestation = m_app->card().attest(0x9A);
    ASSERT_TRUE(attestation) << attestation.error().describe();
    EXPECT_EQ((*attestation)[0], 0x30);
}

TEST_F(PivVcard, CardResetLosesLoginAndIsReported) {
    admin();
    generate(0x9A, KeyAlgorithm::EcP256);
    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
    m_card->reset();  // as if another process reset the card
    auto sig = m_app->sign(0x9A, testcheck::sha256(kMessage));
    ASSERT_FALSE(sig);
    // Either the driver notices the lost selection (CardReset) or the card refuses (not logged in).
    EXPECT_TRUE(sig.error().code == Errc::CardReset || sig.error().code == Errc::SecurityNotSatisfied)
        << sig.error().describe();
    ASSERT_TRUE(m_app->verifyPin(PinKind::User, kPin));
    EXPECT_TRUE(m_app->sign(0x9A, testcheck::sha256(kMessage)));
}
