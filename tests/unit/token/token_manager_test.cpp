// TokenManager: slot ids, token lifetime per card, events and cancellation, over the fake PC/SC world.
#include <chrono>
#include <future>
#include <thread>

#include "test_crypto.h"

namespace tokentest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using token::SlotId;

// A card without any application we know: every command gets 6A82.
class ForeignCard final : public vcard::VirtualCard {
  public:
    Bytes atr() const override { return {0x3B, 0x80, 0x80, 0x01, 0x01}; }
    void powerOn() override {}
    void powerOff() override {}
    void reset() override {}
    Bytes process(ByteView) override { return {0x6A, 0x82}; }
    std::string describe() const override { return "foreign card"; }
};

using TokenManagerTest = TokenFixture;

TEST_F(TokenManagerTest, SlotIdsStayWithTheirReaders) {
    auto s = m_manager->slots();
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].id, 1u);
    EXPECT_EQ(s[0].reader, "Reader A");
    EXPECT_TRUE(s[0].readerPresent);
    EXPECT_TRUE(s[0].cardPresent);
    EXPECT_FALSE(s[0].atr.empty());
    EXPECT_TRUE(m_manager->takePendingEvents().empty()) << "the first snapshot is the baseline";

    m_world->addReader("Reader B");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_manager->takePendingEvents(), std::vector<SlotId>{2});
    m_world->removeReader("Reader A");
    m_world->addReader("Reader C");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_manager->takePendingEvents(), (std::vector<SlotId>{1, 3}));

    auto a = m_manager->slot(1);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->reader, "Reader A");
    EXPECT_FALSE(a->readerPresent);
    EXPECT_FALSE(a->cardPresent);
    EXPECT_EQ(m_manager->slot(2)->reader, "Reader B");
    EXPECT_EQ(m_manager->slot(3)->reader, "Reader C");

    m_world->addReader("Reader A");  // back: its old slot
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_manager->slots().size(), 3u);
    EXPECT_TRUE(m_manager->slot(1)->readerPresent);
    EXPECT_FALSE(m_manager->slot(1)->cardPresent);
    EXPECT_FALSE(m_manager->slot(4));
}

TEST_F(TokenManagerTest, TokenNeedsASlotAReaderAndACard) {
    m_world->addReader("Reader B");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_manager->token(0).error().code, Errc::NotFound);
    EXPECT_EQ(m_manager->token(9).error().code, Errc::NotFound);
    EXPECT_EQ(m_manager->token(2).error().code, Errc::NoCard);
    m_world->removeReader("Reader B");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_manager->token(2).error().code, Errc::NoReader);
}

TEST_F(TokenManagerTest, ForeignCardIsNotSupported) {
    m_world->addReader("Reader B");
    m_world->insertCard("Reader B", std::make_shared<testsupport::FakeCard>(std::make_unique<ForeignCard>()));
    ASSERT_TRUE(m_manager->refresh());
    auto t = m_manager->token(2);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, Errc::NotSupported) << t.error().describe();
    EXPECT_EQ(m_manager->token(2).error().code, Errc::NotSupported);
    EXPECT_EQ(m_world->card("Reader B")->openConnections(), 0) << "an unusable card is not held";
}

TEST_F(TokenManagerTest, TokenIsCachedWhileTheCardStays) {
    auto t1 = tokenIn(1);
    ASSERT_TRUE(t1);
    EXPECT_EQ(tokenIn(1), t1);
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(tokenIn(1), t1);

    m_world->removeCard("Reader A");
    m_world->insertCard("Reader A");
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_EQ(m_manager->takePendingEvents(), std::vector<SlotId>{1});
    EXPECT_TRUE(t1->removed());
    auto t2 = tokenIn(1);
    ASSERT_TRUE(t2);
    EXPECT_NE(t2, t1);
    auto i1 = t1->info();
    EXPECT_FALSE(i1);
    auto i2 = t2->info();
    ASSERT_TRUE(i2) << i2.error().describe();
}

