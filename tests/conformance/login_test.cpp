// C_Login / C_Logout rules and the per-application login state (specs/pkcs11.md §5).
#include "config.h"
#include "fixtures.h"

namespace p11test {
namespace {

using LoginTest = TokenTest;

constexpr CK_FLAGS kRw = CKF_SERIAL_SESSION | CKF_RW_SESSION;

CK_STATE stateOf(CK_SESSION_HANDLE h) {
    CK_SESSION_INFO info{};
    EXPECT_CKR_OK(p11()->C_GetSessionInfo(h, &info));
    return info.state;
}

std::string wrongPin() {
    std::string pin = config().userPin;
    pin.back() = pin.back() == '0' ? '1' : '0';  // same length, so PIN_LEN_RANGE cannot hide PIN_INCORRECT
    return pin;
}

TEST_F(LoginTest, WrongPinThenRightPin) {
    Session s(m_slot);
    ASSERT_CKR_OK(s.openResult());
    EXPECT_CKR(CKR_PIN_INCORRECT, login(s.handle(), CKU_USER, wrongPin()));
    EXPECT_EQ(stateOf(s.handle()), CKS_RO_PUBLIC_SESSION);
    ASSERT_CKR_OK(loginUser(s.handle())) << "(a successful login also resets the card's retry counter)";
    EXPECT_EQ(stateOf(s.handle()), CKS_RO_USER_FUNCTIONS);
    EXPECT_CKR_OK(fl()->C_Logout(s.handle()));
    EXPECT_EQ(stateOf(s.handle()), CKS_RO_PUBLIC_SESSION);
}

TEST_F(LoginTest, AlreadyLoggedIn) {
    Session s(m_slot);
    ASSERT_CKR_OK(s.openResult());
    ASSERT_CKR_OK(loginUser(s.handle()));
    EXPECT_CKR(CKR_USER_ALREADY_LOGGED_IN, loginUser(s.handle()));
    EXPECT_EQ(stateOf(s.handle()), CKS_RO_USER_FUNCTIONS);
}

TEST_F(LoginTest, LoginStateIsSharedBySessions) {
    Session a(m_slot);
    Session b(m_slot, kRw);
    ASSERT_CKR_OK(a.openResult());
    ASSERT_CKR_OK(b.openResult());
    ASSERT_CKR_OK(loginUser(a.handle()));
    EXPECT_EQ(stateOf(b.handle()), CKS_RW_USER_FUNCTIONS);
    EXPECT_CKR(CKR_USER_ALREADY_LOGGED_IN, loginUser(b.handle()));
    Session c(m_slot);
    ASSERT_CKR_OK(c.openResult());
    EXPECT_EQ(stateOf(c.handle()), CKS_RO_USER_FUNCTIONS) << "new sessions open logged in";
    EXPECT_CKR_OK(fl()->C_Logout(b.handle()));
    for (CK_SESSION_HANDLE h : {a.handle(), c.handle()}) EXPECT_EQ(stateOf(h), CKS_RO_PUBLIC_SESSION);
    EXPECT_EQ(stateOf(b.handle()), CKS_RW_PUBLIC_SESSION);
}

TEST_F(LoginTest, ClosingLastSessionLogsOut) {
    {
        Session s(m_slot);
        ASSERT_CKR_OK(s.openResult());
        ASSERT_CKR_OK(loginUser(s.handle()));
    }
    Session again(m_slot);
    ASSERT_CKR_OK(again.openResult());
    EXPECT_EQ(stateOf(again.handle()), CKS_RO_PUBLIC_SESSION);
}

TEST_F(LoginTest, LogoutWhenNotLoggedIn) {
    Session s(m_slot);
    ASSERT_CKR_OK(s.openResult());
    EXPECT_CKR(CKR_USER_NOT_LOGGED_IN, fl()->C_Logout(s.handle()));
}

TEST_F(LoginTest, InvalidUserTypeAndSession) {
    Session s(m_slot);
    ASSERT_CKR_OK(s.openResult());
    EXPECT_CKR(CKR_USER_TYPE_INVALID, login(s.handle(), 7, config().userPin));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, login(CK_INVALID_HANDLE, CKU_USER, config().userPin));
}

TEST_F(LoginTest, ContextSpecificNeedsAnOperation) {
    Session s(m_slot);
    ASSERT_CKR_OK(s.openResult());
    ASSERT_CKR_OK(loginUser(s.handle()));
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, login(s.handle(), CKU_CONTEXT_SPECIFIC, config().userPin));
}

TEST_F(LoginTest, SoNeedsNoReadOnlySessions) {
    Session ro(m_slot);
    Session rw(m_slot, kRw);
    ASSERT_CKR_OK(ro.openResult());
    ASSERT_CKR_OK(rw.openResult());
    EXPECT_CKR(CKR_SESSION_READ_ONLY_EXISTS, loginSo(rw.handle()));
}

TEST_F(LoginTest, SoThenUserIsAnotherUser) {
    Session rw(m_slot, kRw);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginSo(rw.handle()));
    EXPECT_EQ(stateOf(rw.handle()), CKS_RW_SO_FUNCTIONS);
    EXPECT_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, loginUser(rw.handle()));
    CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_SESSION_READ_WRITE_SO_EXISTS,
               fl()->C_OpenSession(m_slot, CKF_SERIAL_SESSION, nullptr, nullptr, &ro));
    EXPECT_CKR_OK(fl()->C_Logout(rw.handle()));
}

TEST_F(LoginTest, UserThenSoIsAnotherUser) {
    Session rw(m_slot, kRw);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginUser(rw.handle()));
    EXPECT_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, loginSo(rw.handle()));
    EXPECT_EQ(stateOf(rw.handle()), CKS_RW_USER_FUNCTIONS);
}

}  // namespace
}  // namespace p11test
