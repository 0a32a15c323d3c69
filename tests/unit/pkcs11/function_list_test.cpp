// Function lists, interfaces, C_Initialize / C_Finalize argument rules, C_GetInfo.
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "core/base/log.h"

#include "p11_fixture.h"

namespace p11test {
namespace {

template <typename List>
std::size_t nullEntries(const List* l) {
    constexpr std::size_t n = (sizeof(List) - sizeof(CK_VERSION)) / sizeof(void*);
    std::size_t nulls = 0;
    const unsigned char* base = reinterpret_cast<const unsigned char*>(l) + offsetof(List, C_Initialize);
    for (std::size_t i = 0; i < n; ++i) {
        void* p = nullptr;
        std::memcpy(&p, base + i * sizeof(void*), sizeof p);
        nulls += p == nullptr;
    }
    return nulls;
}

using FunctionListTest = P11Test;

TEST_F(FunctionListTest, BothListsCompleteWithTheirVersions) {
    EXPECT_EQ(m_fl->version.major, 2);
    EXPECT_EQ(m_fl->version.minor, 40);
    EXPECT_EQ(nullEntries(m_fl), 0u);
    EXPECT_EQ(m_fl3->version.major, 3);
    EXPECT_EQ(m_fl3->version.minor, 0);
    EXPECT_EQ(nullEntries(m_fl3), 0u);
    EXPECT_EQ((sizeof(CK_FUNCTION_LIST_3_0) - sizeof(CK_VERSION)) / sizeof(void*), 92u);
}

TEST_F(FunctionListTest, InterfaceLookup) {
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl3->C_GetInterfaceList(nullptr, &n), CKR_OK);
    ASSERT_EQ(n, 2u);
    CK_INTERFACE list[2];
    CK_ULONG small = 1;
    EXPECT_EQ(m_fl3->C_GetInterfaceList(list, &small), CKR_BUFFER_TOO_SMALL);
    EXPECT_EQ(small, 2u);
    ASSERT_EQ(m_fl3->C_GetInterfaceList(list, &n), CKR_OK);
    EXPECT_STREQ(list[0].pInterfaceName, "PKCS 11");
    EXPECT_EQ(m_fl3->C_GetInterfaceList(list, nullptr), CKR_ARGUMENTS_BAD);

