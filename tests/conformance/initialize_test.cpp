// C_Initialize / C_Finalize rules and calls before initialisation (specs/pkcs11.md §2).
#include <mutex>

#include "fixtures.h"

namespace p11test {
namespace {

// Starts uninitialised; leaves the library finalised whatever the test did.
class InitializeTest : public ::testing::Test {
  protected:
    void TearDown() override { fl()->C_Finalize(nullptr); }
    static CK_FUNCTION_LIST* fl() { return p11(); }
};

// Mutex callbacks for case 3/4 of §2, backed by std::mutex.
CK_RV createMutex(CK_VOID_PTR_PTR out) {
    *out = new std::mutex;
    return CKR_OK;
}
CK_RV destroyMutex(CK_VOID_PTR m) {
    delete static_cast<std::mutex*>(m);
    return CKR_OK;
}
CK_RV lockMutex(CK_VOID_PTR m) {
    static_cast<std::mutex*>(m)->lock();
    return CKR_OK;
}
CK_RV unlockMutex(CK_VOID_PTR m) {
    static_cast<std::mutex*>(m)->unlock();
    return CKR_OK;
}

TEST_F(InitializeTest, CallsBeforeInitializeAreRejected) {
    CK_INFO info{};
    EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, fl()->C_GetInfo(&info));
    CK_ULONG count = 0;
    EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, fl()->C_GetSlotList(CK_FALSE, nullptr, &count));
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED,
               fl()->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &h));
    EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, fl()->C_CloseAllSessions(0));
    EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, fl()->C_Finalize(nullptr));
    // The entry points stay callable.
    CK_FUNCTION_LIST* list = nullptr;
    EXPECT_CKR_OK(module().getFunctionList()(&list));
}

TEST_F(InitializeTest, NullArgumentsThenFinalize) {
    ASSERT_CKR_OK(fl()->C_Initialize(nullptr));
    EXPECT_CKR_OK(fl()->C_Finalize(nullptr));
    EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, fl()->C_Finalize(nullptr)) << "second C_Finalize";
}

TEST_F(InitializeTest, ReservedMustBeNull) {
    CK_C_INITIALIZE_ARGS args{};
    int something = 0;
    args.pReserved = &something;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_Initialize(&args));
    args.flags = CKF_OS_LOCKING_OK;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_Initialize(&args));
}

TEST_F(InitializeTest, PartialCallbacksAreRejected) {
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = createMutex;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_Initialize(&args)) << "one callback of four";
    args.DestroyMutex = destroyMutex;
    args.LockMutex = lockMutex;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_Initialize(&args)) << "three callbacks of four";
    args.flags = CKF_OS_LOCKING_OK;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_Initialize(&args)) << "three callbacks of four, OS locking";
}

TEST_F(InitializeTest, AllCallbacksAccepted) {
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = createMutex;
    args.DestroyMutex = destroyMutex;
    args.LockMutex = lockMutex;
    args.UnlockMutex = unlockMutex;
    ASSERT_CKR_OK(fl()->C_Initialize(&args));
    EXPECT_CKR_OK(fl()->C_Finalize(nullptr));
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_CKR_OK(fl()->C_Initialize(&args));
    EXPECT_CKR_OK(fl()->C_Finalize(nullptr));
}

TEST_F(InitializeTest, OsLockingAccepted) {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_CKR_OK(fl()->C_Initialize(&args));
    EXPECT_CKR_OK(fl()->C_Finalize(nullptr));
}

TEST_F(InitializeTest, DoubleInitialize) {
    ASSERT_CKR_OK(fl()->C_Initialize(nullptr));
    EXPECT_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED, fl()->C_Initialize(nullptr));
    CK_INFO info{};
    EXPECT_CKR_OK(fl()->C_GetInfo(&info)) << "the first initialisation must survive";
}

TEST_F(InitializeTest, FinalizeReservedMustBeNull) {
    ASSERT_CKR_OK(fl()->C_Initialize(nullptr));
    int something = 0;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_Finalize(&something));
    CK_INFO info{};
    EXPECT_CKR_OK(fl()->C_GetInfo(&info)) << "a rejected C_Finalize must not finalise";
}

TEST_F(InitializeTest, FinalizeInvalidatesSessions) {
    ASSERT_CKR_OK(fl()->C_Initialize(nullptr));
    CK_ULONG count = 0;
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_TRUE, nullptr, &count));
    ASSERT_GE(count, 1u);
    std::vector<CK_SLOT_ID> slots(count);
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_TRUE, slots.data(), &count));
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    ASSERT_CKR_OK(fl()->C_OpenSession(slots[0], CKF_SERIAL_SESSION, nullptr, nullptr, &h));
    ASSERT_CKR_OK(fl()->C_Finalize(nullptr));
    ASSERT_CKR_OK(fl()->C_Initialize(nullptr));
    CK_SESSION_INFO info{};
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, fl()->C_GetSessionInfo(h, &info))
        << "a session from before C_Finalize must not survive re-initialisation";
}

}  // namespace
}  // namespace p11test
