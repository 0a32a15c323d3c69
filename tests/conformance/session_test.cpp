// Opening, inspecting and closing sessions (specs/pkcs11.md §5).
#include <algorithm>

#include "fixtures.h"

namespace p11test {
namespace {

using SessionTest = TokenTest;

CK_SESSION_INFO sessionInfo(CK_SESSION_HANDLE h) {
    CK_SESSION_INFO info{};
    EXPECT_CKR_OK(p11()->C_GetSessionInfo(h, &info));
    return info;
}

TEST_F(SessionTest, SerialFlagIsRequired) {
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_SESSION_PARALLEL_NOT_SUPPORTED, fl()->C_OpenSession(m_slot, 0, nullptr, nullptr, &h));
    EXPECT_CKR(CKR_SESSION_PARALLEL_NOT_SUPPORTED,
               fl()->C_OpenSession(m_slot, CKF_RW_SESSION, nullptr, nullptr, &h));
}

TEST_F(SessionTest, OpenErrors) {
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_OpenSession(m_slot, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr));
    CK_ULONG n = 0;
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_FALSE, nullptr, &n));
    std::vector<CK_SLOT_ID> slots(n);
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_FALSE, slots.data(), &n));
    CK_SLOT_ID unused = 0x4D65u;
    while (std::find(slots.begin(), slots.end(), unused) != slots.end()) ++unused;
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_SLOT_ID_INVALID, fl()->C_OpenSession(unused, CKF_SERIAL_SESSION, nullptr, nullptr, &h));
}

TEST_F(SessionTest, InfoReflectsFlagsAndState) {
    Session ro(m_slot);
    ASSERT_CKR_OK(ro.openResult());
    EXPECT_NE(ro.handle(), CK_INVALID_HANDLE);
    CK_SESSION_INFO info = sessionInfo(ro.handle());
    EXPECT_EQ(info.slotID, m_slot);
    EXPECT_EQ(info.state, CKS_RO_PUBLIC_SESSION);
    EXPECT_EQ(info.flags, CKF_SERIAL_SESSION);

    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    EXPECT_NE(rw.handle(), ro.handle());
    info = sessionInfo(rw.handle());
    EXPECT_EQ(info.state, CKS_RW_PUBLIC_SESSION);
    EXPECT_EQ(info.flags, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetSessionInfo(rw.handle(), nullptr));
}

TEST_F(SessionTest, TokenCountsSessions) {
    Session ro(m_slot);
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(ro.openResult());
    ASSERT_CKR_OK(rw.openResult());
    CK_TOKEN_INFO info{};
    ASSERT_CKR_OK(fl()->C_GetTokenInfo(m_slot, &info));
    if (info.ulSessionCount != CK_UNAVAILABLE_INFORMATION) {
        EXPECT_EQ(info.ulSessionCount, 2u);
    }
    if (info.ulRwSessionCount != CK_UNAVAILABLE_INFORMATION) {
        EXPECT_EQ(info.ulRwSessionCount, 1u);
    }
}

TEST_F(SessionTest, InvalidHandles) {
    CK_SESSION_INFO info{};
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_GetSessionInfo(CK_INVALID_HANDLE, &info));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_CloseSession(CK_INVALID_HANDLE));

    Session s(m_slot);
    ASSERT_CKR_OK(s.openResult());
    const CK_SESSION_HANDLE closed = s.handle();
    ASSERT_CKR_OK(s.close());
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_GetSessionInfo(closed, &info));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_CloseSession(closed)) << "closing twice";
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_FindObjectsInit(closed, nullptr, 0));
}

TEST_F(SessionTest, HandlesAreNotReused) {
    Session first(m_slot);
    ASSERT_CKR_OK(first.openResult());
    const CK_SESSION_HANDLE old = first.handle();
    ASSERT_CKR_OK(first.close());
    Session second(m_slot);
    ASSERT_CKR_OK(second.openResult());
    // Not required by the spec, but a reused handle turns a stale-handle bug into acting on the wrong
    // session.
    EXPECT_NE(second.handle(), old);
}

TEST_F(SessionTest, CloseAllSessions) {
    Session a(m_slot);
    Session b(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    Session c(m_slot);
    ASSERT_CKR_OK(a.openResult());
    ASSERT_CKR_OK(b.openResult());
    ASSERT_CKR_OK(c.openResult());
    ASSERT_CKR_OK(fl()->C_CloseAllSessions(m_slot));
    CK_SESSION_INFO info{};
    for (CK_SESSION_HANDLE h : {a.handle(), b.handle(), c.handle()})
        EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_GetSessionInfo(h, &info));
    CK_TOKEN_INFO token{};
    ASSERT_CKR_OK(fl()->C_GetTokenInfo(m_slot, &token));
    if (token.ulSessionCount != CK_UNAVAILABLE_INFORMATION) {
        EXPECT_EQ(token.ulSessionCount, 0u);
    }
    EXPECT_CKR_OK(fl()->C_CloseAllSessions(m_slot)) << "nothing left to close is not an error";
}

}  // namespace
}  // namespace p11test
