// makePcscBackend() through pcscd + vpcd with a mesign-vcard card, and a Token on top of it. Signatures are
// checked with OpenSSL.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <future>
#include <thread>

#include "card-apps/piv/management_key.h"
#include "core/token/token_manager.h"
#include "tests/integration/vcard_fixture.h"

namespace itest {
namespace {

using core::Bytes;
using core::ByteView;
using core::Errc;
using Clock = std::chrono::steady_clock;

const token::ReaderState* find(const std::vector<token::ReaderState>& v, const std::string& name) {
    auto it = std::find_if(v.begin(), v.end(), [&](const token::ReaderState& r) { return r.name == name; });
    return it == v.end() ? nullptr : &*it;
}

Bytes sha256(ByteView msg) {
    Bytes h(32);
    unsigned int n = 0;
    EVP_Digest(msg.data(), msg.size(), h.data(), &n, EVP_sha256(), nullptr);
    return h;
}

bool verifyEcdsaSha256(ByteView spki, ByteView msg, ByteView sig) {
    const unsigned char* p = spki.data();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(d2i_PUBKEY(nullptr, &p, long(spki.size())),
                                                            EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!key || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
    return EVP_DigestVerify(md.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

class PcscBackendTest : public VcardFixture {
  protected:
    void SetUp() override {
        VcardFixture::SetUp();
        if (HasFatalFailure()) return;
        m_backend = token::makePcscBackend();
    }

    std::vector<token::ReaderState> current() {
        auto r = m_backend->readers();
        EXPECT_TRUE(r) << (r ? "" : r.error().describe());
        return r ? *r : std::vector<token::ReaderState>{};
    }

    std::unique_ptr<token::ReaderBackend> m_backend;
};

TEST_F(PcscBackendTest, ListsReadersAndTheCard) {
    auto now = current();
    const auto* r = find(now, reader());
    ASSERT_TRUE(r) << "reader '" << reader() << "' not listed";
    EXPECT_TRUE(r->present);
    EXPECT_FALSE(r->atr.empty());
    EXPECT_GT(r->eventCount, 0u);
    auto again = current();
    EXPECT_EQ(find(again, reader())->eventCount, r->eventCount);
}

TEST_F(PcscBackendTest, WaitForChangeSeesRemovalAndInsertion) {
    auto known = current();
    EXPECT_EQ(m_backend->waitForChange(known, 200).error().code, Errc::Timeout);

    auto waiter = std::async(std::launch::async, [&] { return m_backend->waitForChange(known, 10000); });
    const auto t0 = Clock::now();
    removeCard();
    ASSERT_EQ(waiter.wait_for(std::chrono::seconds(3)), std::future_status::ready);
    auto removed = waiter.get();
    ASSERT_TRUE(removed) << removed.error().describe();
    EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(1500));
    ASSERT_TRUE(find(*removed, reader()));
    EXPECT_FALSE(find(*removed, reader())->present);

    known = *removed;
    waiter = std::async(std::launch::async, [&] { return m_backend->waitForChange(known, 10000); });
    const auto t1 = Clock::now();
    insertCard();
    ASSERT_EQ(waiter.wait_for(std::chrono::seconds(3)), std::future_status::ready);
    auto inserted = waiter.get();
    ASSERT_TRUE(inserted) << inserted.error().describe();
    EXPECT_LT(Clock::now() - t1, std::chrono::milliseconds(1500));
    EXPECT_TRUE(find(*inserted, reader())->present);
}

TEST_F(PcscBackendTest, CancelEndsAnInfiniteWait) {
    auto known = current();
    for (int round = 0; round < 3; ++round) {
        auto waiter = std::async(std::launch::async, [&] { return m_backend->waitForChange(known, -1); });
        std::this_thread::sleep_for(
            std::chrono::milliseconds(round * 100));  // 0: cancel may precede the wait
        const auto t0 = Clock::now();
        m_backend->cancel();
        ASSERT_EQ(waiter.wait_for(std::chrono::seconds(3)), std::future_status::ready);
        auto r = waiter.get();
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, Errc::Cancelled) << r.error().describe();
        EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(500));
    }
    EXPECT_EQ(m_backend->waitForChange(known, 100).error().code, Errc::Timeout)
        << "a consumed cancel is gone";
}

TEST_F(PcscBackendTest, TokenSignsAndKeepsTheLoginOverIdleTime) {
    token::TokenManager manager(std::move(m_backend));
    ASSERT_TRUE(manager.refresh());
    std::optional<token::SlotId> id;
    for (const auto& s : manager.slots())
        if (s.reader == reader()) id = s.id;
    ASSERT_TRUE(id);
    auto t = manager.token(*id);
    ASSERT_TRUE(t) << t.error().describe();
    auto& tok = **t;
    const Bytes mgmt(piv::kDefaultManagementKey.begin(), piv::kDefaultManagementKey.end());
    ASSERT_TRUE(tok.loginSo(token::SoCredential::ManagementKey, mgmt));
    auto key = tok.generateKey(0x9A, cardapp::KeyAlgorithm::EcP256);
    ASSERT_TRUE(key) << key.error().describe();
    ASSERT_TRUE(tok.logout());
    ASSERT_TRUE(tok.loginUser(Bytes{'1', '2', '3', '4', '5', '6'}));
    // pcscd powers an idle card down ~1 s after the last handle closes: ours stays open, the PIN stays.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto info = tok.info();
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_TRUE(info->userPin.verified);
    const Bytes msg = {'h', 'e', 'l', 'l', 'o'};
    auto sig = tok.sign(0x9A, sha256(msg));
    ASSERT_TRUE(sig) << sig.error().describe();
    EXPECT_TRUE(verifyEcdsaSha256(key->key.publicKeyInfo, msg, *sig));

    removeCard();
    EXPECT_FALSE(tok.sign(0x9A, sha256(msg)));
    EXPECT_TRUE(tok.removed());
}

}  // namespace
}  // namespace itest
