// Token: resets by "another process" and card removal.
#include "test_crypto.h"

namespace tokentest {
namespace {

using cardapp::KeyAlgorithm;

class TokenResetTest : public TokenFixture {
  protected:
    void SetUp() override {
        TokenFixture::SetUp();
        m_token = tokenIn(1);
        ASSERT_TRUE(m_token);
        m_rsa = enrol(*m_token, 0x9A, KeyAlgorithm::Rsa2048);
        ASSERT_TRUE(m_token->logout());
        ASSERT_TRUE(m_token->loginUser(kPin));
    }

    std::shared_ptr<token::Token> m_token;
    Bytes m_rsa;
};

TEST_F(TokenResetTest, ResetBetweenLoginAndSignIsReportedOnce) {
    m_world->resetCard("Reader A");
    auto r = m_token->sign(0x9A, pkcs1Sha256Block(kMessage, 256));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardReset) << r.error().describe();
    EXPECT_FALSE(m_token->userLoggedIn()) << "never silently re-logged in";
    auto again = m_token->sign(0x9A, pkcs1Sha256Block(kMessage, 256));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::SecurityNotSatisfied) << "reported once, then simply not logged in";
    ASSERT_TRUE(m_token->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*m_token, 0x9A, m_rsa), "");
}

TEST_F(TokenResetTest, ResetSeenByAReadIsReportedAtTheNextPrivateKeyUse) {
    m_world->resetCard("Reader A");
    auto info = m_token->objects();  // a read recovers by itself...
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_FALSE(m_token->userLoggedIn());  // ...but the login is gone
    auto r = m_token->sign(0x9A, pkcs1Sha256Block(kMessage, 256));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardReset);
    ASSERT_TRUE(m_token->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*m_token, 0x9A, m_rsa), "");
    EXPECT_EQ(signAndVerify(*m_token, 0x9A, m_rsa), "");
}

TEST_F(TokenResetTest, ResetDropsTheSoLogin) {
    ASSERT_TRUE(m_token->logout());
    ASSERT_TRUE(m_token->loginSo(token::SoCredential::ManagementKey, kMgmtKey));
    m_world->resetCard("Reader A");
    auto k = m_token->generateKey(0x9D, KeyAlgorithm::EcP256);
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().code, Errc::CardReset);
    EXPECT_FALSE(m_token->soLoggedIn());
    EXPECT_EQ(m_token->generateKey(0x9D, KeyAlgorithm::EcP256).error().code, Errc::SecurityNotSatisfied);
}

TEST_F(TokenResetTest, ResetWithoutLoginIsInvisibleToReads) {
    ASSERT_TRUE(m_token->logout());
    m_world->resetCard("Reader A");
    EXPECT_TRUE(m_token->info());
    EXPECT_TRUE(m_token->objects());
}

TEST_F(TokenResetTest, RemovalFailsTheTokenForGood) {
    const uint64_t g = m_token->generation();
    m_world->removeCard("Reader A");
    auto r = m_token->sign(0x9A, pkcs1Sha256Block(kMessage, 256));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardRemoved) << r.error().describe();
    EXPECT_TRUE(m_token->removed());
    EXPECT_FALSE(m_token->userLoggedIn());
    EXPECT_GT(m_token->generation(), g);
    EXPECT_EQ(m_token->info().error().code, Errc::CardRemoved);
    EXPECT_EQ(m_token->loginUser(kPin).error().code, Errc::CardRemoved);

    // Same card back: a new token (new session state), still its keys.
    auto card = m_card;
    m_world->insertCard("Reader A", card);
    ASSERT_TRUE(m_manager->refresh());
    auto t2 = tokenIn(1);
    ASSERT_TRUE(t2);
    EXPECT_NE(t2, m_token);
    EXPECT_FALSE(t2->userLoggedIn());
    ASSERT_TRUE(t2->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*t2, 0x9A, m_rsa), "");
}

TEST_F(TokenResetTest, ManagerMarksTheTokenRemoved) {
    m_world->removeCard("Reader A");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_TRUE(m_token->removed());
    EXPECT_FALSE(m_token->userLoggedIn());
    EXPECT_EQ(m_token->sign(0x9A, pkcs1Sha256Block(kMessage, 256)).error().code, Errc::CardRemoved);
    EXPECT_EQ(m_manager->token(1).error().code, Errc::NoCard);
    EXPECT_EQ(m_card->openConnections(), 0);
}

TEST_F(TokenResetTest, CardSwappedBehindTheManagersBack) {
    m_world->removeCard("Reader A");
    m_world->insertCard("Reader A");  // another card, no refresh() in between
    EXPECT_EQ(m_token->objects().error().code, Errc::CardRemoved)
        << "the old connection belongs to the old card";
    EXPECT_TRUE(m_token->removed());
    ASSERT_TRUE(m_manager->refresh());
    auto t2 = tokenIn(1);
    ASSERT_TRUE(t2);
    auto objs = t2->objects();
    ASSERT_TRUE(objs);
    for (const auto& o : *objs) EXPECT_NE(o.key.ref, 0x9A) << "the new card has no keys yet";
}

}  // namespace
}  // namespace tokentest
