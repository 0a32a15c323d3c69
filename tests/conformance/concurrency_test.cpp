// Threads signing concurrently in their own sessions, and what a fork()ed child sees
// (specs/pkcs11.md §2: the library was initialised with CKF_OS_LOCKING_OK by the fixture).
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "test_keys.h"

namespace p11test {
namespace {

using ConcurrencyTest = KeyTest;

TEST_F(ConcurrencyTest, ThreadsSignInOwnSessions) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    constexpr int kThreads = 4;
    constexpr int kSignaturesEach = 6;
    struct Result {
        CK_RV rv = CKR_OK;
        std::string step;
        std::vector<std::pair<Bytes, Bytes>> signatures;  // message, signature
    };
    std::vector<Result> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([this, t, &results] {
            Result& r = results[t];
            // Opened after the fixture's login, so the session is already in the user state.
            CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
            if ((r.rv = p11()->C_OpenSession(m_slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h)) != CKR_OK) {
                r.step = "C_OpenSession";
                return;
            }
            CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
            for (int i = 0; i < kSignaturesEach && r.rv == CKR_OK; ++i) {
                const std::string text = "thread " + std::to_string(t) + " message " + std::to_string(i);
                Bytes message(text.begin(), text.end());
                Bytes sig(1024);
                CK_ULONG len = sig.size();
                if ((r.rv = p11()->C_SignInit(h, &mech, m_key.privateKey)) != CKR_OK) {
                    r.step = "C_SignInit";
                } else if ((r.rv = p11()->C_Sign(h, message.data(), message.size(), sig.data(), &len)) !=
                           CKR_OK) {
                    r.step = "C_Sign";
                } else {
                    sig.resize(len);
                    r.signatures.emplace_back(std::move(message), std::move(sig));
                }
            }
            p11()->C_CloseSession(h);
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
        SCOPED_TRACE("thread " + std::to_string(t));
        EXPECT_CKR_OK(results[t].rv) << " at " << results[t].step;
        EXPECT_EQ(results[t].signatures.size(), static_cast<size_t>(kSignaturesEach));
        for (const auto& [message, sig] : results[t].signatures)
            EXPECT_EQ(verifyRsaSha256(m_publicKey.get(), message, sig), "");
    }
}

using ForkTest = TokenTest;

// The child reports its two return codes through a pipe and leaves with _exit (no gtest, no atexit handlers,
// which would run the parent's copies of the module's and gtest's cleanup).
TEST_F(ForkTest, ChildSeesProfileBehaviour) {
    Session parentSession(m_slot);
    ASSERT_CKR_OK(parentSession.openResult());
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        CK_RV rvs[2];
        CK_ULONG count = 0;
        rvs[0] = p11()->C_GetSlotList(CK_TRUE, nullptr, &count);
        rvs[1] = p11()->C_Initialize(nullptr);
        if (rvs[1] == CKR_OK) p11()->C_Finalize(nullptr);
        const bool written = write(fds[1], rvs, sizeof rvs) == static_cast<ssize_t>(sizeof rvs);
        _exit(written ? 0 : 1);
    }
    close(fds[1]);
    CK_RV rvs[2] = {~CK_RV(0), ~CK_RV(0)};
    const ssize_t got = read(fds[0], rvs, sizeof rvs);
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child crashed or failed, status " << status;
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof rvs));
    EXPECT_CKR(profile().forkChildCall, rvs[0]) << " (child's first call into the parent's library)";
    EXPECT_CKR(profile().forkChildInitialize, rvs[1]) << " (child's own C_Initialize)";
    CK_SESSION_INFO info{};
    EXPECT_CKR_OK(fl()->C_GetSessionInfo(parentSession.handle(), &info)) << "the parent is unaffected";
}

}  // namespace
}  // namespace p11test
