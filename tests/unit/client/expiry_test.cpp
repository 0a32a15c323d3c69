// Expiry and attention logic: certificates expiring in 10 and 40 days against the default 30-day window
// and a configured one, expired and not-yet-valid certificates, PIN states, and the worst over tokens.
#include "core/client/expiry.h"

#include <gtest/gtest.h>

#include "core/client/pin_rules.h"

namespace {

using namespace client;
constexpr std::time_t kNow = 1'800'000'000;
constexpr std::time_t kDay = 86'400;

crypto::CertificateInfo certExpiringIn(std::time_t seconds) {
    crypto::CertificateInfo c;
    c.notBefore = kNow - 100 * kDay;
    c.notAfter = kNow + seconds;
    c.commonName = "Jane";
    return c;
}

TokenStatus tokenWith(std::vector<crypto::CertificateInfo> certs, int pinTries = 3) {
    TokenStatus t;
    t.info.userPin.retriesLeft = pinTries;
    t.info.soPin.retriesLeft = 3;
    const uint8_t refs[] = {0x9A, 0x9C, 0x9D, 0x9E};
    std::size_t i = 0;
    for (auto& c : certs) {
        KeyStatus k;
        k.ref = refs[i++];
        k.slot = slotName(token::AppKind::Piv, k.ref);
        k.certificate = c;
        t.keys.push_back(k);
    }
    return t;
}

TEST(Expiry, TenDaysWarnsFortyDaysDoesNotWithTheDefaultWindow) {
    EXPECT_EQ(certHealth(certExpiringIn(10 * kDay), kNow, kDefaultWarningDays), CertHealth::Expiring);
    EXPECT_EQ(certHealth(certExpiringIn(40 * kDay), kNow, kDefaultWarningDays), CertHealth::Valid);
    EXPECT_EQ(daysLeft(certExpiringIn(10 * kDay), kNow), 10);
    EXPECT_EQ(daysLeft(certExpiringIn(40 * kDay), kNow), 40);
}

TEST(Expiry, DaysLeftRoundToTheNearestDayAndNeverZeroWhileValid) {
    EXPECT_EQ(daysLeft(certExpiringIn(10 * kDay - 5), kNow), 10)
        << "a 10-day certificate, seconds after issue";
    EXPECT_EQ(daysLeft(certExpiringIn(9 * kDay + kDay / 2 + 1), kNow), 10);
    EXPECT_EQ(daysLeft(certExpiringIn(9 * kDay + kDay / 2 - 1), kNow), 9);
    EXPECT_EQ(daysLeft(certExpiringIn(3600), kNow), 1) << "a few hours left is not '0 days'";
    EXPECT_EQ(daysLeft(certExpiringIn(0), kNow), 0);
}

TEST(Expiry, WindowIsConfigurable) {
    EXPECT_EQ(certHealth(certExpiringIn(40 * kDay), kNow, 45), CertHealth::Expiring);
    EXPECT_EQ(certHealth(certExpiringIn(10 * kDay), kNow, 7), CertHealth::Valid);
    EXPECT_EQ(certHealth(certExpiringIn(30 * kDay), kNow, 30), CertHealth::Expiring)
        << "the boundary day warns";
    EXPECT_EQ(certHealth(certExpiringIn(30 * kDay + 1), kNow, 30), CertHealth::Valid);
}

TEST(Expiry, ExpiredAndNotYetValid) {
    EXPECT_EQ(certHealth(certExpiringIn(-1), kNow, 30), CertHealth::Expired);
    EXPECT_EQ(daysLeft(certExpiringIn(-1), kNow), -1);
    EXPECT_EQ(daysLeft(certExpiringIn(-2 * kDay), kNow), -2);
    auto future = certExpiringIn(400 * kDay);
    future.notBefore = kNow + kDay;
    EXPECT_EQ(certHealth(future, kNow, 30), CertHealth::NotYetValid);
}

TEST(Attention, ItemsNameTheSlotAndDaysWorstFirst) {
    auto t = tokenWith({certExpiringIn(40 * kDay), certExpiringIn(10 * kDay), certExpiringIn(-3 * kDay)});
    auto items = attentionItems(t, kNow, 30);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].what, Attention::CertExpired);
    EXPECT_EQ(items[0].slot, "9D");
    EXPECT_EQ(items[0].days, 3);
    EXPECT_EQ(items[1].what, Attention::CertExpiring);
    EXPECT_EQ(items[1].slot, "9C");
    EXPECT_EQ(items[1].days, 10);
    EXPECT_TRUE(attentionItems(tokenWith({certExpiringIn(40 * kDay)}), kNow, 30).empty());
}

TEST(Attention, PinStates) {
    EXPECT_EQ(attentionItems(tokenWith({}, 1), kNow, 30).at(0).what, Attention::PinFinalTry);
    EXPECT_EQ(attentionItems(tokenWith({}, 0), kNow, 30).at(0).what, Attention::PinLocked);
    EXPECT_TRUE(attentionItems(tokenWith({}, 2), kNow, 30).empty());
    auto pukLocked = tokenWith({});
    pukLocked.info.soPin.retriesLeft = 0;
    EXPECT_EQ(attentionItems(pukLocked, kNow, 30).at(0).what, Attention::ActionNeeded);
}

TEST(Attention, WorstOverSeveralTokens) {
    std::vector<TokenStatus> tokens{tokenWith({certExpiringIn(40 * kDay)}),
                                    tokenWith({certExpiringIn(10 * kDay)})};
    EXPECT_EQ(worstAttention(tokens, kNow, 30), Attention::CertExpiring);
    tokens.push_back(tokenWith({}, 0));
    EXPECT_EQ(worstAttention(tokens, kNow, 30), Attention::PinLocked);
    EXPECT_EQ(worstAttention({}, kNow, 30), Attention::Ready);
}

TEST(PinRules, PerApplication) {
    using token::AppKind;
    EXPECT_EQ(pinRules(AppKind::Piv, PinRole::User).minLength, 6u);
    EXPECT_EQ(pinRules(AppKind::Piv, PinRole::User).maxLength, 8u);
    EXPECT_EQ(pinRules(AppKind::OpenPgp, PinRole::User).minLength, 6u);
    EXPECT_EQ(pinRules(AppKind::OpenPgp, PinRole::Admin).minLength, 8u);
    EXPECT_EQ(pinRules(AppKind::Piv, PinRole::User).describe(), "6 to 8 characters");
    EXPECT_EQ(unblockRole(AppKind::Piv), PinRole::Puk);
    EXPECT_EQ(unblockRole(AppKind::OpenPgp), PinRole::Admin);
}

TEST(SlotNames, PivAndOpenPgp) {
    EXPECT_EQ(slotName(token::AppKind::Piv, 0x9A), "9A");
    EXPECT_EQ(slotName(token::AppKind::Piv, 0x82), "82");
    EXPECT_EQ(slotName(token::AppKind::OpenPgp, 1), "SIG");
    EXPECT_EQ(ckaIdFor(token::AppKind::Piv, 0x9D), 3);
    EXPECT_EQ(ckaIdFor(token::AppKind::Piv, 0x83), 6);
    EXPECT_EQ(ckaIdFor(token::AppKind::OpenPgp, 2), 2);
    EXPECT_FALSE(ckaIdFor(token::AppKind::Piv, 0x9B));
}

}  // namespace
