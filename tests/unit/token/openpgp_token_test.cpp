// A card with PIV and OpenPGP in one reader: two slots (the second appears when the card is probed), two
// tokens usable from one process, OpenPGP token info and key generation with PW3 as SO.
#include <thread>

#include "test_crypto.h"
#include "vcard/open_card.h"

namespace tokentest {
namespace {

const Bytes kPw3 = {'1', '2', '3', '4', '5', '6', '7', '8'};

class OpenPgpTokenTest : public ::testing::Test {
  protected:
    void SetUp() override {
        m_world = std::make_shared<testsupport::FakeReaders>();
        m_world->addReader("Reader A");
        auto card = vcard::createMemoryCard("piv,openpgp");
        ASSERT_TRUE(card) << card.error().describe();
        m_world->insertCard("Reader A", std::make_shared<testsupport::FakeCard>(std::move(*card)));
        m_manager =
            std::make_unique<token::TokenManager>(std::make_unique<testsupport::FakeReaderBackend>(m_world));
        ASSERT_TRUE(m_manager->refresh());
    }

    std::shared_ptr<testsupport::FakeReaders> m_world;
    std::unique_ptr<token::TokenManager> m_manager;
};

TEST_F(OpenPgpTokenTest, TwoApplicationsGiveTwoStableSlots) {
    ASSERT_EQ(m_manager->slots().size(), 1u) << "the second slot appears when the card is probed";
    m_manager->probeCards();
    auto slots = m_manager->slots();
    ASSERT_EQ(slots.size(), 2u);
    EXPECT_TRUE(slots[0].primary);
    EXPECT_EQ(slots[0].application, token::AppKind::Piv);
    EXPECT_FALSE(slots[1].primary);
    EXPECT_EQ(slots[1].application, token::AppKind::OpenPgp);
    EXPECT_EQ(slots[1].reader, "Reader A");

    auto pgp = m_manager->token(2);
    ASSERT_TRUE(pgp) << pgp.error().describe();
    EXPECT_EQ((*pgp)->kind(), token::AppKind::OpenPgp);
    auto ti = (*pgp)->info();
    ASSERT_TRUE(ti) << ti.error().describe();
    EXPECT_EQ(ti->application, "OpenPGP");
    EXPECT_EQ(ti->model, "OpenPGP");
    EXPECT_EQ(ti->label, "OpenPGP card " + ti->serial);
    EXPECT_EQ(ti->label.find(':'), std::string::npos);
    EXPECT_GT(ti->soPin.retriesLeft, 0);
    auto piv = m_manager->token(1);
    ASSERT_TRUE(piv);
    auto pivInfo = (*piv)->info();
    ASSERT_TRUE(pivInfo) << pivInfo.error().describe();
    EXPECT_EQ(pivInfo->application, "PIV");

    // Remove and re-insert: the same ids, the OpenPGP slot comes back with its token.
    auto card = m_world->removeCard("Reader A");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_FALSE(m_manager->token(2));
    m_world->insertCard("Reader A", card);
    ASSERT_TRUE(m_manager->refresh());
    auto again = m_manager->token(2);
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ((*again)->kind(), token::AppKind::OpenPgp);
    EXPECT_EQ(m_manager->slots().size(), 2u);
}

TEST_F(OpenPgpTokenTest, BothTokensSignFromOneProcess) {
    m_manager->probeCards();
    auto piv = m_manager->token(1);
    auto pgp = m_manager->token(2);
    ASSERT_TRUE(piv && pgp);
    token::Token& p = **piv;
    token::Token& g = **pgp;

    ASSERT_TRUE(p.loginSo(token::SoCredential::ManagementKey, kMgmtKey));
    auto pivKey = p.generateKey(0x9A, cardapp::KeyAlgorithm::EcP256);
    ASSERT_TRUE(pivKey) << pivKey.error().describe();
    ASSERT_TRUE(p.logout());

    EXPECT_FALSE(g.loginSo(token::SoCredential::Puk, kPw3)) << "OpenPGP's SO is PW3, not a PUK";
    auto so = g.loginSo(token::SoCredential::AdminPin, kPw3);
    ASSERT_TRUE(so) << so.error().describe();
    auto sigKey = g.generateKey(0x01, cardapp::KeyAlgorithm::EcP256);
    ASSERT_TRUE(sigKey) << sigKey.error().describe();
    auto autKey = g.generateKey(0x03, cardapp::KeyAlgorithm::Rsa2048);
    ASSERT_TRUE(autKey) << autKey.error().describe();
    ASSERT_TRUE(g.logout());

    auto objs = g.objects();
    ASSERT_TRUE(objs) << objs.error().describe();
    EXPECT_EQ(objs->size(), 2u);

    // Each application re-selects itself after the other ran; a login is per application.
    ASSERT_TRUE(g.loginUser(kPin));
    EXPECT_EQ(signAndVerify(g, 0x03, autKey->key.publicKeyInfo), "");
    EXPECT_EQ(signAndVerify(g, 0x01, sigKey->key.publicKeyInfo, kPin), "");
    ASSERT_TRUE(g.logout());
    ASSERT_TRUE(p.loginUser(kPin));
    EXPECT_EQ(signAndVerify(p, 0x9A, pivKey->key.publicKeyInfo), "");
    ASSERT_TRUE(p.logout());
}

// Threads using the two tokens of one card at once: each operation re-selects its application under the
// card's selection lock, so no command reaches the other application.
TEST_F(OpenPgpTokenTest, TwoTokensOfOneCardFromTwoThreads) {
    m_manager->probeCards();
    auto piv = m_manager->token(1);
    auto pgp = m_manager->token(2);
    ASSERT_TRUE(piv && pgp);
    ASSERT_TRUE((*piv)->loginSo(token::SoCredential::ManagementKey, kMgmtKey));
    auto pivKey = (*piv)->generateKey(0x9A, cardapp::KeyAlgorithm::EcP256);
    ASSERT_TRUE(pivKey) << pivKey.error().describe();
    ASSERT_TRUE((*piv)->logout());
    ASSERT_TRUE((*pgp)->loginSo(token::SoCredential::AdminPin, kPw3));
    auto pgpKey = (*pgp)->generateKey(0x01, cardapp::KeyAlgorithm::Ed25519);
    ASSERT_TRUE(pgpKey) << pgpKey.error().describe();
    ASSERT_TRUE((*pgp)->logout());

    // A context PIN with each operation: logins do not survive the sibling's SELECT (by design).
    std::string pivError, pgpError;
    std::thread a([&] {
        for (int i = 0; i < 15 && pivError.empty(); ++i)
            pivError = signAndVerify(**piv, 0x9A, pivKey->key.publicKeyInfo, kPin);
    });
    std::thread b([&] {
        for (int i = 0; i < 15 && pgpError.empty(); ++i) {
            auto sig = (*pgp)->sign(0x01, kMessage, kPin);
            if (!sig) pgpError = sig.error().describe();
            else if (sig->size() != 64) pgpError = "not an Ed25519 signature";
        }
    });
    a.join();
    b.join();
    EXPECT_EQ(pivError, "");
    EXPECT_EQ(pgpError, "");
}

}  // namespace
}  // namespace tokentest
