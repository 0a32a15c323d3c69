// Faults around the card rather than in it: pcscd killed and restarted, another process holding a long
// PC/SC transaction, another process resetting the card between VERIFY and the signature, and the card
// vanishing (mesign-vcard killed) while a thread blocks in C_WaitForSlotEvent, or pulled and back between
// two calls.
#include <future>
#include <thread>

#include "fault_fixture.h"

namespace fault {
namespace {

const Bytes kData = {'s', 'y', 's', 't', 'e', 'm', ' ', 'f', 'a', 'u', 'l', 't'};

class SystemFault : public FaultTest {
  protected:
    // A user session and the 9A key, logged in.
    void loggedIn() {
        m_h = session(CKU_USER);
        ASSERT_RV(CKR_OK, findKey(m_h, CKO_PRIVATE_KEY, kIdSign, &m_key));
    }
    CK_SESSION_HANDLE m_h = 0;
    CK_OBJECT_HANDLE m_key = 0;
};

// pcscd dies under a logged-in session: the next call fails cleanly and fast (the daemon is the device's
// path: CKR_DEVICE_ERROR), and once a new pcscd runs and the card is back, the module works again
// without being re-initialised.
TEST_F(SystemFault, PcscdKilledAndRestarted) {
    loggedIn();
    ASSERT_TRUE(killPcscd());
    Bytes sig;
    auto start = Clock::now();
    const CK_RV rv = signSha256Rsa(m_h, m_key, kData, &sig);
    EXPECT_LT(secondsSince(start), kCallBound);
    EXPECT_TRUE(rv == CKR_DEVICE_ERROR || rv == CKR_DEVICE_REMOVED || rv == CKR_SESSION_HANDLE_INVALID)
        << ckrName(rv);
    CK_SLOT_ID slots[8];
    CK_ULONG n = 8;
    start = Clock::now();
    EXPECT_RV(CKR_OK, p11()->C_GetSlotList(CK_TRUE, slots, &n)) << "slot list without pcscd";
    EXPECT_LT(secondsSince(start), kCallBound);

    ASSERT_TRUE(startPcscd()) << "pcscd did not restart";
    // mesign-vcard reconnects with its back-off (at most 2 s) and pcscd polls every 0.4 s.
    ASSERT_TRUE(pcsc::waitCard(true, kReinsertBound)) << m_card.log();
    expectUsableAgain();
    expectNoPinTryUsed();
    expectStateIntact(true);
}

// Another application holds the card in a transaction for 3 s: our signature waits for it (PC/SC's
// rule: a transaction is exclusive) and then succeeds; it neither fails nor waits much longer.
TEST_F(SystemFault, LongTransactionOfAnotherProcess) {
    constexpr double kHold = 3.0;
    loggedIn();
    Helper other({"hold", std::to_string(kHold)});
    ASSERT_TRUE(other.waitFor("held", 5.0)) << "helper did not get its transaction";
    const auto start = Clock::now();
    Bytes sig;
    const CK_RV rv = signSha256Rsa(m_h, m_key, kData, &sig);
    const double took = secondsSince(start);
    EXPECT_EQ(0, other.wait());
    // The other process ended its transaction without resetting: our login survives.
    EXPECT_RV(CKR_OK, rv);
    EXPECT_EQ("", verifySha256Rsa(setup().cardDir / "9a.pub", kData, sig));
    EXPECT_GE(took, kHold - 0.5) << "signed inside another process's transaction";
    EXPECT_LT(took, kHold + kCallBound);
    expectNoPinTryUsed();
    expectStateIntact(true);
    expectUsableAgain();
}

// Another application resets the card after our VERIFY: the card forgot the PIN, so the signature is
// refused with CKR_USER_NOT_LOGGED_IN (the module must not quietly re-send a cached PIN for a key it has
// not been asked to), then C_Login and the signature work again.
TEST_F(SystemFault, ResetByAnotherProcessBetweenVerifyAndSign) {
    loggedIn();
    {
        Helper other({"reset"});
        ASSERT_TRUE(other.waitFor("reset", 5.0)) << "helper could not reset the card";
        EXPECT_EQ(0, other.wait());
    }
    Bytes sig;
    const auto start = Clock::now();
    EXPECT_RV(CKR_USER_NOT_LOGGED_IN, signSha256Rsa(m_h, m_key, kData, &sig));
    EXPECT_LT(secondsSince(start), kCallBound);
    CK_SESSION_INFO info;
    ASSERT_RV(CKR_OK, p11()->C_GetSessionInfo(m_h, &info));
    EXPECT_EQ(CKS_RO_PUBLIC_SESSION, info.state) << "session still claims a login the card lost";
    ASSERT_RV(CKR_OK, login(m_h, CKU_USER, kUserPin));
    ASSERT_RV(CKR_OK, signSha256Rsa(m_h, m_key, kData, &sig));
    EXPECT_EQ("", verifySha256Rsa(setup().cardDir / "9a.pub", kData, sig));
    expectNoPinTryUsed();
    expectStateIntact(true);
}

// The card vanishes (its process killed) while a thread blocks in C_WaitForSlotEvent: the thread gets
// the slot's event within kEventBound, the slot shows no token, the old session is gone, and when the
// card comes back the token is usable.
TEST_F(SystemFault, CardGoneWhileWaitForSlotEventBlocks) {
    constexpr double kEventBound = 3.0;  // pcscd polls vpcd every 0.4 s
    loggedIn();
    // Drain events already pending from the insertion this test started with.
    for (CK_SLOT_ID s; p11()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &s, nullptr) == CKR_OK;) {
    }
    auto waiter = std::async(std::launch::async, [] {
        CK_SLOT_ID s = ~CK_SLOT_ID(0);
        const CK_RV rv = p11()->C_WaitForSlotEvent(0, &s, nullptr);
        return std::make_pair(rv, s);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it block
    ASSERT_EQ(std::future_status::timeout, waiter.wait_for(std::chrono::seconds(0))) << "returned early";
    m_card.kill9();
    const auto start = Clock::now();
    ASSERT_EQ(std::future_status::ready, waiter.wait_for(std::chrono::duration<double>(kEventBound)))
        << "no slot event within " << kEventBound << " s";
    const auto [rv, slot] = waiter.get();
    EXPECT_RV(CKR_OK, rv);
    EXPECT_EQ(m_slot, slot);
    EXPECT_LT(secondsSince(start), kEventBound);
    CK_SLOT_INFO info;
    ASSERT_RV(CKR_OK, p11()->C_GetSlotInfo(m_slot, &info));
    EXPECT_EQ(0u, info.flags & CKF_TOKEN_PRESENT);
    Bytes sig;
    const CK_RV gone = signSha256Rsa(m_h, m_key, kData, &sig);
    EXPECT_TRUE(gone == CKR_SESSION_HANDLE_INVALID || gone == CKR_DEVICE_REMOVED ||
                gone == CKR_TOKEN_NOT_PRESENT)
        << ckrName(gone);
    // SIGKILL cannot leave a half-written state file (writes are temp file + rename).
    expectStateIntact(true);
    m_card.start();
    // An application that polls C_GetSlotInfo (as NSS does without a slot-event thread) must see the card
    // come back without calling C_GetSlotList(NULL) or C_WaitForSlotEvent first.
    const auto back = Clock::now();
    bool present = false;
    while (!present && secondsSince(back) < kReinsertBound) {
        ASSERT_RV(CKR_OK, p11()->C_GetSlotInfo(m_slot, &info));
        present = (info.flags & CKF_TOKEN_PRESENT) != 0;
        if (!present) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(present) << "C_GetSlotInfo never showed the returned card";
    CK_TOKEN_INFO tokenInfo;
    EXPECT_RV(CKR_OK, p11()->C_GetTokenInfo(m_slot, &tokenInfo));
    expectUsableAgain();
    expectNoPinTryUsed();
}

// The card is pulled and put back between two calls, while no APDU runs: pcscd saw both events (event
// counter + 2) and keeps answering the old card handle SCARD_W_REMOVED_CARD. The logged-in session belonged
// to the card that left: its next call finds out on the card (CKR_DEVICE_REMOVED, PKCS#11 3.0 §5.1), the
// session is closed, and the returned card is a fresh token (new session, new login, signature verified).
TEST_F(SystemFault, CardPulledAndBackBetweenCalls) {
    loggedIn();
    m_card.stop();
    ASSERT_TRUE(pcsc::waitCard(false, 5.0)) << "the card did not leave";
    m_card.start();
    ASSERT_TRUE(pcsc::waitCard(true, kReinsertBound)) << m_card.log();
    Bytes sig;
    const auto start = Clock::now();
    EXPECT_RV(CKR_DEVICE_REMOVED, signSha256Rsa(m_h, m_key, kData, &sig)) << "a session of the pulled card";
    EXPECT_LT(secondsSince(start), kRemovalBound);
    CK_SESSION_INFO info{};
    EXPECT_RV(CKR_SESSION_HANDLE_INVALID, p11()->C_GetSessionInfo(m_h, &info)) << "the session must be closed";
    expectUsableAgain();
    expectNoPinTryUsed();
    expectStateIntact(true);
}

}  // namespace
}  // namespace fault
