// Test fixtures: an initialised library per test, the token's slot, RAII sessions, login and attribute
// helpers.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ckr_names.h"
#include "p11.h"
#include "p11_loader.h"
#include "profile.h"

namespace p11test {

using Bytes = std::vector<CK_BYTE>;

// C_Initialize with CKF_OS_LOCKING_OK (what multithreaded applications pass) in SetUp, C_Finalize in
// TearDown.
class LibraryTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;
    static CK_FUNCTION_LIST* fl() { return p11(); }
    bool m_initialized = false;  // so a test that failed before SetUp ran does not report a second failure
};

// ... plus the slot under test: MESIGN_P11_SLOT_LABEL's token, else the first slot with a token.
class TokenTest : public LibraryTest {
  protected:
    void SetUp() override;
    CK_SLOT_ID m_slot = 0;
};

// An open session, closed on destruction unless the test closed it already.
class Session {
  public:
    Session(CK_SLOT_ID slot, CK_FLAGS flags = CKF_SERIAL_SESSION);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    CK_RV openResult() const { return m_openResult; }
    CK_SESSION_HANDLE handle() const { return m_handle; }
    CK_RV close();

  private:
    CK_SESSION_HANDLE m_handle = CK_INVALID_HANDLE;
    CK_RV m_openResult;
    bool m_open = false;
};

CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE userType, const std::string& pin);
CK_RV loginUser(CK_SESSION_HANDLE session);
CK_RV loginSo(CK_SESSION_HANDLE session);

// A R/W session logged in as the user (PIN from MESIGN_P11_USER_PIN).
class LoggedInTest : public TokenTest {
  protected:
    void SetUp() override;
    void TearDown() override;
    CK_SESSION_HANDLE session() const { return m_session->handle(); }
    std::unique_ptr<Session> m_session;
};

// Blank-padded CK_*_INFO text field with the padding removed.
std::string trimmedField(const CK_UTF8CHAR* field, size_t size);
// True when every byte is printable ASCII or UTF-8 and none is NUL (i.e. padded, not terminated).
bool isBlankPaddedText(const CK_UTF8CHAR* field, size_t size);

// One attribute by the two-call convention; *rv receives the result of the failing call (or CKR_OK).
Bytes attributeBytes(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, CK_RV* rv = nullptr);
CK_ULONG attributeUlong(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type);
bool attributeBool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type);

// All objects matching the template (FindObjectsInit/FindObjects/FindObjectsFinal), or an empty list with a
// gtest failure when a call fails.
std::vector<CK_OBJECT_HANDLE> findObjects(CK_SESSION_HANDLE s, std::vector<CK_ATTRIBUTE> tmpl);

// Template entry for a value held by the caller (const only drops because CK_ATTRIBUTE has a void*; modules
// do not write through templates given to FindObjectsInit/GenerateKeyPair).
template <typename T>
CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const T& value) {
    return CK_ATTRIBUTE{type, const_cast<T*>(&value), sizeof value};
}
inline CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const Bytes& value) {
    return CK_ATTRIBUTE{type, const_cast<CK_BYTE*>(value.data()), value.size()};
}

inline constexpr CK_BBOOL kTrue = CK_TRUE;
inline constexpr CK_BBOOL kFalse = CK_FALSE;

}  // namespace p11test
