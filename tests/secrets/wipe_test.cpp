// PIN, PUK and management-key buffers of the PKCS#11 module are wiped when freed. The module runs
// in-process over tests/support's fake PC/SC world with a virtual PIV card; core's secure allocator calls
// the test hook (core::setWipeObserver) with each freed block after wiping it and before freeing it, so
// the test sees the memory a secret occupied at the last moment it still belongs to the process.
// Each flow must (a) release secure blocks of the secret's form — PIV PINs and PUKs travel as their 8-byte
// reference value (the digits padded with FF, SP 800-73-4 §2.4.3), the management key as its 24 key
// bytes — so the secret was held in SecureBytes, and (b) every block released must read all zero.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "pkcs11/entry_points.h"
#include "pkcs11/p11_header.h"
#include "pkcs11/testing.h"
#include "tests/support/fake_reader_backend.h"

namespace {

struct Freed {
    std::size_t size;
    bool zero;
};
std::mutex g_mutex;
std::vector<Freed> g_freed;

void observe(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    const bool zero = std::all_of(b, b + n, [](unsigned char c) { return c == 0; });
    std::lock_guard lock(g_mutex);
    g_freed.push_back({n, zero});
}

// The blocks freed while `f` ran.
template <typename F>
std::vector<Freed> freedDuring(F&& f) {
    {
        std::lock_guard lock(g_mutex);
        g_freed.clear();
    }
    f();
    std::lock_guard lock(g_mutex);
    return g_freed;
}

std::size_t blocksOf(const std::vector<Freed>& v, std::size_t size) {
    return static_cast<std::size_t>(
        std::count_if(v.begin(), v.end(), [&](const Freed& f) { return f.size == size; }));
}
constexpr std::size_t kPivReference = 8;  // a PIN or PUK as VERIFY / CHANGE REFERENCE carry it

::testing::AssertionResult allWiped(const std::vector<Freed>& v) {
    for (const Freed& f : v)
        if (!f.zero)
            return ::testing::AssertionFailure()
                   << "a freed secure block of " << f.size << " bytes was not wiped";
    return ::testing::AssertionSuccess();
}

class SecretWipe : public ::testing::Test {
  protected:
    void SetUp() override {
        m_world = std::make_shared<testsupport::FakeReaders>();
        m_world->addReader("Reader A");
        m_world->insertCard("Reader A");
        std::weak_ptr<testsupport::FakeReaders> world = m_world;
        p11::setBackendFactoryForTesting([world]() -> std::unique_ptr<token::ReaderBackend> {
            return std::make_unique<testsupport::FakeReaderBackend>(world.lock());
        });
        ASSERT_EQ(p11::entry::C_GetFunctionList(&m_fl), CKR_OK);
        ASSERT_EQ(m_fl->C_Initialize(nullptr), CKR_OK);
        CK_ULONG n = 1;
        ASSERT_EQ(m_fl->C_GetSlotList(CK_TRUE, &m_slot, &n), CKR_OK);
        ASSERT_EQ(n, 1u);
        ASSERT_EQ(m_fl->C_OpenSession(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &m_h),
                  CKR_OK);
        core::setWipeObserver(&observe);
    }
    void TearDown() override {
        core::setWipeObserver(nullptr);
        m_fl->C_Finalize(nullptr);
        p11::setBackendFactoryForTesting({});
    }
    CK_RV login(CK_USER_TYPE who, std::string pin) {
        return m_fl->C_Login(m_h, who, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
    }

    std::shared_ptr<testsupport::FakeReaders> m_world;
    CK_FUNCTION_LIST* m_fl = nullptr;
    CK_SLOT_ID m_slot = 0;
    CK_SESSION_HANDLE m_h = 0;
};

TEST_F(SecretWipe, UserPinOfLoginIsWiped) {
    const auto freed = freedDuring([&] { EXPECT_EQ(CKR_OK, login(CKU_USER, "123456")); });
    EXPECT_GE(blocksOf(freed, kPivReference), 1u) << "the PIN was not held in a secure buffer during C_Login";
    EXPECT_TRUE(allWiped(freed));
}

TEST_F(SecretWipe, OldAndNewPinOfSetPinAreWiped) {
    ASSERT_EQ(CKR_OK, login(CKU_USER, "123456"));
    std::string oldPin = "123456", newPin = "7391648";
    const auto freed = freedDuring([&] {
        EXPECT_EQ(CKR_OK, m_fl->C_SetPIN(m_h, reinterpret_cast<CK_UTF8CHAR_PTR>(oldPin.data()), oldPin.size(),
                                         reinterpret_cast<CK_UTF8CHAR_PTR>(newPin.data()), newPin.size()));
    });
    EXPECT_GE(blocksOf(freed, kPivReference), 2u) << "old and new PIN not both in secure buffers";
    EXPECT_TRUE(allWiped(freed));
}

// The PUK is kept by the token layer for C_InitPIN: it must be wiped when that login ends.
TEST_F(SecretWipe, PukKeptForInitPinIsWipedAtLogout) {
    auto freed = freedDuring([&] { EXPECT_EQ(CKR_OK, login(CKU_SO, "12345678")); });
    EXPECT_TRUE(allWiped(freed));
    std::string newPin = "5820471";
    freed = freedDuring([&] {
        EXPECT_EQ(CKR_OK,
                  m_fl->C_InitPIN(m_h, reinterpret_cast<CK_UTF8CHAR_PTR>(newPin.data()), newPin.size()));
    });
    EXPECT_GE(blocksOf(freed, kPivReference), 2u)
        << "PUK and new PIN of C_InitPIN not both in secure buffers";
    EXPECT_TRUE(allWiped(freed));
    freed = freedDuring([&] { EXPECT_EQ(CKR_OK, m_fl->C_Logout(m_h)); });
    EXPECT_GE(blocksOf(freed, kPivReference), 1u)
        << "the kept PUK was not released through the secure allocator";
    EXPECT_TRUE(allWiped(freed));
}

TEST_F(SecretWipe, ManagementKeyIsWiped) {
    const auto freed = freedDuring([&] {
        EXPECT_EQ(CKR_OK, login(CKU_SO, "010203040506070801020304050607080102030405060708"));
        EXPECT_EQ(CKR_OK, m_fl->C_Logout(m_h));
    });
    // As typed (48 hex characters) or decoded (24 key bytes).
    EXPECT_GE(blocksOf(freed, 24), 1u) << "management key (24 bytes of 3DES) not in a secure buffer";
    EXPECT_TRUE(allWiped(freed));
}

}  // namespace
