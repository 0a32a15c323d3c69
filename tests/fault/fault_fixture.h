// One fresh copy of the provisioned card per test, served by its own mesign-vcard, and the module
// initialised for that test only. The checks every fault test ends with live here: no PIN try used,
// state file intact, token usable again (a fresh signature verified by OpenSSL).
#pragma once

#include <gtest/gtest.h>

#include "harness.h"
#include "p11_driver.h"

namespace fault {

// Bounds (tests/fault/README.md): a call that meets a fault returns within kCallBound seconds; a slow
// answer of D ms adds at most D ms to it; the card reappears within kReinsertBound after a drop.
inline constexpr double kCallBound = 10.0;
inline constexpr double kReinsertBound = 10.0;
// A call whose card was pulled (or lost one answer) returns within this: the module waits at most 1 s
// (transport::kRemovalProbeMs) for pcscd to report the removal, plus the card work before the fault.
inline constexpr double kRemovalBound = 2.0;

#define EXPECT_RV(expected, actual) EXPECT_EQ(ckrName(expected), ckrName(actual))
#define ASSERT_RV(expected, actual) ASSERT_EQ(ckrName(expected), ckrName(actual))

class FaultTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // A session on the token (R/W for SO), logged in as `who` unless kNoLogin.
    static constexpr CK_USER_TYPE kNoLogin = ~CK_USER_TYPE(0);
    CK_SESSION_HANDLE session(CK_USER_TYPE who, bool rw = false);

    // The closing checks. `unchangedState`: the state file must be byte-identical to the pristine copy
    // (operations that write nothing); otherwise it must still load as a card.
    void expectNoPinTryUsed();
    void expectStateIntact(bool unchangedState);
    void expectUsableAgain();

    std::string trySignOnce();

    static std::string testFileName();  // the current test's name, usable as a file name

    Vcard m_card{testFileName()};
    CK_SLOT_ID m_slot = 0;
    Bytes m_pristine;
    Clock::time_point m_usableAt{};
};

}  // namespace fault
