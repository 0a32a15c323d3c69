// Token spare connections (issue 9): a one-APDU private-key operation that finds the token busy runs on a
// connection of its own, and only when the card's state and ours make that exactly what the main path
// would send. FakeCard::holdNext keeps one operation (and the token's lock) busy on a chosen APDU.
#include <future>
#include <thread>

#include "test_crypto.h"

namespace tokentest {
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;
using namespace std::chrono_literals;

constexpr uint8_t kGeneralAuthenticate = 0x87;

class SpareConnectionTest : public TokenFixture {
protected:
    void SetUp() override {
        TokenFixture::SetUp();
        m_token = tokenIn(1);
        ASSERT_TRUE(m_token);
        m_spki = enrol(*m_token, 0x9A, KeyAlgorithm::EcP256);
        m_spki9c = enrol(*m_token, 0x9C, KeyAlgorithm::EcP256);  // PIN policy "always"
        ASSERT_TRUE(m_token->logout());
        ASSERT_TRUE(m_token->loginUser(kPin));
    }

    // Starts a signature whose GENERAL AUTHENTICATE the card holds: the token stays locked until releaseHeld.
    std::future<core::Result<Bytes>> signHeld() {
        m_card->holdNext(kGeneralAuthenticate);
        auto f = std::async(std::launch::async, [this] { return m_token->sign(0x9A, sha256(kMessage)); });
        EXPECT_TRUE(m_card->waitHeld(5s));
        return f;
    }

    std::shared_ptr<token::Token> m_token;
    Bytes m_spki;
    Bytes m_spki9c;
};

TEST_F(SpareConnectionTest, BusyTokenSignsOnASpareConnection) {
    ASSERT_EQ(signAndVerify(*m_token, 0x9A, m_spki), "");  // the main path proves the key first
    const int connects = m_world->connectCount();
    auto held = signHeld();

    // The token's lock is taken by the held signature: this one can only finish over another connection.
    auto spare = std::async(std::launch::async, [this] { return signAndVerify(*m_token, 0x9A, m_spki); });
    if (spare.wait_for(5s) == std::future_status::timeout) {
        m_card->releaseHeld();
        FAIL() << "the second signature waited for the busy token: " << spare.get();
    }
    EXPECT_EQ(spare.get(), "");
    EXPECT_EQ(m_world->connectCount(), connects + 1);
    EXPECT_EQ(m_card->openConnections(), 2);
    // The spare is kept and reused, not reopened per signature.
    EXPECT_EQ(signAndVerify(*m_token, 0x9A, m_spki), "");
    EXPECT_EQ(m_world->connectCount(), connects + 1);

    m_card->releaseHeld();
    auto r = held.get();
    ASSERT_TRUE(r) << describe(r.error());
    EXPECT_TRUE(verifySha256(m_spki, kMessage, *r));

    // Removal closes the spare with the main connection.
    m_world->removeCard("Reader A");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_token->sign(0x9A, sha256(kMessage)).error().code, Errc::CardRemoved);
    EXPECT_EQ(m_card->openConnections(), 0);
}

TEST_F(SpareConnectionTest, KeyNotYetUsedInThisLoginWaitsForTheLock) {
    // Used before the logout: a new login must prove the key on the main connection again.
    ASSERT_EQ(signAndVerify(*m_token, 0x9A, m_spki), "");
    ASSERT_TRUE(m_token->logout());
    ASSERT_TRUE(m_token->loginUser(kPin));
    const int connects = m_world->connectCount();
    auto held = signHeld();

    auto waiting = std::async(std::launch::async, [this] { return m_token->sign(0x9A, sha256(kMessage)); });
    EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout) << "signed past the lock without a proven key";
    m_card->releaseHeld();
    for (auto* f : {&held, &waiting}) {
        auto r = f->get();
        ASSERT_TRUE(r) << describe(r.error());
        EXPECT_TRUE(verifySha256(m_spki, kMessage, *r));
    }
    EXPECT_EQ(m_world->connectCount(), connects);
    EXPECT_EQ(m_card->openConnections(), 1);
}