TEST_F(TokenManagerTest, WaitForEventsWakesOnRemoveAndInsert) {
    ASSERT_TRUE(m_manager->waitForEvents(0).error().code == Errc::Timeout);
    for (bool insert : {false, true}) {
        auto start = Clock::now();
        auto waiter = std::async(std::launch::async, [&] { return m_manager->waitForEvents(5000); });
        std::this_thread::sleep_for(50ms);
        if (insert)
            m_world->insertCard("Reader A");
        else
            m_world->removeCard("Reader A");
        ASSERT_EQ(waiter.wait_for(2s), std::future_status::ready);
        auto r = waiter.get();
        ASSERT_TRUE(r) << r.error().describe();
        EXPECT_EQ(*r, std::vector<SlotId>{1});
        EXPECT_LT(Clock::now() - start, 1s);
        EXPECT_EQ(m_manager->slot(1)->cardPresent, insert);
    }
}

TEST_F(TokenManagerTest, WaitForEventsSeesNewReaders) {
    auto waiter = std::async(std::launch::async, [&] { return m_manager->waitForEvents(5000); });
    std::this_thread::sleep_for(30ms);
    m_world->addReader("Reader B");
    auto r = waiter.get();
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(*r, std::vector<SlotId>{2});
}

TEST_F(TokenManagerTest, WaitForEventsTimesOut) {
    auto start = Clock::now();
    auto r = m_manager->waitForEvents(150);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Timeout);
    EXPECT_GE(Clock::now() - start, 140ms);
    EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(TokenManagerTest, EventsSeenByRefreshAreReturnedWithoutBlocking) {
    m_world->removeCard("Reader A");
    ASSERT_TRUE(m_manager->refresh());
    auto r = m_manager->waitForEvents(-1);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(*r, std::vector<SlotId>{1});
    EXPECT_TRUE(m_manager->takePendingEvents().empty());
}

TEST_F(TokenManagerTest, CancelWaitEndsABlockedWaitPromptly) {
    auto waiter = std::async(std::launch::async, [&] { return m_manager->waitForEvents(-1); });
    std::this_thread::sleep_for(50ms);
    auto start = Clock::now();
    m_manager->cancelWait();
    ASSERT_EQ(waiter.wait_for(2s), std::future_status::ready);
    auto r = waiter.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Cancelled);
    EXPECT_LT(Clock::now() - start, 500ms);
    // The next wait works normally again.
    EXPECT_EQ(m_manager->waitForEvents(10).error().code, Errc::Timeout);
}

TEST_F(TokenManagerTest, CancelBeforeTheWaitIsNotLost) {
    m_manager->cancelWait();
    auto r = m_manager->waitForEvents(-1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Cancelled);
}

TEST_F(TokenManagerTest, SecondConcurrentWaiterIsRefused) {
    auto waiter = std::async(std::launch::async, [&] { return m_manager->waitForEvents(-1); });
    std::this_thread::sleep_for(50ms);
    auto second = m_manager->waitForEvents(-1);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::ConditionsNotSatisfied);
    m_manager->cancelWait();
    EXPECT_EQ(waiter.get().error().code, Errc::Cancelled);
}

TEST_F(TokenManagerTest, ServiceGoneMeansReadersGone) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    m_world->setServiceAvailable(false);
    ASSERT_TRUE(m_manager->refresh()) << "no pcscd is a state, not an error";
    EXPECT_FALSE(m_manager->slot(1)->readerPresent);
    EXPECT_EQ(m_manager->takePendingEvents(), std::vector<SlotId>{1});
    EXPECT_TRUE(t->removed());
    EXPECT_EQ(m_manager->token(1).error().code, Errc::NoReader);
    m_world->setServiceAvailable(true);
    ASSERT_TRUE(m_manager->refresh());
    EXPECT_TRUE(m_manager->slot(1)->readerPresent);
    EXPECT_TRUE(m_manager->slot(1)->cardPresent);
    EXPECT_TRUE(tokenIn(1));
}

TEST_F(TokenManagerTest, DestroyingTheManagerRetiresItsTokens) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    m_manager.reset();
    EXPECT_TRUE(t->removed());
    EXPECT_EQ(t->info().error().code, Errc::CardRemoved);
}

}  // namespace
}  // namespace tokentest
