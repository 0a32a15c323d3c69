// client::Client and the enrolment helpers over the fake PC/SC world (in-process virtual PIV cards with
// PIN 123456, PUK 12345678 and the default management key).
#include "core/client/client.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "core/client/enrollment.h"
#include "tests/support/fake_reader_backend.h"

namespace {

using core::Errc;
using token::SlotId;

const core::Bytes kPin = {'1', '2', '3', '4', '5', '6'};
const core::Bytes kPuk = {'1', '2', '3', '4', '5', '6', '7', '8'};
const core::Bytes kWrong = {'6', '5', '4', '3', '2', '1'};
const core::Bytes kNewPin = {'2', '4', '6', '8', '1', '3'};

// A certificate for `spki` issued by a throwaway software CA (the test's, never a token key), as PEM.
std::string issueCertificatePem(core::ByteView spki, const std::string& cn) {
    EVP_PKEY* ca = EVP_EC_gen("P-256");
    const unsigned char* p = spki.data();
    EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 10L * 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(X509_get_issuer_name(x), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Client Test CA"), -1, -1, 0);
    X509_set_pubkey(x, pub);
    X509_sign(x, ca, EVP_sha256());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, x);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    X509_free(x);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(ca);
    return pem;
}

core::ByteView bytesOf(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class ClientTest : public ::testing::Test {
  protected:
    void SetUp() override {
        m_world = std::make_shared<testsupport::FakeReaders>();
        m_world->addReader("Reader A");
        m_world->insertCard("Reader A");
        m_client =
            std::make_unique<client::Client>(std::make_unique<testsupport::FakeReaderBackend>(m_world));
    }
    int pinTries() {
        auto st = m_client->status(1);
        EXPECT_TRUE(st) << (st ? "" : st.error().describe());
        return st ? st->info.userPin.retriesLeft : -2;
    }
    std::shared_ptr<testsupport::FakeReaders> m_world;
    std::unique_ptr<client::Client> m_client;
};

TEST_F(ClientTest, TokensWithStatus) {
    auto tokens = m_client->tokens();
    ASSERT_TRUE(tokens) << tokens.error().describe();
    ASSERT_EQ(tokens->size(), 1u);
    const auto& t = tokens->front();
    EXPECT_EQ(t.slotId, 1u);
    EXPECT_EQ(t.reader, "Reader A");
    EXPECT_EQ(t.info.application, "PIV");
    EXPECT_FALSE(t.info.serial.empty());
    EXPECT_EQ(t.info.userPin.retriesLeft, 3);
    EXPECT_TRUE(t.keys.empty()) << "a fresh card holds no keys";
    EXPECT_TRUE(t.problem.empty()) << t.problem;
}

TEST_F(ClientTest, ServiceGoneIsAnError) {
    m_world->setServiceAvailable(false);
    auto tokens = m_client->tokens();
    ASSERT_FALSE(tokens);
    EXPECT_EQ(tokens.error().code, Errc::NoService);
}

TEST_F(ClientTest, ChangePinChecksTheRulesBeforeTheCard) {
    const core::Bytes tooShort = {'1', '2', '3'};
    auto s = m_client->changePin(1, client::PinRole::User, kPin, tooShort);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::InvalidArgument);
    EXPECT_EQ(pinTries(), 3) << "a bad new PIN must not cost a try";

    s = m_client->changePin(1, client::PinRole::User, kWrong, kNewPin);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::PinIncorrect);
    EXPECT_EQ(s.error().retries, 2);
    EXPECT_EQ(pinTries(), 2);

    ASSERT_TRUE(m_client->changePin(1, client::PinRole::User, kPin, kNewPin));
    EXPECT_EQ(pinTries(), 3);
    auto tok = m_client->token(1);
    ASSERT_TRUE(tok);
    EXPECT_TRUE((*tok)->loginUser(kNewPin));
    (void)(*tok)->logout();
}