TEST_F(SpareConnectionTest, ContextPinOperationsNeverUseASpare) {
    const Bytes& key9c = m_spki9c;
    ASSERT_EQ(signAndVerify(*m_token, 0x9C, key9c, kPin), "");
    const int connects = m_world->connectCount();
    auto held = signHeld();

    auto waiting = std::async(std::launch::async, [&] { return m_token->sign(0x9C, sha256(kMessage), kPin); });
    EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout) << "VERIFY + sign went past the lock";
    m_card->releaseHeld();
    auto r = waiting.get();
    ASSERT_TRUE(r) << describe(r.error());
    EXPECT_TRUE(verifySha256(key9c, kMessage, *r));
    EXPECT_TRUE(held.get());
    EXPECT_EQ(m_world->connectCount(), connects);
}

TEST_F(SpareConnectionTest, CardThatForgotThePinRefusesTheSpareAndTheMainPathReports) {
    ASSERT_EQ(signAndVerify(*m_token, 0x9A, m_spki), "");
    // Another program makes the card forget the PIN (VERIFY P1=FF) without a reset: we still believe we are
    // logged in, so the spare is tried; the card answers 6982 there.
    const Bytes pinReset = {0x00, 0x20, 0xFF, 0x80};
    ASSERT_EQ(m_card->process(pinReset), (Bytes{0x90, 0x00}));
    auto held = signHeld();

    auto waiting = std::async(std::launch::async, [this] { return m_token->sign(0x9A, sha256(kMessage)); });
    // The refused spare hands the operation to the main path, which waits for the lock.
    EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout) << "a refused spare answer was returned";
    m_card->releaseHeld();
    auto main = held.get();
    auto fallback = waiting.get();
    ASSERT_FALSE(main);
    ASSERT_FALSE(fallback);
    EXPECT_EQ(main.error().code, Errc::SecurityNotSatisfied);
    EXPECT_EQ(fallback.error().code, Errc::SecurityNotSatisfied);
    EXPECT_EQ(m_card->openConnections(), 1) << "the refused spare is closed";
}

TEST_F(SpareConnectionTest, SpareOnAnotherCardInTheReaderIsNotUsed) {
    // Card B, with its own key in 9A, first enrolled in a second reader.
    m_world->addReader("Reader B");
    auto cardB = m_world->insertCard("Reader B");
    ASSERT_TRUE(m_manager->refresh());
    auto tokenB = tokenIn(2);
    ASSERT_TRUE(tokenB);
    const Bytes spkiB = enrol(*tokenB, 0x9A, KeyAlgorithm::EcP256);
    tokenB.reset();
    ASSERT_EQ(signAndVerify(*m_token, 0x9A, m_spki), "");  // card A's key is proven
    auto held = signHeld();

    // While our token is busy, card A leaves and card B takes its reader, its PIN verified by another program.
    m_world->removeCard("Reader A");
    m_world->removeCard("Reader B");
    m_world->insertCard("Reader A", cardB);
    const Bytes selectPiv = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08};
    const Bytes verify = {0x00, 0x20, 0x00, 0x80, 0x08, '1', '2', '3', '4', '5', '6', 0xFF, 0xFF};
    ASSERT_EQ(cardB->process(selectPiv).back(), 0x00);
    ASSERT_EQ(cardB->process(verify), (Bytes{0x90, 0x00}));

    const int connectionsB = cardB->openConnections();  // slot 2's token still holds its stale one
    auto other = std::async(std::launch::async, [this] { return m_token->sign(0x9A, sha256(kMessage)); });
    EXPECT_EQ(other.wait_for(300ms), std::future_status::timeout) << "signed over a connection to card B";
    m_card->releaseHeld();
    auto r = other.get();
    if (r) {
        EXPECT_FALSE(verifySha256(spkiB, kMessage, *r)) << "card B signed for card A's key";
    }
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardRemoved);
    EXPECT_EQ(held.get().error().code, Errc::CardRemoved);
    EXPECT_EQ(cardB->openConnections(), connectionsB) << "the spare opened to card B is closed";
}

}  // namespace
}  // namespace tokentest
