// PcscTransport against the virtual PIV card through pcscd and vpcd.
#include <PCSC/winscard.h>

#include <atomic>
#include <thread>

#include "core/transport/pcsc_transport.h"
#include "tests/integration/vcard_fixture.h"

namespace itest {
namespace {

using core::Bytes;
using core::Errc;
using transport::PcscContext;
using transport::PcscTransport;

const Bytes kSelectPiv = core::hexBytes("00A4040009A0000003080000100000");

uint16_t swOf(const Bytes& r) {
    return r.size() < 2 ? 0 : static_cast<uint16_t>((r[r.size() - 2] << 8) | r[r.size() - 1]);
}

class PcscTransportTest : public VcardFixture {
protected:
    std::shared_ptr<PcscContext> context() {
        auto ctx = PcscContext::establish();
        EXPECT_TRUE(ctx) << ctx.error().describe();
        return ctx ? *ctx : nullptr;
    }
    std::unique_ptr<PcscTransport> connect(std::shared_ptr<PcscContext> ctx = nullptr) {
        auto t = PcscTransport::connect(ctx ? ctx : context(), reader());
        EXPECT_TRUE(t) << t.error().describe();
        return t ? std::move(*t) : nullptr;
    }
    // SELECT of the PIV application; returns the status word (0 on a transport error).
    static uint16_t selectPiv(PcscTransport& t) {
        auto r = t.transmit(kSelectPiv);
        EXPECT_TRUE(r) << r.error().describe();
        return r ? swOf(*r) : 0;
    }
};

TEST_F(PcscTransportTest, ListsBothVpcdSlots) {
    auto ctx = context();
    ASSERT_TRUE(ctx);
    auto readers = ctx->listReaders();
    ASSERT_TRUE(readers) << readers.error().describe();
    EXPECT_EQ(*readers, (std::vector<std::string>{"MeSign Test VPCD 00 00", "MeSign Test VPCD 00 01"}));
}

TEST_F(PcscTransportTest, AtrIsTheOnePcscdReportsForTheReader) {
    auto t = connect();
    ASSERT_TRUE(t);
    auto atr = t->atr();
    ASSERT_TRUE(atr) << atr.error().describe();

    SCARD_READERSTATE state{};
    state.szReader = reader().c_str();
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    SCARDCONTEXT ctx = 0;
    ASSERT_EQ(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx), SCARD_S_SUCCESS);
    LONG rv = SCardGetStatusChange(ctx, 0, &state, 1);
    SCardReleaseContext(ctx);
    ASSERT_EQ(rv, SCARD_S_SUCCESS) << pcsc_stringify_error(rv);
    EXPECT_EQ(core::toHex(*atr), core::toHex(core::ByteView(state.rgbAtr, state.cbAtr)));
    ASSERT_GE(atr->size(), 2u);
    EXPECT_EQ((*atr)[0], 0x3B);  // direct convention
    EXPECT_EQ(t->readerName(), reader());
}

TEST_F(PcscTransportTest, SelectPivApplicationAnswersTemplateAnd9000) {
    auto t = connect();
    ASSERT_TRUE(t);
    auto r = t->transmit(kSelectPiv);
    ASSERT_TRUE(r) << r.error().describe();
    ASSERT_GE(r->size(), 3u);
    EXPECT_EQ(swOf(*r), 0x9000);
    EXPECT_EQ((*r)[0], 0x61) << "application property template expected: " << core::toHex(*r);
}

TEST_F(PcscTransportTest, ConnectMatchingPicksTheReaderWithTheCard) {
    auto ctx = context();
    ASSERT_TRUE(ctx);
    auto t = PcscTransport::connectMatching(ctx, "MeSign Test");
    ASSERT_TRUE(t) << t.error().describe();
    EXPECT_EQ((*t)->readerName(), reader());
    EXPECT_EQ(selectPiv(**t), 0x9000);

    auto none = PcscTransport::connectMatching(ctx, "No Such Reader");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::NoReader);

    auto empty = PcscTransport::connect(ctx, "MeSign Test VPCD 00 01");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, Errc::NoCard) << empty.error().describe();
}