TEST_F(ClientTest, UnblockWithThePuk) {
    for (int i = 0; i < 3; ++i) (void)m_client->changePin(1, client::PinRole::User, kWrong, kNewPin);
    EXPECT_EQ(pinTries(), 0);
    auto s = m_client->unblockPin(1, kWrong, kNewPin);  // a wrong PUK (6 digits)
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::PinIncorrect);
    EXPECT_EQ(s.error().retries, 2);
    ASSERT_TRUE(m_client->unblockPin(1, kPuk, kNewPin));
    EXPECT_EQ(pinTries(), 3);
    auto tok = m_client->token(1);
    ASSERT_TRUE(tok);
    EXPECT_TRUE((*tok)->loginUser(kNewPin));
    (void)(*tok)->logout();
}

TEST_F(ClientTest, InsertAndRemoveAreEvents) {
    ASSERT_TRUE(m_client->tokens());  // baseline
    m_world->removeCard("Reader A");
    auto ev = m_client->waitForEvents(1000);
    ASSERT_TRUE(ev) << ev.error().describe();
    EXPECT_EQ(*ev, std::vector<SlotId>{1});
    auto none = m_client->tokens();
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    m_world->addReader("Reader B");
    m_world->insertCard("Reader B");
    ev = m_client->waitForEvents(1000);
    ASSERT_TRUE(ev) << ev.error().describe();
    EXPECT_EQ(*ev, std::vector<SlotId>{2});
    auto two = m_client->tokens();
    ASSERT_TRUE(two);
    ASSERT_EQ(two->size(), 1u);
    EXPECT_EQ(two->front().reader, "Reader B");
    ev = m_client->waitForEvents(50);
    ASSERT_FALSE(ev);
    EXPECT_EQ(ev.error().code, Errc::Timeout);
}

TEST_F(ClientTest, GenerateKeyThenImportOnlyTheMatchingCertificate) {
    const auto mgmt = client::defaultManagementKey();
    auto spki = client::generateKey(*m_client, 1, 0x9C, cardapp::KeyAlgorithm::EcP256, core::view(mgmt));
    ASSERT_TRUE(spki) << spki.error().describe();
    auto other = client::generateKey(*m_client, 1, 0x9D, cardapp::KeyAlgorithm::EcP256, core::view(mgmt));
    ASSERT_TRUE(other) << other.error().describe();

    // A certificate for the 9D key is refused for 9C, and nothing is written.
    const std::string wrong = issueCertificatePem(*other, "Wrong Key");
    auto refused = client::importCertificate(*m_client, 1, 0x9C, bytesOf(wrong), core::view(mgmt));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::InvalidArgument);

    // A chain (the wrong one first, then the right one): the matching certificate is the one written.
    const std::string right = issueCertificatePem(*spki, "Jane Token");
    auto imported = client::importCertificate(*m_client, 1, 0x9C, bytesOf(wrong + right), core::view(mgmt));
    ASSERT_TRUE(imported) << imported.error().describe();
    EXPECT_EQ(imported->commonName, "Jane Token");

    auto st = m_client->status(1);
    ASSERT_TRUE(st);
    ASSERT_EQ(st->keys.size(), 2u);
    const auto& k = st->keys.front().ref == 0x9C ? st->keys[0] : st->keys[1];
    EXPECT_EQ(k.slot, "9C");
    EXPECT_EQ(k.keyType, "EC P-256");
    EXPECT_EQ(k.ckaId, 2);
    ASSERT_TRUE(k.certificate);
    EXPECT_EQ(k.certificate->commonName, "Jane Token");
    EXPECT_EQ(st->holder(), "Jane Token");

    auto badKey = client::generateKey(*m_client, 1, 0x9A, cardapp::KeyAlgorithm::EcP256, kPin);
    ASSERT_FALSE(badKey) << "a 6-byte 'management key' is refused";
    auto noFile = client::importCertificate(*m_client, 1, 0x9C, kPin, core::view(mgmt));
    ASSERT_FALSE(noFile);
    EXPECT_EQ(noFile.error().code, Errc::Malformed);
}

TEST_F(ClientTest, ManagementKeyParsing) {
    auto k = client::parseManagementKey("010203040506070801020304050607080102030405060708");
    ASSERT_TRUE(k);
    EXPECT_EQ(*k, client::defaultManagementKey());
    EXPECT_EQ(client::parseManagementKey("0102").error().code, Errc::InvalidArgument);
    EXPECT_EQ(client::parseManagementKey("zz").error().code, Errc::InvalidArgument);
}

}  // namespace
