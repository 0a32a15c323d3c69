// Changing the PIN and unblocking it with the PUK (CardChangeAuthenticator(Ex), CardUnblockPin).
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;
DWORD c(LONG v) { return static_cast<DWORD>(v); }
PBYTE bytes(std::string& s) { return reinterpret_cast<PBYTE>(s.data()); }

TEST_F(MinidriverTest, ChangesAndUnblocksThePin) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    std::string oldPin = "123456", newPin = "24681357", wrong = "999999", puk = "12345678", third = "11223344";
    const auto user = const_cast<LPWSTR>(wszCARD_USER_USER);
    Bytes cf0, cf1;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf0), kOk);
    DWORD left = 0;
    EXPECT_EQ(m_data.pfnCardChangeAuthenticator(&m_data, user, bytes(wrong), 6, bytes(newPin), 8, 0,
                                                CARD_AUTHENTICATE_PIN_PIN, &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    EXPECT_EQ(m_data.pfnCardChangeAuthenticator(&m_data, user, bytes(oldPin), 6, bytes(newPin), 8, 1,
                                                CARD_AUTHENTICATE_PIN_PIN, &left), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardChangeAuthenticator(&m_data, user, bytes(oldPin), 6, bytes(newPin), 3,  0,
                                                CARD_AUTHENTICATE_PIN_PIN, &left), c(SCARD_E_INVALID_CHV));
    ASSERT_EQ(m_data.pfnCardChangeAuthenticator(&m_data, user, bytes(oldPin), 6, bytes(newPin), 8, 0,
                                                CARD_AUTHENTICATE_PIN_PIN, &left), kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf1), kOk);
    EXPECT_NE(cf1[1], cf0[1]);  // PIN freshness
    EXPECT_EQ(authenticate("123456"), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(authenticate("24681357"), kOk);

    // Block it, then unblock with the PUK (CardUnblockPin), then again through CardChangeAuthenticatorEx.
    for (int i = 0; i < 3; ++i) authenticate("999999");
    EXPECT_EQ(authenticate("24681357", &left), c(SCARD_W_CHV_BLOCKED));
    EXPECT_EQ(m_data.pfnCardUnblockPin(&m_data, user, bytes(puk), 8, bytes(oldPin), 6, 0, 0),
              c(SCARD_E_INVALID_PARAMETER));
    ASSERT_EQ(m_data.pfnCardUnblockPin(&m_data, user, bytes(puk), 8, bytes(oldPin), 6, 0, CARD_AUTHENTICATE_PIN_PIN),
              kOk);
    EXPECT_EQ(authenticate("123456"), kOk);
    for (int i = 0; i < 3; ++i) authenticate("999999");
    EXPECT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_UNBLOCK, ROLE_ADMIN, bytes(puk), 8, ROLE_USER,
                                                  bytes(third), 8, 0, &left), c(SCARD_E_UNSUPPORTED_FEATURE));
    ASSERT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_UNBLOCK, 3, bytes(puk), 8, ROLE_USER,
                                                  bytes(third), 8, 0, &left), kOk);
    EXPECT_EQ(authenticate("11223344"), kOk);
    ASSERT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, bytes(third), 8,
                                                  ROLE_USER, bytes(oldPin), 6, 0, &left), kOk);
    EXPECT_EQ(authenticate("123456"), kOk);
    EXPECT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, 4, ROLE_USER, bytes(oldPin), 6, ROLE_USER, bytes(third), 8,
                                                  0, &left), c(SCARD_E_INVALID_PARAMETER));
    std::string badPuk = "87654321";
    EXPECT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_UNBLOCK, 3, bytes(badPuk), 8, ROLE_USER,
                                                  bytes(third), 8, 0, &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
}

}  // namespace
}  // namespace mdtest
