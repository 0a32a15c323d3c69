// Enrolment as the Base CSP does it: ROLE_ADMIN by challenge-response (the PIV management key, 3DES),
// key generation with CardCreateContainerEx, certificate written with CardCreateFile + CardWriteFile,
// cardcf changing after each step, then a signature with the new key checked by OpenSSL.
#include <openssl/evp.h>

#include "card-apps/piv/management_key.h"
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;
DWORD c(LONG v) { return static_cast<DWORD>(v); }

Bytes des3Ecb(ByteView key, ByteView block) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    Bytes out(block.size() + 8);
    int n = 0, m = 0;
    EVP_EncryptInit_ex(ctx.get(), EVP_des_ede3_ecb(), nullptr, key.data(), nullptr);
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    EVP_EncryptUpdate(ctx.get(), out.data(), &n, block.data(), int(block.size()));
    EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m);
    out.resize(std::size_t(n + m));
    return out;
}

TEST_F(MinidriverTest, EnrolsAKeyAndItsCertificate) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cf0, cf1, cf2;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf0), kOk);

    // Without the management key the card refuses key generation and certificate writes.
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                              ROLE_USER), c(SCARD_W_SECURITY_VIOLATION));
    PBYTE challenge = nullptr;
    DWORD n = 0, left = 0;
    ASSERT_EQ(m_data.pfnCardGetChallenge(&m_data, &challenge, &n), kOk);
    ASSERT_EQ(n, 8u);
    m_data.pfnCspFree(challenge);
    Bytes wrong(8, 0);
    EXPECT_EQ(m_data.pfnCardAuthenticateChallenge(&m_data, wrong.data(), 8, &left), c(SCARD_W_WRONG_CHV));

    ASSERT_EQ(m_data.pfnCardGetChallengeEx(&m_data, ROLE_ADMIN, &challenge, &n, 0), kOk);
    Bytes response = des3Ecb(ByteView(piv::kDefaultManagementKey), ByteView(challenge, n));
    m_data.pfnCspFree(challenge);
    ASSERT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_ADMIN, 0, response.data(), DWORD(response.size()), nullptr,
                                           nullptr, &left), kOk);

    // Bad arguments first: none of them may generate anything.
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, 0, AT_ECDSA_P256, 256, nullptr, ROLE_USER),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 384, nullptr,
                                              ROLE_USER), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 7, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                              ROLE_USER), c(SCARD_E_INVALID_PARAMETER));
    ASSERT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                              ROLE_USER), kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf1), kOk);
    EXPECT_NE(cf1, cf0);

    CONTAINER_INFO ci{};
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 0, &ci), kOk);
    ASSERT_EQ(ci.cbSigPublicKey, 72u);
    Bytes spki = core::hexBytes("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    spki.push_back(0x04);
    spki.insert(spki.end(), ci.pbSigPublicKey + 8, ci.pbSigPublicKey + 72);
    m_data.pfnCspFree(ci.pbSigPublicKey);
    itest::writeFile(path("new.pub.der"), std::string(spki.begin(), spki.end()));
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
       "-subj '/CN=MeSign Test CA' -days 2 2>/dev/null && "
       "openssl pkey -pubin -inform DER -in new.pub.der -out new.pub.pem && "
       "openssl x509 -new -force_pubkey new.pub.pem -subj '/CN=Enrolled' -CA ca.pem -CAkey ca.key -days 2 "
       "-outform DER -out new.der");
    const std::string der = itest::readFile(path("new.der"));
    Bytes cert(der.begin(), der.end());
    ASSERT_EQ(m_data.pfnCardCreateFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), 0,
                                       EveryoneReadUserWriteAc), kOk);
    ASSERT_EQ(m_data.pfnCardWriteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), 0, cert.data(),
                                      DWORD(cert.size())), kOk);
    EXPECT_EQ(m_data.pfnCardWriteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc09"), 0, cert.data(),
                                      DWORD(cert.size())), c(SCARD_E_FILE_NOT_FOUND));
    EXPECT_EQ(m_data.pfnCardWriteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), 1, cert.data(),
                                      DWORD(cert.size())), c(SCARD_E_INVALID_PARAMETER));
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf2), kOk);
    EXPECT_NE(cf2, cf1);
    Bytes back;
    ASSERT_EQ(readCardFile("mscp", "ksc00", back), kOk);
    EXPECT_EQ(back, cert);

    // The CSP's own cardcf / cmapfile writes are kept for the context.
    Bytes cf = {1, 9, 8, 0, 7, 0};
    ASSERT_EQ(m_data.pfnCardWriteFile(&m_data, nullptr, const_cast<LPSTR>("cardcf"), 0, cf.data(), 6), kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", back), kOk);
    EXPECT_EQ(back, cf);

    ASSERT_EQ(authenticate("123456"), kOk);
    Bytes hash = sha256(Bytes{'e', 'n', 'r', 'o', 'l'});
    CARD_SIGNING_INFO info{};
    info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    info.bContainerIndex = 0;
    info.dwKeySpec = AT_ECDSA_P256;
    info.aiHashAlg = CALG_SHA_256;
    info.pbData = hash.data();
    info.cbData = DWORD(hash.size());
    ASSERT_EQ(m_data.pfnCardSignData(&m_data, &info), kOk);
    Bytes sig(info.pbSignedData, info.pbSignedData + info.cbSignedData);
    m_data.pfnCspFree(info.pbSignedData);
    EXPECT_TRUE(verifyEcdsaRaw(spki, hash, sig));
}

// An RSA key generated for AT_SIGNATURE in container 0 (9A, normally key exchange) is reported as a
// signature key for the rest of the context.
TEST_F(MinidriverTest, KeepsTheRequestedKeySpec) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    PBYTE challenge = nullptr;
    DWORD n = 0;
    ASSERT_EQ(m_data.pfnCardGetChallenge(&m_data, &challenge, &n), kOk);
    Bytes response = des3Ecb(ByteView(piv::kDefaultManagementKey), ByteView(challenge, n));
    m_data.pfnCspFree(challenge);
    ASSERT_EQ(m_data.pfnCardAuthenticateChallenge(&m_data, response.data(), 8, nullptr), kOk);
    ASSERT_EQ(m_data.pfnCardCreateContainer(&m_data, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_SIGNATURE, 2048, nullptr),
              kOk);
    CONTAINER_INFO ci{};
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 0, &ci), kOk);
    EXPECT_EQ(ci.cbKeyExPublicKey, 0u);
    ASSERT_EQ(ci.cbSigPublicKey, 20u + 256u);
    EXPECT_EQ(ci.pbSigPublicKey[5], 0x24);  // CALG_RSA_SIGN
    m_data.pfnCspFree(ci.pbSigPublicKey);
    Bytes cmap;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    EXPECT_EQ(cmap[82] | (cmap[83] << 8), 2048);  // signature key size
}

}  // namespace
}  // namespace mdtest
