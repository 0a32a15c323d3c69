#include "core/apdu/status_words.h"

#include <gtest/gtest.h>

using namespace apdu;
using core::Errc;

TEST(StatusWords, MapsToErrors) {
    struct Case {
        uint16_t sw;
        Errc code;
    } cases[] = {
        {0x6982, Errc::SecurityNotSatisfied}, {0x6983, Errc::AuthBlocked}, {0x6A82, Errc::NotFound},
        {0x6A88, Errc::NotFound},             {0x6A80, Errc::IncorrectData}, {0x6D00, Errc::NotSupported},
        {0x6E00, Errc::NotSupported},         {0x6A81, Errc::NotSupported}, {0x6A84, Errc::NoSpace},
        {0x6A86, Errc::IncorrectP1P2},        {0x6700, Errc::WrongLength}, {0x6985, Errc::ConditionsNotSatisfied},
        {0x6F00, Errc::CardError},            {0x6300, Errc::PinIncorrect},
    };
    for (auto c : cases) {
        auto e = errorFromSw(c.sw, "TEST");
        EXPECT_EQ(e.code, c.code) << std::hex << c.sw;
        ASSERT_TRUE(e.sw);
        EXPECT_EQ(*e.sw, c.sw);
        EXPECT_EQ(e.message.rfind("TEST: ", 0), 0u);
    }
}

TEST(StatusWords, RetriesFrom63Cx) {
    auto e = errorFromSw(0x63C2, "VERIFY PIN");
    EXPECT_EQ(e.code, Errc::PinIncorrect);
    ASSERT_TRUE(e.retries);
    EXPECT_EQ(*e.retries, 2);
    EXPECT_EQ(e.describe(), "PinIncorrect: VERIFY PIN: verification failed (SW 63C2, 2 tries left)");
    EXPECT_FALSE(errorFromSw(0x6300, "x").retries);
    EXPECT_EQ(*errorFromSw(0x63C0, "x").retries, 0);
    EXPECT_EQ(sw::retries(3), 0x63C3);
}
