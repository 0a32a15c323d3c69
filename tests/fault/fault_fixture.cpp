#include "fault_fixture.h"

#include <thread>

#include "vcard/virtual_card.h"

namespace fault {

std::string FaultTest::testFileName() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name)
        if (c == '/') c = '_';
    return name;
}

void FaultTest::SetUp() {
    m_pristine = readFile(m_card.stateFile());
    ASSERT_FALSE(m_pristine.empty());
    // The previous test's card must be gone from pcscd's view, else we would see it instead of ours.
    ASSERT_TRUE(pcsc::waitCard(false, 5.0)) << "a card is still in the reader";
    m_card.start();
    ASSERT_TRUE(pcsc::waitCard(true, 10.0)) << "the virtual card did not appear: " << m_card.log();
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_RV(CKR_OK, p11()->C_Initialize(&args));
    ASSERT_TRUE(waitForToken(10.0, &m_slot)) << "no token in the module";
}

void FaultTest::TearDown() {
    p11()->C_Finalize(nullptr);
    m_card.stop();
}

CK_SESSION_HANDLE FaultTest::session(CK_USER_TYPE who, bool rw) {
    CK_SESSION_HANDLE h = 0;
    EXPECT_RV(CKR_OK, openSession(m_slot, rw, &h));
    if (who == CKU_USER) {
        EXPECT_RV(CKR_OK, login(h, CKU_USER, kUserPin));
    }
    if (who == CKU_SO) {
        EXPECT_RV(CKR_OK, login(h, CKU_SO, kManagementKey));
    }
    return h;
}

void FaultTest::expectNoPinTryUsed() {
    ASSERT_TRUE(pcsc::waitCard(true, kReinsertBound)) << "card not back for the retry check";
    for (unsigned char ref : {0x80, 0x81}) {
        std::string error;
        auto r = pcsc::retries(ref, &error);
        // Right after a re-insertion pcscd may still be powering the card up: one retry after a pause.
        if (!r) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            r = pcsc::retries(ref, &error);
        }
        ASSERT_TRUE(r.has_value()) << error;
        EXPECT_EQ(r->first, r->second)
            << (ref == 0x80 ? "PIN" : "PUK") << " tries left " << r->second << " of " << r->first;
    }
}

void FaultTest::expectStateIntact(bool unchangedState) {
    const Bytes now = readFile(m_card.stateFile());
    if (unchangedState) {
        EXPECT_TRUE(now == m_pristine) << "the state file changed";
    }
    // Reload a copy, as mesign-vcard would after a restart (magic, version, SHA-256, every section).
    const fs::path copy = m_card.stateFile().string() + ".reload";
    fs::copy_file(m_card.stateFile(), copy, fs::copy_options::overwrite_existing);
    auto card = vcard::openCard(copy, "");
    EXPECT_TRUE(card.has_value()) << "the state file no longer loads: " << card.error().message;
    fs::remove(copy);
}

// One attempt at "a fresh session signs and OpenSSL verifies it"; "" when it worked.
std::string FaultTest::trySignOnce() {
    CK_SLOT_ID slot = 0;
    if (!waitForToken(0.0, &slot)) return "no token";
    m_slot = slot;
    CK_SESSION_HANDLE h = 0;
    CK_RV rv = openSession(m_slot, false, &h);
    if (rv != CKR_OK) return "C_OpenSession: " + ckrName(rv);
    std::string failure;
    rv = login(h, CKU_USER, kUserPin);
    CK_OBJECT_HANDLE key = 0;
    const Bytes data = {'u', 's', 'a', 'b', 'l', 'e', ' ', 'a', 'g', 'a', 'i', 'n'};
    Bytes sig;
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
        failure = "C_Login: " + ckrName(rv);
    } else if ((rv = findKey(h, CKO_PRIVATE_KEY, kIdSign, &key)) != CKR_OK) {
        failure = "find 9A key: " + ckrName(rv);
    } else if ((rv = signSha256Rsa(h, key, data, &sig)) != CKR_OK) {
        failure = "C_Sign: " + ckrName(rv);
    } else {
        failure = verifySha256Rsa(setup().cardDir / "9a.pub", data, sig);
        if (failure.empty()) m_usableAt = Clock::now();
    }
    p11()->C_CloseSession(h);
    return failure;
}

// After a removal the module may still hold the old card's sessions for up to one pcscd poll, so this
// tries until kReinsertBound; every attempt but a successful one is a real call that failed cleanly.
void FaultTest::expectUsableAgain() {
    const auto start = Clock::now();
    std::string failure;
    do {
        failure = trySignOnce();
        if (failure.empty()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (secondsSince(start) < kReinsertBound);
    ADD_FAILURE() << "token not usable again within " << kReinsertBound << " s: " << failure;
}

}  // namespace fault