    CK_INTERFACE* i = nullptr;
    CK_VERSION v240{2, 40};
    unsigned char name[] = "PKCS 11";
    ASSERT_EQ(m_fl3->C_GetInterface(name, &v240, &i, 0), CKR_OK);
    EXPECT_EQ(i->pFunctionList, m_fl);
    unsigned char other[] = "Vendor X";
    EXPECT_EQ(m_fl3->C_GetInterface(other, nullptr, &i, 0), CKR_ARGUMENTS_BAD);
    CK_VERSION v31{3, 1};
    EXPECT_EQ(m_fl3->C_GetInterface(nullptr, &v31, &i, 0), CKR_ARGUMENTS_BAD);
    EXPECT_EQ(m_fl3->C_GetInterface(nullptr, nullptr, &i, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
    EXPECT_EQ(m_fl3->C_GetInterface(nullptr, nullptr, nullptr, 0), CKR_ARGUMENTS_BAD);
}

TEST_F(FunctionListTest, CallsBeforeInitialize) {
    CK_INFO info;
    EXPECT_EQ(m_fl->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
    CK_ULONG n = 0;
    EXPECT_EQ(m_fl->C_GetSlotList(CK_FALSE, nullptr, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
    EXPECT_EQ(m_fl->C_Encrypt(1, nullptr, 0, nullptr, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
    EXPECT_EQ(m_fl->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
}

TEST_F(FunctionListTest, InitializeArguments) {
    CK_C_INITIALIZE_ARGS a{};
    int dummy = 0;
    a.pReserved = &dummy;
    EXPECT_EQ(m_fl->C_Initialize(&a), CKR_ARGUMENTS_BAD);
    a = {};
    a.CreateMutex = [](void**) -> CK_RV { return CKR_OK; };
    EXPECT_EQ(m_fl->C_Initialize(&a), CKR_ARGUMENTS_BAD);  // some but not all callbacks
    a = {};
    a.flags = CKF_OS_LOCKING_OK;
    ASSERT_EQ(m_fl->C_Initialize(&a), CKR_OK);
    EXPECT_EQ(m_fl->C_Initialize(nullptr), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    EXPECT_EQ(m_fl->C_Finalize(&dummy), CKR_ARGUMENTS_BAD);
    EXPECT_EQ(m_fl->C_Finalize(nullptr), CKR_OK);
    EXPECT_EQ(m_fl->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
    // Callbacks only: accepted (OS locks are used, README).
    a = {};
    a.CreateMutex = [](void**) -> CK_RV { return CKR_OK; };
    a.DestroyMutex = [](void*) -> CK_RV { return CKR_OK; };
    a.LockMutex = [](void*) -> CK_RV { return CKR_OK; };
    a.UnlockMutex = [](void*) -> CK_RV { return CKR_OK; };
    EXPECT_EQ(m_fl->C_Initialize(&a), CKR_OK);
}

TEST_F(FunctionListTest, InfoVersionFollowsTheList) {
    initialize();
    CK_INFO info;
    ASSERT_EQ(m_fl->C_GetInfo(&info), CKR_OK);
    EXPECT_EQ(info.cryptokiVersion.major, 2);
    EXPECT_EQ(info.cryptokiVersion.minor, 40);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(info.manufacturerID), 32),
              "MeSign                          ");
    ASSERT_EQ(m_fl3->C_GetInfo(&info), CKR_OK);
    EXPECT_EQ(info.cryptokiVersion.major, 3);
    EXPECT_EQ(m_fl->C_GetInfo(nullptr), CKR_ARGUMENTS_BAD);
}

TEST_F(FunctionListTest, UnsupportedFunctionsSaySo) {
    initialize();
    CK_SESSION_HANDLE h = open();
    CK_ULONG n = 0;
    EXPECT_EQ(m_fl->C_Digest(h, nullptr, 0, nullptr, &n), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT_EQ(m_fl3->C_MessageSignInit(h, nullptr, 0), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT_EQ(m_fl->C_GenerateRandom(h, nullptr, 0), CKR_RANDOM_NO_RNG);
}

TEST_F(FunctionListTest, FinalizeAgainAfterReinitialize) {
    initialize();
    CK_SESSION_HANDLE first = open();
    ASSERT_EQ(m_fl->C_Finalize(nullptr), CKR_OK);
    initialize();
    CK_SESSION_HANDLE second = open();
    EXPECT_NE(first, second);  // handles are never reused within the process
    EXPECT_EQ(m_fl->C_CloseSession(first), CKR_SESSION_HANDLE_INVALID);
}

TEST_F(FunctionListTest, ForkedChildMustInitializeAgain) {
    initialize();
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        CK_INFO info;
        int code = 0;
        if (m_fl->C_GetInfo(&info) != CKR_CRYPTOKI_NOT_INITIALIZED) code |= 1;
        if (m_fl->C_Initialize(nullptr) != CKR_OK) code |= 2;
        if (m_fl->C_GetInfo(&info) != CKR_OK) code |= 4;
        _exit(code);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    CK_INFO info;
    EXPECT_EQ(m_fl->C_GetInfo(&info), CKR_OK);  // the parent is unaffected
}

TEST_F(FunctionListTest, CallsAreLoggedWithoutPins) {
    std::string log;
    core::log::configure("p11", [&](std::string_view line) { log.append(line).append("\n"); });
    initialize();
    CK_SESSION_HANDLE h = open();
    EXPECT_EQ(login(h, CKU_USER, "654321"), CKR_PIN_INCORRECT);
    loginUser(h);
    core::log::configure("");
    EXPECT_NE(log.find("C_Login -> 0x000000A0"), std::string::npos) << log;
    EXPECT_NE(log.find("C_OpenSession -> 0x00000000"), std::string::npos);
    EXPECT_EQ(log.find("654321"), std::string::npos);
    EXPECT_EQ(log.find(kPin), std::string::npos);
}

}  // namespace
}  // namespace p11test
