// ROLE_ADMIN with AES management keys: the card's key (9B) is changed to AES-128/192/256 before the
// context is acquired (Yubico SET MANAGEMENT KEY, as yubico-piv-tool / ykman do); the minidriver learns
// the algorithm from GET METADATA 9B, hands out 16-byte challenges and takes 16-byte responses
// (AES-ECB of the challenge, computed here with OpenSSL). A wrong response is SCARD_W_WRONG_CHV.
#include <openssl/evp.h>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_application.h"
#include "core/transport/pcsc_transport.h"
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;
DWORD c(LONG v) { return static_cast<DWORD>(v); }

Bytes ecbEncrypt(const EVP_CIPHER* cipher, ByteView key, ByteView block) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    Bytes out(block.size() + 16);
    int n = 0, m = 0;
    EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr), 1);
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), out.data(), &n, block.data(), int(block.size())), 1);
    EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m), 1);
    out.resize(std::size_t(n + m));
    return out;
}

struct AesCase {
    const char* name;
    uint8_t alg;  // PIV algorithm id
    std::size_t keyBytes;
    const EVP_CIPHER* (*cipher)();
};

class MinidriverAdminTest : public MinidriverTest, public ::testing::WithParamInterface<AesCase> {
protected:
    // SET MANAGEMENT KEY (INS FF, P1 P2 FF FF: no touch) after authenticating with the default 3DES key,
    // on a second connection, as a management tool would.
    void setManagementKey(uint8_t alg, ByteView key) {
        auto ctx = transport::PcscContext::establish();
        ASSERT_TRUE(ctx);
        auto t = transport::PcscTransport::connect(*ctx, reader());
        ASSERT_TRUE(t);
        piv::PivApplication app(**t);
        auto admin = app.authenticateAdmin(ByteView(piv::kDefaultManagementKey));
        ASSERT_TRUE(admin) << admin.error().describe();
        Bytes apdu = {0x00, 0xFF, 0xFF, 0xFF, uint8_t(3 + key.size()), alg, 0x9B, uint8_t(key.size())};
        apdu.insert(apdu.end(), key.begin(), key.end());
        auto r = (*t)->transmit(apdu);
        ASSERT_TRUE(r) << r.error().describe();
        ASSERT_EQ(*r, (Bytes{0x90, 0x00}));
        t->reset();
        ctx->reset();
        dropSecurityStatus();
    }

    Bytes challenge(bool ex) {
        PBYTE p = nullptr;
        DWORD n = 0;
        const DWORD rc = ex ? m_data.pfnCardGetChallengeEx(&m_data, ROLE_ADMIN, &p, &n, 0)
                            : m_data.pfnCardGetChallenge(&m_data, &p, &n);
        EXPECT_EQ(rc, kOk);
        if (rc != kOk) return {};
        Bytes out(p, p + n);
        m_data.pfnCspFree(p);
        return out;
    }
};

TEST_P(MinidriverAdminTest, AuthenticatesWithTheCardsAesKey) {
    const AesCase& k = GetParam();
    Bytes key(k.keyBytes);
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = uint8_t(0x30 + 7 * i);
    ASSERT_NO_FATAL_FAILURE(setManagementKey(k.alg, key));
    ASSERT_NO_FATAL_FAILURE(acquire());

    // Not yet admin: the card refuses key generation.
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                              ROLE_USER), c(SCARD_W_SECURITY_VIOLATION));

    // Wrong responses: the right size with the wrong content, then the 3DES size (refused before the card).
    Bytes ch = challenge(false);
    ASSERT_EQ(ch.size(), 16u);
    DWORD left = 0;
    Bytes wrong = ecbEncrypt(k.cipher(), key, ch);
    wrong[0] ^= 0x01;
    EXPECT_EQ(m_data.pfnCardAuthenticateChallenge(&m_data, wrong.data(), 16, &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, CARD_DATA_VALUE_UNKNOWN);
    ch = challenge(true);
    ASSERT_EQ(ch.size(), 16u);
    Bytes des(8, 0);
    EXPECT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_ADMIN, 0, des.data(), 8, nullptr, nullptr, &left),
              c(SCARD_E_INVALID_PARAMETER));
    // The default 3DES key's answer is not accepted either.
    ch = challenge(true);
    Bytes tdes = ecbEncrypt(EVP_des_ede3_ecb(), ByteView(piv::kDefaultManagementKey), ByteView(ch).subspan(0, 8));
    tdes.resize(16);
    EXPECT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_ADMIN, 0, tdes.data(), 16, nullptr, nullptr, &left),
              c(SCARD_W_WRONG_CHV));

    // The right key, through CardAuthenticateEx (what the v7 CSP uses).
    ch = challenge(true);
    ASSERT_EQ(ch.size(), 16u);
    Bytes response = ecbEncrypt(k.cipher(), key, ch);
    ASSERT_EQ(response.size(), 16u);
    ASSERT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_ADMIN, 0, response.data(), 16, nullptr, nullptr, &left), kOk);
    PIN_SET who = 0;
    DWORD got = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, const_cast<LPWSTR>(CP_CARD_AUTHENTICATED_STATE),
                                        reinterpret_cast<PBYTE>(&who), sizeof who, &got, 0), kOk);
    EXPECT_EQ(who & CREATE_PIN_SET(ROLE_ADMIN), CREATE_PIN_SET(ROLE_ADMIN));
    ASSERT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                              ROLE_USER), kOk);

    // And through the older pair (CardGetChallenge + CardAuthenticateChallenge).
    ASSERT_EQ(m_data.pfnCardDeauthenticateEx(&m_data, CREATE_PIN_SET(ROLE_ADMIN), 0), kOk);
    ch = challenge(false);
    response = ecbEncrypt(k.cipher(), key, ch);
    EXPECT_EQ(m_data.pfnCardAuthenticateChallenge(&m_data, response.data(), 16, &left), kOk);
}

INSTANTIATE_TEST_SUITE_P(Aes, MinidriverAdminTest,
                         ::testing::Values(AesCase{"AES128", 0x08, 16, EVP_aes_128_ecb},
                                           AesCase{"AES192", 0x0A, 24, EVP_aes_192_ecb},
                                           AesCase{"AES256", 0x0C, 32, EVP_aes_256_ecb}),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace mdtest
