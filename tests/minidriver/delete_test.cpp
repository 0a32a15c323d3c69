// CardDeleteContainer on a PIV card with the Yubico DELETE KEY (mesign-vcard has it): the key and the
// certificate go away, the cmapfile record is cleared, cardcf changes; without ROLE_ADMIN nothing is
// touched. Bad arguments get the spec's codes.
#include <openssl/evp.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_application.h"
#include "core/transport/pcsc_transport.h"
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;
DWORD c(LONG v) { return static_cast<DWORD>(v); }

Bytes des3Ecb(ByteView key, ByteView block) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    Bytes out(block.size() + 8);
    int n = 0, m = 0;
    EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), EVP_des_ede3_ecb(), nullptr, key.data(), nullptr), 1);
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), out.data(), &n, block.data(), int(block.size())), 1);
    EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m), 1);
    out.resize(std::size_t(n + m));
    return out;
}

class MinidriverDeleteTest : public MinidriverTest {
protected:
    void admin() {
        PBYTE challenge = nullptr;
        DWORD n = 0;
        ASSERT_EQ(m_data.pfnCardGetChallengeEx(&m_data, ROLE_ADMIN, &challenge, &n, 0), kOk);
        Bytes response = des3Ecb(ByteView(piv::kDefaultManagementKey), ByteView(challenge, n));
        m_data.pfnCspFree(challenge);
        ASSERT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_ADMIN, 0, response.data(), DWORD(response.size()),
                                               nullptr, nullptr, nullptr), kOk);
    }
    std::string files() {
        LPSTR names = nullptr;
        DWORD n = 0;
        EXPECT_EQ(m_data.pfnCardEnumFiles(&m_data, const_cast<LPSTR>("mscp"), &names, &n, 0), kOk);
        if (!names) return {};
        std::string out;
        for (const char* p = names; *p; p += std::strlen(p) + 1) out += std::string(p) + " ";
        m_data.pfnCspFree(names);
        return out;
    }
    DWORD containerInfo(BYTE index) {
        CONTAINER_INFO ci{};
        const DWORD rc = m_data.pfnCardGetContainerInfo(&m_data, index, 0, &ci);
        if (ci.pbSigPublicKey) m_data.pfnCspFree(ci.pbSigPublicKey);
        if (ci.pbKeyExPublicKey) m_data.pfnCspFree(ci.pbKeyExPublicKey);
        return rc;
    }
    // Whether the card itself still has a key in `slot` (GET METADATA on a second connection).
    bool cardHasKey(uint8_t slot) {
        auto ctx = transport::PcscContext::establish();
        EXPECT_TRUE(ctx);
        auto t = transport::PcscTransport::connect(*ctx, reader());
        EXPECT_TRUE(t);
        if (!ctx || !t) return false;
        piv::PivApplication app(**t);
        auto present = app.keysPresent({slot});
        EXPECT_TRUE(present) << present.error().describe();
        return present && present->at(slot);
    }
};

TEST_F(MinidriverDeleteTest, DeletesKeyCertificateAndMapRecord) {
    provision(0x9A, cardapp::KeyAlgorithm::EcP256, "auth");
    provision(0x9D, cardapp::KeyAlgorithm::EcP256, "km");
    ASSERT_TRUE(cardHasKey(0x9A));
    ASSERT_NO_FATAL_FAILURE(dropSecurityStatus());
    ASSERT_NO_FATAL_FAILURE(acquire());
    EXPECT_EQ(files(), "cmapfile ksc00 kxc02 ");
    Bytes cf0, cmap0;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf0), kOk);
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap0), kOk);
    ASSERT_EQ(cmap0.size(), 4u * 86u);
    EXPECT_NE(cmap0[80], 0);

    // Bad arguments and a missing container: nothing happens.
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, 0, 1), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, 9, 0), c(SCARD_E_NO_KEY_CONTAINER));
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, 1, 0), c(SCARD_E_NO_KEY_CONTAINER));  // 9C empty
    EXPECT_EQ(m_data.pfnCardDeleteContainer(nullptr, 0, 0), c(SCARD_E_INVALID_PARAMETER));
    // Without ROLE_ADMIN the card refuses, and the certificate stays.
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, 0, 0), c(SCARD_W_SECURITY_VIOLATION));
    EXPECT_EQ(files(), "cmapfile ksc00 kxc02 ");
    EXPECT_EQ(containerInfo(0), kOk);

    // The CSP's cmapfile (written in this context) gets the record cleared as well.
    ASSERT_EQ(m_data.pfnCardWriteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("cmapfile"), 0,
                                      cmap0.data(), DWORD(cmap0.size())), kOk);
    ASSERT_NO_FATAL_FAILURE(admin());
    Bytes cf1;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf1), kOk);
    ASSERT_EQ(m_data.pfnCardDeleteContainer(&m_data, 0, 0), kOk);

    EXPECT_EQ(containerInfo(0), c(SCARD_E_NO_KEY_CONTAINER));
    EXPECT_EQ(containerInfo(2), kOk) << "the other container is untouched";
    EXPECT_EQ(files(), "cmapfile kxc02 ");
    Bytes cert;
    EXPECT_EQ(readCardFile("mscp", "ksc00", cert), c(SCARD_E_FILE_NOT_FOUND));
    Bytes cmap;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    ASSERT_EQ(cmap.size(), cmap0.size());
    EXPECT_EQ(Bytes(cmap.begin(), cmap.begin() + 86), Bytes(86, 0));
    EXPECT_EQ(Bytes(cmap.begin() + 86, cmap.end()), Bytes(cmap0.begin() + 86, cmap0.end()));
    Bytes cf2;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf2), kOk);
    EXPECT_NE(cf2, cf1);
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, 0, 0), c(SCARD_E_NO_KEY_CONTAINER)) << "already gone";

    // On the card: the key is gone (not just hidden by this context), 9D's is not.
    release();
    SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
    m_inTransaction = false;
    EXPECT_FALSE(cardHasKey(0x9A));
    EXPECT_TRUE(cardHasKey(0x9D));
    // A new context (as after a reinsertion) lists only container 2.
    ASSERT_NO_FATAL_FAILURE(acquire());
    EXPECT_EQ(files(), "cmapfile kxc02 ");
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    EXPECT_EQ(cmap[80], 0);
    EXPECT_NE(cmap[2 * 86 + 80], 0);
}

