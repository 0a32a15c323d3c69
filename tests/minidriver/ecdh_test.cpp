// CardConstructDHAgreement / CardDeriveKey / CardDestroyDHAgreement against OpenSSL's ECDH.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

// 9D EC P-256 = container 2 (AT_ECDHE_P256): agreement with an OpenSSL peer, KDF HASH and HMAC compared
// with the same KDFs computed from OpenSSL's own ECDH.
TEST_F(MinidriverTest, EcdhAgreementMatchesOpenSsl) {
    const Bytes cardSpki = provision(0x9D, cardapp::KeyAlgorithm::EcP256, "keymgmt");
    ASSERT_FALSE(cardSpki.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_EQ(authenticate("123456"), DWORD(SCARD_S_SUCCESS));

    auto [blob, z] = ecdhPeerP256("keymgmt.pub.pem");
    ASSERT_EQ(z.size(), 32u);
    ASSERT_EQ(blob.size(), 8u + 64u);

    CARD_DH_AGREEMENT_INFO dh{};
    dh.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
    dh.bContainerIndex = 2;
    dh.dwPublicKey = DWORD(blob.size());
    dh.pbPublicKey = blob.data();
    ASSERT_EQ(m_data.pfnCardConstructDHAgreement(&m_data, &dh), DWORD(SCARD_S_SUCCESS));

    Bytes prepend = {'p', 'r', 'e'}, append = {'a', 'p', 'p'};
    wchar_t sha256Name[] = L"SHA256";
    BCryptBuffer buffers[] = {
        {DWORD(sizeof sha256Name), KDF_HASH_ALGORITHM, sha256Name},
        {DWORD(prepend.size()), KDF_SECRET_PREPEND, prepend.data()},
        {DWORD(append.size()), KDF_SECRET_APPEND, append.data()},
    };
    BCryptBufferDesc params{0, 3, buffers};
    CARD_DERIVE_KEY dk{};
    dk.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
    dk.pwszKDF = BCRYPT_KDF_HASH;
    dk.bSecretAgreementIndex = dh.bSecretAgreementIndex;
    dk.pParameterList = &params;
    ASSERT_EQ(m_data.pfnCardDeriveKey(&m_data, &dk), DWORD(SCARD_S_SUCCESS));
    Bytes expectedIn = prepend;
    expectedIn.insert(expectedIn.end(), z.begin(), z.end());
    expectedIn.insert(expectedIn.end(), append.begin(), append.end());
    ASSERT_EQ(dk.cbDerivedKey, 32u);
    EXPECT_EQ(Bytes(dk.pbDerivedKey, dk.pbDerivedKey + 32), sha256(expectedIn));
    m_data.pfnCspFree(dk.pbDerivedKey);

    Bytes hmacKey = {'k', 'e', 'y'};
    BCryptBuffer hmacBuffers[] = {{DWORD(sizeof sha256Name), KDF_HASH_ALGORITHM, sha256Name},
                                  {DWORD(hmacKey.size()), KDF_HMAC_KEY, hmacKey.data()}};
    BCryptBufferDesc hmacParams{0, 2, hmacBuffers};
    dk.pwszKDF = BCRYPT_KDF_HMAC;
    dk.pParameterList = &hmacParams;
    ASSERT_EQ(m_data.pfnCardDeriveKey(&m_data, &dk), DWORD(SCARD_S_SUCCESS));
    unsigned char mac[32];
    unsigned macLen = 0;
    HMAC(EVP_sha256(), hmacKey.data(), int(hmacKey.size()), z.data(), z.size(), mac, &macLen);
    EXPECT_EQ(Bytes(dk.pbDerivedKey, dk.pbDerivedKey + dk.cbDerivedKey), Bytes(mac, mac + macLen));
    m_data.pfnCspFree(dk.pbDerivedKey);

    dk.dwFlags = CARD_RETURN_KEY_HANDLE;
    EXPECT_EQ(m_data.pfnCardDeriveKey(&m_data, &dk), DWORD(SCARD_E_UNSUPPORTED_FEATURE));
    dk.dwFlags = 0;
    dk.pwszKDF = BCRYPT_KDF_TLS_PRF;
    EXPECT_EQ(m_data.pfnCardDeriveKey(&m_data, &dk), DWORD(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(m_data.pfnCardDestroyDHAgreement(&m_data, dh.bSecretAgreementIndex, 0), DWORD(SCARD_S_SUCCESS));
    dk.pwszKDF = BCRYPT_KDF_HASH;
    EXPECT_EQ(m_data.pfnCardDeriveKey(&m_data, &dk), DWORD(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardDestroyDHAgreement(&m_data, dh.bSecretAgreementIndex, 0), DWORD(SCARD_E_INVALID_PARAMETER));

    dh.dwVersion = 1;
    EXPECT_EQ(m_data.pfnCardConstructDHAgreement(&m_data, &dh), DWORD(ERROR_REVISION_MISMATCH));
    dh.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
    blob[0] = 0x45;
    blob[2] = 0x53;  // ECDSA magic: wrong key type
    EXPECT_EQ(m_data.pfnCardConstructDHAgreement(&m_data, &dh), DWORD(SCARD_E_INVALID_PARAMETER));
    dh.bContainerIndex = 1;
    EXPECT_EQ(m_data.pfnCardConstructDHAgreement(&m_data, &dh), DWORD(SCARD_E_NO_KEY_CONTAINER));
}

}  // namespace
}  // namespace mdtest
