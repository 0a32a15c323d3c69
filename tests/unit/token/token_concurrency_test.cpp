// Token: several threads on one token (serialised by its lock, or on spare connections) and two tokens
// working in parallel.
#include <atomic>
#include <thread>

#include "test_crypto.h"

namespace tokentest {
namespace {

using cardapp::KeyAlgorithm;

using TokenConcurrencyTest = TokenFixture;

TEST_F(TokenConcurrencyTest, ThreadsShareOneTokenSafely) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    const Bytes rsa = enrol(*t, 0x9A, KeyAlgorithm::Rsa2048);
    const Bytes ec = enrol(*t, 0x9E, KeyAlgorithm::EcP256);
    ASSERT_TRUE(t->logout());
    ASSERT_TRUE(t->loginUser(kPin));

    constexpr int kThreads = 4, kRounds = 8;
    std::atomic<int> good{0};
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            for (int r = 0; r < kRounds; ++r) {
                const bool useRsa = (i + r) % 2 == 0;
                std::string why = signAndVerify(*t, useRsa ? 0x9A : 0x9E, useRsa ? rsa : ec);
                if (why.empty() && (r % 3 == 0)) why = t->info() ? "" : "info failed";
                if (why.empty())
                    ++good;
                else
                    failures[i] = why;
            }
        });
    }
    for (auto& th : threads) th.join();
    for (const auto& f : failures) EXPECT_EQ(f, "");
    EXPECT_EQ(good.load(), kThreads * kRounds);
    // The main connection, and the spares that signatures took while another thread held the token.
    EXPECT_GE(m_card->openConnections(), 1);
    EXPECT_LE(m_card->openConnections(), 1 + token::Token::kSpareConnections);
}

TEST_F(TokenConcurrencyTest, TwoTokensWorkInParallel) {
    m_world->addReader("Reader B");
    auto cardB = m_world->insertCard("Reader B");
    ASSERT_TRUE(m_manager->refresh());
    std::shared_ptr<token::Token> tokens[2] = {tokenIn(1), tokenIn(2)};
    ASSERT_TRUE(tokens[0] && tokens[1]);
    Bytes spki[2];
    for (int i = 0; i < 2; ++i) {
        spki[i] = enrol(*tokens[i], 0x9A, KeyAlgorithm::EcP256);
        ASSERT_TRUE(tokens[i]->logout());
        ASSERT_TRUE(tokens[i]->loginUser(kPin));
    }
    std::string failures[2];
    std::thread threads[2];
    for (int i = 0; i < 2; ++i) {
        threads[i] = std::thread([&, i] {
            for (int r = 0; r < 10 && failures[i].empty(); ++r)
                failures[i] = signAndVerify(*tokens[i], 0x9A, spki[i]);
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures[0], "");
    EXPECT_EQ(failures[1], "");
    // Each key is its own card's: a signature from card A does not verify with card B's key.
    auto sig = tokens[0]->sign(0x9A, sha256(kMessage));
    ASSERT_TRUE(sig);
    EXPECT_FALSE(verifySha256(spki[1], kMessage, *sig));
}

TEST_F(TokenConcurrencyTest, RemovalDuringUseFromAnotherThread) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    const Bytes ec = enrol(*t, 0x9E, KeyAlgorithm::EcP256);
    std::atomic<bool> stop{false};
    std::atomic<int> removedSeen{0};
    std::thread worker([&] {
        while (!stop) {
            auto r = t->sign(0x9E, sha256(kMessage));
            if (!r) {
                if (r.error().code == Errc::CardRemoved || r.error().code == Errc::NoCard) ++removedSeen;
                break;
            }
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    m_world->removeCard("Reader A");
    ASSERT_TRUE(m_manager->refresh());
    stop = true;
    worker.join();
    EXPECT_TRUE(t->removed());
    EXPECT_EQ(t->sign(0x9E, sha256(kMessage)).error().code, Errc::CardRemoved);
}

}  // namespace
}  // namespace tokentest
