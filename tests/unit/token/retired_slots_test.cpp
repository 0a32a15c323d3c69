// Retired key slots (82..95) are looked at only as far as the Key History object counts them (as OpenSC):
// the trade-off documented in core/token/README.md. A key another tool generated in a retired slot without
// updating Key History is not listed; keys generated and certificates written through us update it.
#include "card-apps/piv/piv_card.h"
#include "core/apdu/channel.h"
#include "core/transport/transport.h"
#include "test_crypto.h"

namespace tokentest {
namespace {

using cardapp::KeyAlgorithm;

bool listed(const std::vector<token::KeyObject>& objs, uint8_t ref) {
    for (const auto& o : objs)
        if (o.key.ref == ref) return true;
    return false;
}

class RetiredSlotsTest : public TokenFixture {
protected:
    // Lists the card as a new process without an object cache would.
    std::vector<token::KeyObject> listFresh() {
        token::Token t(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
        auto objs = t.objects();
        EXPECT_TRUE(objs) << (objs ? "" : describe(objs.error()));
        return objs ? *objs : std::vector<token::KeyObject>{};
    }
    // "Another tool": GENERATE ASYMMETRIC KEY PAIR straight on the card, Key History untouched.
    void generateBehindOurBack(uint8_t ref) {
        auto tr = m_manager->backend().connect("Reader A");
        ASSERT_TRUE(tr) << describe(tr.error());
        apdu::Channel channel(**tr);
        piv::PivCard card(channel);
        transport::Transaction tx(**tr);
        ASSERT_TRUE(card.select());
        ASSERT_TRUE(card.authenticateManagementKey(kMgmtKey));
        ASSERT_TRUE(card.generateKey(ref, KeyAlgorithm::EcP256));
    }
};

TEST_F(RetiredSlotsTest, KeyInARetiredSlotWithoutKeyHistoryIsNotListed) {
    generateBehindOurBack(0x82);
    EXPECT_FALSE(listed(listFresh(), 0x82)) << "no Key History object: retired slots are not probed";
}

TEST_F(RetiredSlotsTest, OurKeyGenerationCountsTheSlotInKeyHistory) {
    generateBehindOurBack(0x82);
    {
        token::Token t(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
        enrol(t, 0x83, KeyAlgorithm::EcP256, /*withCertificate=*/false);
    }
    const auto objs = listFresh();
    EXPECT_TRUE(listed(objs, 0x83)) << "Key History now counts 82 and 83";
    EXPECT_TRUE(listed(objs, 0x82)) << "the other tool's key in 82 is covered by the count as well";
    EXPECT_FALSE(listed(objs, 0x84));
}

TEST_F(RetiredSlotsTest, ListingSkipsTheUncountedRetiredSlots) {
    {
        token::Token t(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
        enrol(t, 0x82, KeyAlgorithm::EcP256);
    }
    token::Token t(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
    ASSERT_TRUE(t.probe());
    const uint64_t before = m_card->apduCount();
    auto objs = t.objects();
    ASSERT_TRUE(objs);
    EXPECT_TRUE(listed(*objs, 0x82));
    // Key History + 4 main slots (certificate + metadata each) + 82 (metadata + certificate): far below the
    // 20 extra probes of the retired slots a full scan costs.
    EXPECT_LE(m_card->apduCount() - before, 1u + 4u * 2u + 2u + 6u) << "certificates may need GET RESPONSE";
}

}  // namespace
}  // namespace tokentest
