// Sessions, session states and the login rules (user, SO by management key or PUK, PIN changes).
#include "p11_fixture.h"

namespace p11test {
namespace {

using SessionLoginTest = P11Test;

CK_STATE stateOf(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE h) {
    CK_SESSION_INFO info{};
    EXPECT_EQ(fl->C_GetSessionInfo(h, &info), CKR_OK);
    return info.state;
}

TEST_F(SessionLoginTest, OpenCloseAndStates) {
    initialize();
    CK_SESSION_HANDLE h;
    EXPECT_EQ(m_fl->C_OpenSession(slot(), 0, nullptr, nullptr, &h), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    CK_SESSION_HANDLE ro = open(false), rw = open(true);
    EXPECT_NE(ro, rw);
    EXPECT_EQ(stateOf(m_fl, ro), CKS_RO_PUBLIC_SESSION);
    EXPECT_EQ(stateOf(m_fl, rw), CKS_RW_PUBLIC_SESSION);
    loginUser(ro);  // login state is shared by all sessions of the token
    EXPECT_EQ(stateOf(m_fl, ro), CKS_RO_USER_FUNCTIONS);
    EXPECT_EQ(stateOf(m_fl, rw), CKS_RW_USER_FUNCTIONS);
    CK_SESSION_HANDLE later = open(false);
    EXPECT_EQ(stateOf(m_fl, later), CKS_RO_USER_FUNCTIONS);
    CK_TOKEN_INFO ti;
    ASSERT_EQ(m_fl->C_GetTokenInfo(slot(), &ti), CKR_OK);
    EXPECT_EQ(ti.ulSessionCount, 3u);
    EXPECT_EQ(ti.ulRwSessionCount, 1u);
    EXPECT_EQ(m_fl->C_CloseSession(ro), CKR_OK);
    EXPECT_EQ(m_fl->C_CloseSession(ro), CKR_SESSION_HANDLE_INVALID);
    EXPECT_EQ(m_fl->C_CloseAllSessions(slot()), CKR_OK);
    CK_SESSION_INFO si;
    EXPECT_EQ(m_fl->C_GetSessionInfo(rw, &si), CKR_SESSION_HANDLE_INVALID);
    // Closing the last session logged the token out.
    CK_SESSION_HANDLE fresh = open(false);
    EXPECT_EQ(stateOf(m_fl, fresh), CKS_RO_PUBLIC_SESSION);
    EXPECT_EQ(m_fl->C_CloseAllSessions(999), CKR_SLOT_ID_INVALID);
}

TEST_F(SessionLoginTest, UserLoginErrors) {
    initialize();
    CK_SESSION_HANDLE h = open();
    EXPECT_EQ(login(h, CKU_USER, "123"), CKR_PIN_LEN_RANGE);
    EXPECT_EQ(login(h, CKU_USER, "123456789"), CKR_PIN_LEN_RANGE);
    EXPECT_EQ(login(h, 7, kPin), CKR_USER_TYPE_INVALID);
    EXPECT_EQ(m_fl->C_Login(h, CKU_USER, nullptr, 0), CKR_ARGUMENTS_BAD);
    EXPECT_EQ(login(h, CKU_USER, "654321"), CKR_PIN_INCORRECT);
    loginUser(h);
    EXPECT_EQ(login(h, CKU_USER, kPin), CKR_USER_ALREADY_LOGGED_IN);
    EXPECT_EQ(login(h, CKU_SO, kMgmtKeyHex), CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
    EXPECT_EQ(login(h, CKU_CONTEXT_SPECIFIC, kPin), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_EQ(m_fl->C_Logout(h), CKR_OK);
    EXPECT_EQ(m_fl->C_Logout(h), CKR_USER_NOT_LOGGED_IN);
    EXPECT_EQ(m_fl3->C_LoginUser(h, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(kPin.data())),
                                 kPin.size(), nullptr, 0),
              CKR_OK);
}

TEST_F(SessionLoginTest, SoWithManagementKey) {
    initialize();
    CK_SESSION_HANDLE ro = open(false);
    CK_SESSION_HANDLE rw = open(true);
    EXPECT_EQ(login(rw, CKU_SO, kMgmtKeyHex), CKR_SESSION_READ_ONLY_EXISTS);
    ASSERT_EQ(m_fl->C_CloseSession(ro), CKR_OK);
    EXPECT_EQ(login(rw, CKU_SO, "0102030405060708010203040506070801020304050607FF"), CKR_PIN_INCORRECT);
    EXPECT_EQ(login(rw, CKU_SO, "0102"), CKR_PIN_LEN_RANGE);
    ASSERT_EQ(login(rw, CKU_SO, kMgmtKeyHex), CKR_OK);
    EXPECT_EQ(stateOf(m_fl, rw), CKS_RW_SO_FUNCTIONS);
    CK_SESSION_HANDLE h;
    EXPECT_EQ(m_fl->C_OpenSession(slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_SESSION_READ_WRITE_SO_EXISTS);
    std::string pin = "111111";
    // The management key cannot reset the PIN (README: PUK convention).
    EXPECT_EQ(m_fl->C_InitPIN(rw, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size()), CKR_FUNCTION_NOT_SUPPORTED);
}

TEST_F(SessionLoginTest, SoWithPukUnblocksThePin) {
    initialize();
    CK_SESSION_HANDLE h = open();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
    EXPECT_EQ(login(h, CKU_USER, kPin), CKR_PIN_LOCKED);
    std::string newPin = "24681357";
    EXPECT_EQ(m_fl->C_InitPIN(h, reinterpret_cast<CK_UTF8CHAR_PTR>(newPin.data()), newPin.size()),
              CKR_USER_NOT_LOGGED_IN);
    ASSERT_EQ(login(h, CKU_SO, kPuk), CKR_OK);
    ASSERT_EQ(m_fl->C_InitPIN(h, reinterpret_cast<CK_UTF8CHAR_PTR>(newPin.data()), newPin.size()), CKR_OK);
    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);
    EXPECT_EQ(login(h, CKU_USER, newPin), CKR_OK);
}

TEST_F(SessionLoginTest, SetPin) {
    initialize();
    CK_SESSION_HANDLE ro = open(false);
    std::string oldPin = kPin, newPin = "7654321";
    auto setPin = [&](CK_SESSION_HANDLE h, std::string o, std::string n) {
        return m_fl->C_SetPIN(h, reinterpret_cast<CK_UTF8CHAR_PTR>(o.data()), o.size(),
                              reinterpret_cast<CK_UTF8CHAR_PTR>(n.data()), n.size());
    };
    EXPECT_EQ(setPin(ro, oldPin, newPin), CKR_SESSION_READ_ONLY);
    CK_SESSION_HANDLE rw = open(true);
    EXPECT_EQ(setPin(rw, "999999", newPin), CKR_PIN_INCORRECT);
    EXPECT_EQ(setPin(rw, oldPin, "12"), CKR_PIN_LEN_RANGE);
    ASSERT_EQ(setPin(rw, oldPin, newPin), CKR_OK);  // public R/W session: changes the user PIN
    EXPECT_EQ(login(rw, CKU_USER, newPin), CKR_OK);
}

TEST_F(SessionLoginTest, CardRemovalInvalidatesSessions) {
    initialize();
    CK_SLOT_ID id = slot();
    CK_SESSION_HANDLE h = open();
    loginUser(h);
    m_world->removeCard("Reader A");
    CK_SLOT_ID ev;
    for (int i = 0; i < 100; ++i) {  // let the module notice the removal
        CK_SLOT_INFO si;
        m_fl->C_GetSlotInfo(id, &si);
        if (m_fl->C_WaitForSlotEvent(CKF_DONT_BLOCK, &ev, nullptr) == CKR_OK) break;
    }
    CK_SESSION_INFO info;
    CK_RV rv = m_fl->C_GetSessionInfo(h, &info);
    EXPECT_TRUE(rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_DEVICE_REMOVED) << rv;
}

TEST_F(SessionLoginTest, RemovalNoticedByACardCall) {
    initialize();
    CK_SESSION_HANDLE h = open();
    m_world->removeCard("Reader A");
    // No slot-event call in between: the failing card call itself reveals the removal.
    CK_RV rv = login(h, CKU_USER, kPin);
    EXPECT_TRUE(rv == CKR_DEVICE_REMOVED || rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_TOKEN_NOT_PRESENT)
        << std::hex << rv;
    CK_SESSION_INFO info;
    EXPECT_EQ(m_fl->C_GetSessionInfo(h, &info), CKR_SESSION_HANDLE_INVALID);
}

}  // namespace
}  // namespace p11test
