#include "fixtures.h"

#include "config.h"

namespace p11test {

void LibraryTest::SetUp() {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_CKR_OK(fl()->C_Initialize(&args));
    m_initialized = true;
}

void LibraryTest::TearDown() {
    if (m_initialized) {
        EXPECT_CKR_OK(fl()->C_Finalize(nullptr));
    }
}

void TokenTest::SetUp() {
    LibraryTest::SetUp();
    if (HasFatalFailure()) return;
    CK_ULONG count = 0;
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_TRUE, nullptr, &count));
    std::vector<CK_SLOT_ID> slots(count);
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_TRUE, slots.data(), &count));
    slots.resize(count);
    const std::string& wanted = config().slotLabel;
    for (CK_SLOT_ID slot : slots) {
        CK_TOKEN_INFO info{};
        ASSERT_CKR_OK(fl()->C_GetTokenInfo(slot, &info));
        if (wanted.empty() || trimmedField(info.label, sizeof info.label) == wanted) {
            m_slot = slot;
            return;
        }
    }
    FAIL() << "no slot with a token" << (wanted.empty() ? "" : " labelled '" + wanted + "'") << " among "
           << count << " slot(s) with tokens";
}

Session::Session(CK_SLOT_ID slot, CK_FLAGS flags) {
    m_openResult = p11()->C_OpenSession(slot, flags, nullptr, nullptr, &m_handle);
    m_open = m_openResult == CKR_OK;
}

Session::~Session() {
    if (m_open) p11()->C_CloseSession(m_handle);
}

CK_RV Session::close() {
    m_open = false;
    return p11()->C_CloseSession(m_handle);
}

CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE userType, const std::string& pin) {
    auto* bytes = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.data()));
    return p11()->C_Login(session, userType, bytes, pin.size());
}

CK_RV loginUser(CK_SESSION_HANDLE session) {
    return login(session, CKU_USER, config().userPin);
}
CK_RV loginSo(CK_SESSION_HANDLE session) {
    return login(session, CKU_SO, config().soPin);
}

void LoggedInTest::SetUp() {
    TokenTest::SetUp();
    if (HasFatalFailure()) return;
    m_session = std::make_unique<Session>(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(m_session->openResult());
    ASSERT_CKR_OK(loginUser(session()));
}

void LoggedInTest::TearDown() {
    m_session.reset();  // before C_Finalize
    TokenTest::TearDown();
}

std::string trimmedField(const CK_UTF8CHAR* field, size_t size) {
    std::string s(reinterpret_cast<const char*>(field), size);
    const auto end = s.find_last_not_of(' ');
    return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

bool isBlankPaddedText(const CK_UTF8CHAR* field, size_t size) {
    for (size_t i = 0; i < size; ++i)
        if (field[i] == 0 || (field[i] < 0x20) || field[i] == 0x7f) return false;
    return true;
}

Bytes attributeBytes(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, CK_RV* rv) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    CK_RV r = p11()->C_GetAttributeValue(s, o, &a, 1);
    Bytes value;
    if (r == CKR_OK) {
        value.resize(a.ulValueLen);
        a.pValue = value.data();
        r = p11()->C_GetAttributeValue(s, o, &a, 1);
        value.resize(r == CKR_OK ? a.ulValueLen : 0);
    }
    if (rv != nullptr)
        *rv = r;
    else
        EXPECT_CKR_OK(r) << " reading attribute 0x" << std::hex << type;
    return value;
}

CK_ULONG attributeUlong(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type) {
    CK_ULONG value = CK_UNAVAILABLE_INFORMATION;
    CK_ATTRIBUTE a{type, &value, sizeof value};
    EXPECT_CKR_OK(p11()->C_GetAttributeValue(s, o, &a, 1)) << " reading attribute 0x" << std::hex << type;
    return value;
}

bool attributeBool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type) {
    CK_BBOOL value = CK_FALSE;
    CK_ATTRIBUTE a{type, &value, sizeof value};
    EXPECT_CKR_OK(p11()->C_GetAttributeValue(s, o, &a, 1)) << " reading attribute 0x" << std::hex << type;
    return value == CK_TRUE;
}

std::vector<CK_OBJECT_HANDLE> findObjects(CK_SESSION_HANDLE s, std::vector<CK_ATTRIBUTE> tmpl) {
    std::vector<CK_OBJECT_HANDLE> found;
    const CK_RV rv = p11()->C_FindObjectsInit(s, tmpl.empty() ? nullptr : tmpl.data(), tmpl.size());
    EXPECT_CKR_OK(rv);
    if (rv != CKR_OK) return found;
    for (;;) {
        CK_OBJECT_HANDLE batch[16];
        CK_ULONG n = 0;
        const CK_RV r = p11()->C_FindObjects(s, batch, 16, &n);
        EXPECT_CKR_OK(r);
        if (r != CKR_OK || n == 0) break;
        found.insert(found.end(), batch, batch + n);
    }
    EXPECT_CKR_OK(p11()->C_FindObjectsFinal(s));
    return found;
}

}  // namespace p11test
