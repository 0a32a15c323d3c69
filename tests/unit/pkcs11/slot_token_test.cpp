// Slots, token info, mechanisms, slot events.
#include <chrono>
#include <future>
#include <thread>

#include "p11_fixture.h"

namespace p11test {
namespace {

using SlotTokenTest = P11Test;

std::string text(const unsigned char* p, std::size_t n) { return std::string(reinterpret_cast<const char*>(p), n); }

TEST_F(SlotTokenTest, SlotListConvention) {
    initialize();
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_GetSlotList(CK_FALSE, nullptr, &n), CKR_OK);
    EXPECT_EQ(n, 1u);
    // A reader added later appears only after a call with a NULL list.
    m_world->addReader("Reader B");
    CK_SLOT_ID ids[4];
    CK_ULONG cap = 4;
    ASSERT_EQ(m_fl->C_GetSlotList(CK_FALSE, ids, &cap), CKR_OK);
    EXPECT_EQ(cap, 1u);
    ASSERT_EQ(m_fl->C_GetSlotList(CK_FALSE, nullptr, &n), CKR_OK);
    EXPECT_EQ(n, 2u);
    CK_ULONG small = 1;
    EXPECT_EQ(m_fl->C_GetSlotList(CK_FALSE, ids, &small), CKR_BUFFER_TOO_SMALL);
    EXPECT_EQ(small, 2u);
    ASSERT_EQ(m_fl->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_OK);
    EXPECT_EQ(n, 1u);  // the empty reader has no token
    EXPECT_EQ(m_fl->C_GetSlotList(CK_FALSE, nullptr, nullptr), CKR_ARGUMENTS_BAD);
}

TEST_F(SlotTokenTest, SlotAndTokenInfo) {
    initialize();
    CK_SLOT_ID id = slot();
    CK_SLOT_INFO si;
    ASSERT_EQ(m_fl->C_GetSlotInfo(id, &si), CKR_OK);
    EXPECT_EQ(si.flags, CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT);
    EXPECT_EQ(text(si.slotDescription, 8), "Reader A");
    EXPECT_EQ(si.slotDescription[63], ' ');
    EXPECT_EQ(m_fl->C_GetSlotInfo(999, &si), CKR_SLOT_ID_INVALID);

    CK_TOKEN_INFO ti;
    ASSERT_EQ(m_fl->C_GetTokenInfo(id, &ti), CKR_OK);
    CK_FLAGS must = CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED;
    EXPECT_EQ(ti.flags & must, must);
    EXPECT_EQ(ti.flags & (CKF_PROTECTED_AUTHENTICATION_PATH | CKF_RNG | CKF_USER_PIN_COUNT_LOW), 0u);
    EXPECT_EQ(ti.ulMinPinLen, 6u);
    EXPECT_EQ(ti.ulMaxPinLen, 8u);
    EXPECT_EQ(ti.label[31], ' ');
    EXPECT_EQ(ti.serialNumber[15] == 0, false);
    EXPECT_EQ(m_fl->C_GetTokenInfo(999, &ti), CKR_SLOT_ID_INVALID);
}

TEST_F(SlotTokenTest, PinCounterFlags) {
    initialize();
    CK_SESSION_HANDLE h = open();
    EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
    CK_TOKEN_INFO ti;
    ASSERT_EQ(m_fl->C_GetTokenInfo(slot(), &ti), CKR_OK);
    EXPECT_TRUE(ti.flags & CKF_USER_PIN_COUNT_LOW);
    EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
    ASSERT_EQ(m_fl->C_GetTokenInfo(slot(), &ti), CKR_OK);
    EXPECT_TRUE(ti.flags & CKF_USER_PIN_FINAL_TRY) << std::hex << ti.flags;
    EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
    ASSERT_EQ(m_fl->C_GetTokenInfo(slot(), &ti), CKR_OK);
    EXPECT_TRUE(ti.flags & CKF_USER_PIN_LOCKED);
    EXPECT_EQ(login(h, CKU_USER, kPin), CKR_PIN_LOCKED);
}

TEST_F(SlotTokenTest, NoTokenInEmptyReader) {
    m_world->removeCard("Reader A");
    initialize();
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_GetSlotList(CK_FALSE, nullptr, &n), CKR_OK);
    CK_SLOT_ID id = 0;
    ASSERT_EQ(m_fl->C_GetSlotList(CK_FALSE, &id, &n), CKR_OK);
    CK_TOKEN_INFO ti;
    EXPECT_EQ(m_fl->C_GetTokenInfo(id, &ti), CKR_TOKEN_NOT_PRESENT);
    CK_SESSION_HANDLE h;
    EXPECT_EQ(m_fl->C_OpenSession(id, CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_TOKEN_NOT_PRESENT);
}

TEST_F(SlotTokenTest, MechanismsWithKeySizes) {
    initialize();
    CK_SLOT_ID id = slot();
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_GetMechanismList(id, nullptr, &n), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> mechs(n);
    ASSERT_EQ(m_fl->C_GetMechanismList(id, mechs.data(), &n), CKR_OK);
    EXPECT_NE(std::find(mechs.begin(), mechs.end(), CKM_ECDSA_SHA256), mechs.end());
    CK_MECHANISM_INFO info;
    ASSERT_EQ(m_fl->C_GetMechanismInfo(id, CKM_SHA256_RSA_PKCS, &info), CKR_OK);
    EXPECT_EQ(info.ulMinKeySize, 1024u);
    EXPECT_GE(info.ulMaxKeySize, 2048u);
    EXPECT_EQ(info.flags, CKF_HW | CKF_SIGN);
    ASSERT_EQ(m_fl->C_GetMechanismInfo(id, CKM_ECDH1_DERIVE, &info), CKR_OK);
    EXPECT_TRUE(info.flags & CKF_DERIVE);
    EXPECT_EQ(info.ulMaxKeySize, 384u);
    EXPECT_EQ(m_fl->C_GetMechanismInfo(id, CKM_AES_CBC, &info), CKR_MECHANISM_INVALID);
    // The virtual PIV card announces RSA-1024..4096 in its SELECT answer and holds no RSA-4096 key: the
    // key-generation range comes from the announcement (a wizard offers RSA-3072 / 4096 from it).
    ASSERT_EQ(m_fl->C_GetMechanismInfo(id, CKM_RSA_PKCS_KEY_PAIR_GEN, &info), CKR_OK);
    EXPECT_EQ(info.ulMinKeySize, 1024u);
    EXPECT_EQ(info.ulMaxKeySize, 4096u);
    EXPECT_EQ(info.flags, CKF_HW | CKF_GENERATE_KEY_PAIR);
}

TEST_F(SlotTokenTest, SlotEventsNonBlocking) {
    initialize();
    CK_SLOT_ID id = slot();
    CK_SLOT_ID ev = 0;
    while (m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, nullptr) == CKR_OK) {
    }
    EXPECT_EQ(m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, nullptr), CKR_NO_EVENT);
    m_world->removeCard("Reader A");
    CK_RV rv = CKR_NO_EVENT;
    for (int i = 0; i < 200 && rv == CKR_NO_EVENT; ++i) {
        rv = m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, nullptr);
        if (rv == CKR_NO_EVENT) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(rv, CKR_OK);
    EXPECT_EQ(ev, id);
    int reserved = 0;
    EXPECT_EQ(m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, &reserved), CKR_ARGUMENTS_BAD);
}

TEST_F(SlotTokenTest, BlockingWaitSeesInsertionAndFinalizeWakesIt) {
    initialize();
    CK_SLOT_ID id = slot();
    CK_SLOT_ID ev = 0;
    while (m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, nullptr) == CKR_OK) {
    }
    auto waiter = std::async(std::launch::async, [&] {
        CK_SLOT_ID s = 0;
        CK_RV rv = m_fl->C_WaitForSlotEvent(0, &s, nullptr);
        return std::make_pair(rv, s);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m_world->removeCard("Reader A");
    auto [rv, s] = waiter.get();
    EXPECT_EQ(rv, CKR_OK);
    EXPECT_EQ(s, id);

    while (m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, nullptr) == CKR_OK) {
    }
    auto blocked = std::async(std::launch::async, [&] {
        CK_SLOT_ID x = 0;
        return m_fl->C_WaitForSlotEvent(0, &x, nullptr);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(m_fl->C_Finalize(nullptr), CKR_OK);
    ASSERT_EQ(blocked.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_EQ(blocked.get(), CKR_CRYPTOKI_NOT_INITIALIZED);
}

}  // namespace
}  // namespace p11test