// Create, delete, list: the container made by CardCreateContainerEx disappears with its certificate.
TEST_F(MinidriverDeleteTest, DeletesAContainerItCreated) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_NO_FATAL_FAILURE(admin());
    ASSERT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 3, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                              ROLE_USER), kOk);
    EXPECT_EQ(containerInfo(3), kOk);
    Bytes cmap;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    EXPECT_NE(cmap[3 * 86 + 80], 0);
    ASSERT_EQ(m_data.pfnCardDeleteContainer(&m_data, 3, 0), kOk);
    EXPECT_EQ(containerInfo(3), c(SCARD_E_NO_KEY_CONTAINER));
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    EXPECT_EQ(cmap, Bytes(4 * 86, 0));
    EXPECT_EQ(files(), "cmapfile ");
}

// A card without DELETE KEY (older YubiKeys answer 6D00; the vcard's fault control makes it answer so for
// every F6): SCARD_E_UNSUPPORTED_FEATURE, and nothing is touched, neither the certificate nor cmapfile/cardcf.
class MinidriverNoDeleteKeyTest : public MinidriverDeleteTest {
protected:
    std::vector<std::string> cardOptions() const override {
        return {"--init", "piv", "--once", "--fault-control", m_faults.string()};
    }
    void fault(const std::string& line) { std::ofstream(m_faults, std::ios::app) << line << "\n"; }
    std::filesystem::path m_faults = std::filesystem::temp_directory_path() /
                                     ("md-no-delete-key-" + std::to_string(::getpid()) + ".faults");
};

TEST_F(MinidriverNoDeleteKeyTest, CardWithoutDeleteKeyIsUnsupportedAndUntouched) {
    std::filesystem::remove(m_faults);
    provision(0x9A, cardapp::KeyAlgorithm::EcP256, "auth");
    ASSERT_NO_FATAL_FAILURE(dropSecurityStatus());
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_NO_FATAL_FAILURE(admin());
    Bytes cf0, cmap0, cert0;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf0), kOk);
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap0), kOk);
    ASSERT_EQ(readCardFile("mscp", "ksc00", cert0), kOk);

    fault("sw 6D00 ins=F6 always");  // the minidriver re-selects PIV and asks once more: 6D00 again
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, 0, 0), c(SCARD_E_UNSUPPORTED_FEATURE));
    fault("clear");

    EXPECT_EQ(containerInfo(0), kOk);
    EXPECT_EQ(files(), "cmapfile ksc00 ");
    Bytes cf1, cmap1, cert1;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf1), kOk);
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap1), kOk);
    ASSERT_EQ(readCardFile("mscp", "ksc00", cert1), kOk);
    EXPECT_EQ(cf1, cf0) << "cardcf changed although nothing was";
    EXPECT_EQ(cmap1, cmap0);
    EXPECT_EQ(cert1, cert0);
    release();
    SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
    m_inTransaction = false;
    EXPECT_TRUE(cardHasKey(0x9A)) << "the key must still be on the card";
    std::filesystem::remove(m_faults);
}

}  // namespace
}  // namespace mdtest