TEST_F(PcscTransportTest, TransactionsNestAndKeepOtherHandlesOut) {
    auto mine = connect();
    auto other = connect();
    ASSERT_TRUE(mine && other);
    ASSERT_TRUE(mine->beginTransaction());
    ASSERT_TRUE(mine->beginTransaction());  // nested: no second SCardBeginTransaction
    EXPECT_EQ(selectPiv(*mine), 0x9000);
    mine->endTransaction();  // inner end: the card stays ours

    std::atomic<bool> otherHasIt{false};
    std::thread waiter([&] {
        if (other->beginTransaction()) {
            otherHasIt = true;
            other->endTransaction();
        }
    });
    std::this_thread::sleep_for(500ms);
    EXPECT_FALSE(otherHasIt) << "another handle got the card while the outer transaction was open";
    EXPECT_EQ(selectPiv(*mine), 0x9000);
    mine->endTransaction();  // outer end releases the card
    for (int i = 0; i < 100 && !otherHasIt; ++i) std::this_thread::sleep_for(20ms);
    waiter.join();
    EXPECT_TRUE(otherHasIt);
    EXPECT_EQ(selectPiv(*other), 0x9000);
}

TEST_F(PcscTransportTest, RemovalIsReportedAndReinsertionWorks) {
    auto ctx = context();
    auto t = connect(ctx);
    ASSERT_TRUE(t);
    EXPECT_EQ(selectPiv(*t), 0x9000);

    EXPECT_EQ(removeCard(), 0);
    auto r = t->transmit(kSelectPiv);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardRemoved) << r.error().describe();
    EXPECT_EQ(r.error().message, "SCardTransmit: Card was removed (0x80100069)");
    auto again = PcscTransport::connect(ctx, reader());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::NoCard) << again.error().describe();

    insertCard();
    auto fresh = connect(ctx);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(selectPiv(*fresh), 0x9000);
    auto stale = t->transmit(kSelectPiv);  // the old handle belongs to the removed card
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, Errc::CardRemoved) << stale.error().describe();
}

TEST_F(PcscTransportTest, ResetByAnotherHandleIsReportedOnceThenWorks) {
    auto mine = connect();
    auto other = connect();
    ASSERT_TRUE(mine && other);
    EXPECT_EQ(selectPiv(*mine), 0x9000);

    ASSERT_TRUE(other->reset());
    EXPECT_EQ(selectPiv(*other), 0x9000);  // the resetting handle is not told about its own reset

    auto r = mine->transmit(kSelectPiv);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CardReset) << r.error().describe();
    EXPECT_EQ(selectPiv(*mine), 0x9000);  // reported once; the handle is re-attached
    EXPECT_EQ(selectPiv(*mine), 0x9000);
}

TEST_F(PcscTransportTest, ResetSeenByBeginTransactionOrAtrIsReportedOnce) {
    auto mine = connect();
    auto other = connect();
    ASSERT_TRUE(mine && other);
    ASSERT_TRUE(mine->atr());

    ASSERT_TRUE(other->reset());
    auto begin = mine->beginTransaction();
    ASSERT_FALSE(begin);
    EXPECT_EQ(begin.error().code, Errc::CardReset) << begin.error().describe();
    {
        transport::Transaction tx(*mine);
        ASSERT_TRUE(tx) << tx.status().error().describe();
        EXPECT_EQ(selectPiv(*mine), 0x9000);
    }

    ASSERT_TRUE(other->reset());
    auto atr = mine->atr();
    ASSERT_FALSE(atr);
    EXPECT_EQ(atr.error().code, Errc::CardReset) << atr.error().describe();
    auto atr2 = mine->atr();
    ASSERT_TRUE(atr2) << atr2.error().describe();
    EXPECT_EQ(selectPiv(*mine), 0x9000);
}

TEST(PcscErrorTest, MessagesNameTheCallAndTheReason) {
    EXPECT_EQ(transport::pcscError(SCARD_W_REMOVED_CARD, "SCardTransmit").message,
              "SCardTransmit: Card was removed (0x80100069)");
    EXPECT_EQ(transport::pcscError(SCARD_E_NO_SERVICE, "SCardEstablishContext").code, Errc::NoService);
    EXPECT_EQ(transport::pcscError(SCARD_E_NO_READERS_AVAILABLE, "SCardListReaders").code, Errc::NoReader);
    EXPECT_EQ(transport::pcscError(SCARD_E_NO_SMARTCARD, "SCardConnect").code, Errc::NoCard);
    EXPECT_EQ(transport::pcscError(SCARD_W_RESET_CARD, "SCardTransmit").code, Errc::CardReset);
    EXPECT_EQ(transport::pcscError(SCARD_F_COMM_ERROR, "SCardTransmit").code, Errc::Transport);
}

}  // namespace
}  // namespace itest
