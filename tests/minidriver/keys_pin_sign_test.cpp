// Containers after provisioning, PIN handling, CardSignData with each padding and CardRSADecrypt,
// all checked against OpenSSL; bad-argument tables with the spec's codes.
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

using cardapp::KeyAlgorithm;
constexpr DWORD kOk = SCARD_S_SUCCESS;
DWORD c(LONG v) { return static_cast<DWORD>(v); }

class MinidriverKeysTest : public MinidriverTest {
protected:
    // 9A: RSA-2048 (container 0, AT_KEYEXCHANGE); 9E: EC P-256 (container 3, AT_ECDSA_P256).
    void provisionAll() {
        m_rsa = provision(0x9A, KeyAlgorithm::Rsa2048, "auth");
        m_ec = provision(0x9E, KeyAlgorithm::EcP256, "cardauth");
        ASSERT_FALSE(m_rsa.empty());
        ASSERT_FALSE(m_ec.empty());
    }
    DWORD sign(CARD_SIGNING_INFO& info, Bytes& sig) {
        DWORD rc = m_data.pfnCardSignData(&m_data, &info);
        if (rc == kOk && info.pbSignedData) {
            sig.assign(info.pbSignedData, info.pbSignedData + info.cbSignedData);
            m_data.pfnCspFree(info.pbSignedData);
            info.pbSignedData = nullptr;
        }
        return rc;
    }
    CARD_SIGNING_INFO rsaInfo(Bytes& hash) { return signingInfo(0, AT_KEYEXCHANGE, CALG_SHA_256, hash); }
    Bytes m_rsa, m_ec;
};

TEST_F(MinidriverKeysTest, ContainersAndCertificates) {
    ASSERT_NO_FATAL_FAILURE(provisionAll());
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cmap, cert;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    ASSERT_EQ(cmap.size(), 4u * 86);
    EXPECT_EQ(cmap[80], 3);  // 9A: valid + default
    EXPECT_EQ(cmap[84] | (cmap[85] << 8), 2048);  // key exchange size
    EXPECT_EQ(cmap[86 + 80], 0);  // 9C empty
    EXPECT_EQ(cmap[3 * 86 + 80], 1);  // 9E valid, not default
    EXPECT_EQ(cmap[3 * 86 + 82] | (cmap[3 * 86 + 83] << 8), 256);  // signature (ECDSA) size
    EXPECT_NE(cmap[0], 0);  // container name present (UTF-16LE)
    EXPECT_EQ(cmap[1], 0);

    LPSTR names = nullptr;
    DWORD len = 0;
    ASSERT_EQ(m_data.pfnCardEnumFiles(&m_data, const_cast<LPSTR>("mscp"), &names, &len, 0), kOk);
    EXPECT_EQ(std::string(names, len), std::string("cmapfile\0kxc00\0ksc03\0\0", 22));
    m_data.pfnCspFree(names);
    ASSERT_EQ(readCardFile("mscp", "kxc00", cert), kOk);
    EXPECT_EQ(std::string(cert.begin(), cert.end()), itest::readFile(path("auth.der")));
    ASSERT_EQ(readCardFile("mscp", "ksc03", cert), kOk);
    EXPECT_EQ(std::string(cert.begin(), cert.end()), itest::readFile(path("cardauth.der")));

    CONTAINER_INFO ci{};
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 0, &ci), kOk);
    EXPECT_EQ(ci.cbSigPublicKey, 0u);
    ASSERT_EQ(ci.cbKeyExPublicKey, 20u + 256u);
    const Bytes blob(ci.pbKeyExPublicKey, ci.pbKeyExPublicKey + ci.cbKeyExPublicKey);
    m_data.pfnCspFree(ci.pbKeyExPublicKey);
    EXPECT_EQ(blob[0], 0x06);  // PUBLICKEYBLOB
    EXPECT_EQ(blob[5], 0xA4);  // CALG_RSA_KEYX 0x0000A400, little-endian
    EXPECT_EQ(Bytes(blob.begin() + 8, blob.begin() + 12), (Bytes{'R', 'S', 'A', '1'}));
    EXPECT_EQ(Bytes(blob.begin() + 20, blob.end()), reversed(rsaModulus(m_rsa)));

    CONTAINER_INFO ec{};
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 3, 0, &ec), kOk);
    ASSERT_EQ(ec.cbSigPublicKey, 8u + 64u);
    const Bytes ecBlob(ec.pbSigPublicKey, ec.pbSigPublicKey + ec.cbSigPublicKey);
    m_data.pfnCspFree(ec.pbSigPublicKey);
    EXPECT_EQ(Bytes(ecBlob.begin(), ecBlob.begin() + 8), (Bytes{0x45, 0x43, 0x53, 0x31, 32, 0, 0, 0}));
    EXPECT_EQ(Bytes(ecBlob.begin() + 8, ecBlob.end()), Bytes(m_ec.end() - 64, m_ec.end()));

    EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 1, 0, &ci), c(SCARD_E_NO_KEY_CONTAINER));
    EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 9, 0, &ci), c(SCARD_E_NO_KEY_CONTAINER));
    EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 1, &ci), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 0, nullptr), c(SCARD_E_INVALID_PARAMETER));
    ci.dwVersion = 2;
    EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 0, &ci), c(ERROR_REVISION_MISMATCH));

    DWORD pinId = 0, got = 0;
    ASSERT_EQ(m_data.pfnCardGetContainerProperty(&m_data, 0, CCP_PIN_IDENTIFIER, reinterpret_cast<PBYTE>(&pinId),
                                                 sizeof pinId, &got, 0), kOk);
    EXPECT_EQ(pinId, DWORD(ROLE_USER));
    CARD_FREE_SPACE_INFO fs{};
    ASSERT_EQ(m_data.pfnCardQueryFreeSpace(&m_data, 0, &fs), kOk);
    EXPECT_EQ(fs.dwKeyContainersAvailable, 2u);
}

TEST_F(MinidriverKeysTest, PinRightWrongAndBlocked) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    DWORD attempts = 99;
    EXPECT_EQ(authenticate("654321", &attempts), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(attempts, 2u);
    EXPECT_EQ(authenticate("123456", &attempts), kOk);
    PIN_SET state = 0;
    DWORD len = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_AUTHENTICATED_STATE, reinterpret_cast<PBYTE>(&state),
                                        sizeof state, &len, 0), kOk);
    EXPECT_EQ(state, DWORD(CREATE_PIN_SET(ROLE_USER)));
    EXPECT_EQ(m_data.pfnCardDeauthenticateEx(&m_data, CREATE_PIN_SET(ROLE_USER), 0), kOk);

    std::string pin = "000000";
    auto ex = [&](PIN_ID id, DWORD flags, DWORD* left) {
        return m_data.pfnCardAuthenticateEx(&m_data, id, flags, reinterpret_cast<PBYTE>(pin.data()), DWORD(pin.size()),
                                            nullptr, nullptr, left);
    };
    EXPECT_EQ(ex(ROLE_USER, CARD_PIN_SILENT_CONTEXT, &attempts), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(attempts, 2u);  // a right PIN reset the counter
    EXPECT_EQ(ex(ROLE_USER, 0, nullptr), c(SCARD_W_WRONG_CHV));  // pcAttemptsRemaining may be NULL
    EXPECT_EQ(ex(ROLE_USER, 0, &attempts), c(SCARD_W_CHV_BLOCKED));
    EXPECT_EQ(attempts, 0u);
    EXPECT_EQ(authenticate("123456", &attempts), c(SCARD_W_CHV_BLOCKED));
    EXPECT_EQ(attempts, 0u);
}

TEST_F(MinidriverKeysTest, PinBadArguments) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    std::string pin = "123456";
    auto* pb = reinterpret_cast<PBYTE>(pin.data());
    EXPECT_EQ(m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(L"anonymous"), pb, 6, nullptr),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardAuthenticatePin(&m_data, nullptr, pb, 6, nullptr), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(wszCARD_USER_USER), nullptr, 6, nullptr),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(wszCARD_USER_USER), pb, 3, nullptr),
              c(SCARD_E_INVALID_CHV));
    EXPECT_EQ(m_data.pfnCardAuthenticateEx(&m_data, 5, 0, pb, 6, nullptr, nullptr, nullptr), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_USER, 0x1, pb, 6, nullptr, nullptr, nullptr),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardAuthenticateEx(&m_data, ROLE_USER, CARD_AUTHENTICATE_GENERATE_SESSION_PIN, pb, 6, nullptr,
                                           nullptr, nullptr), c(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(m_data.pfnCardDeauthenticateEx(&m_data, CREATE_PIN_SET(ROLE_USER), 1), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardAuthenticatePin(nullptr, const_cast<LPWSTR>(wszCARD_USER_USER), pb, 6, nullptr),
              c(SCARD_E_INVALID_PARAMETER));
    DWORD attempts = 0;
    EXPECT_EQ(authenticate("123456", &attempts), kOk);  // none of the above spent a try
}

TEST_F(MinidriverKeysTest, SignsWithEachPadding) {
    ASSERT_NO_FATAL_FAILURE(provisionAll());
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_EQ(authenticate("123456"), kOk);
    Bytes hash = sha256(Bytes{'m', 'e', 's', 'i', 'g', 'n'});
    Bytes sig;

    auto info = rsaInfo(hash);  // no padding info: PKCS#1 v1.5 with the DigestInfo of aiHashAlg
    ASSERT_EQ(sign(info, sig), kOk);
    ASSERT_EQ(sig.size(), 256u);
    EXPECT_TRUE(verifyRsa(m_rsa, hash, reversed(sig), "SHA256", false, 0));

    info = rsaInfo(hash);
    info.dwSigningFlags = CRYPT_NOHASHOID;  // bare hash, no DigestInfo
    ASSERT_EQ(sign(info, sig), kOk);
    EXPECT_TRUE(verifyRsaRawPkcs1(m_rsa, hash, reversed(sig)));

    BCRYPT_PKCS1_PADDING_INFO pkcs1{L"SHA256"};
    info = rsaInfo(hash);
    info.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
    info.dwPaddingType = CARD_PADDING_PKCS1;
    info.pPaddingInfo = &pkcs1;
    ASSERT_EQ(sign(info, sig), kOk);
    EXPECT_TRUE(verifyRsa(m_rsa, hash, reversed(sig), "SHA256", false, 0));

    BCRYPT_PKCS1_PADDING_INFO noOid{nullptr};
    info.pPaddingInfo = &noOid;
    ASSERT_EQ(sign(info, sig), kOk);
    EXPECT_TRUE(verifyRsaRawPkcs1(m_rsa, hash, reversed(sig)));

    BCRYPT_PSS_PADDING_INFO pss{L"SHA256", 32};
    info.dwPaddingType = CARD_PADDING_PSS;
    info.pPaddingInfo = &pss;
    ASSERT_EQ(sign(info, sig), kOk);
    EXPECT_TRUE(verifyRsa(m_rsa, hash, reversed(sig), "SHA256", true, 32));

    info = rsaInfo(hash);
    info.dwSigningFlags = CARD_BUFFER_SIZE_ONLY;
    ASSERT_EQ(m_data.pfnCardSignData(&m_data, &info), kOk);
    EXPECT_EQ(info.cbSignedData, 256u);
    EXPECT_EQ(info.pbSignedData, nullptr);

    CARD_SIGNING_INFO ec{};
    ec.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    ec.bContainerIndex = 3;
    ec.dwKeySpec = AT_ECDSA_P256;
    ec.aiHashAlg = CALG_SHA_256;
    ec.pbData = hash.data();
    ec.cbData = DWORD(hash.size());
    ASSERT_EQ(sign(ec, sig), kOk);
    ASSERT_EQ(sig.size(), 64u);  // r || s, big-endian
    EXPECT_TRUE(verifyEcdsaRaw(m_ec, hash, sig));
}

TEST_F(MinidriverKeysTest, SignBadArguments) {
    ASSERT_NO_FATAL_FAILURE(provisionAll());
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_EQ(authenticate("123456"), kOk);
    Bytes hash = sha256(Bytes{1, 2, 3});
    Bytes shortHash(20, 1);
    struct Case {
        const char* what;
        void (*spoil)(CARD_SIGNING_INFO&, Bytes&);
        LONG expected;
    };
    const Case cases[] = {
        {"version 3", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwVersion = 3; }, ERROR_REVISION_MISMATCH},
        {"no data", [](CARD_SIGNING_INFO& i, Bytes&) { i.pbData = nullptr; }, SCARD_E_INVALID_PARAMETER},
        {"unknown flag", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwSigningFlags = 0x100; }, SCARD_E_INVALID_PARAMETER},
        {"hash length", [](CARD_SIGNING_INFO& i, Bytes& h) { i.pbData = h.data(); i.cbData = 20; },
         SCARD_E_INVALID_PARAMETER},
        {"unknown hash", [](CARD_SIGNING_INFO& i, Bytes&) { i.aiHashAlg = 0x8001; }, NTE_BAD_ALGID},
        {"empty container", [](CARD_SIGNING_INFO& i, Bytes&) { i.bContainerIndex = 1; }, SCARD_E_NO_KEY_CONTAINER},
        {"bad container", [](CARD_SIGNING_INFO& i, Bytes&) { i.bContainerIndex = 200; }, SCARD_E_NO_KEY_CONTAINER},
        {"bad key spec", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwKeySpec = 9; }, SCARD_E_INVALID_PARAMETER},
        {"EC spec on RSA", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwKeySpec = AT_ECDSA_P256; }, SCARD_E_INVALID_PARAMETER},
        {"padding type", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwSigningFlags = CARD_PADDING_INFO_PRESENT; i.dwPaddingType = 0x10; },
         SCARD_E_INVALID_PARAMETER},
        {"padding info missing", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwSigningFlags = CARD_PADDING_INFO_PRESENT; i.dwPaddingType = CARD_PADDING_PSS; },
         SCARD_E_INVALID_PARAMETER},
        {"padding info in v1", [](CARD_SIGNING_INFO& i, Bytes&) { i.dwVersion = 1; i.dwSigningFlags = CARD_PADDING_INFO_PRESENT; },
         SCARD_E_INVALID_PARAMETER},
    };
    for (const auto& tc : cases) {
        auto info = rsaInfo(hash);
        tc.spoil(info, shortHash);
        Bytes sig;
        EXPECT_EQ(sign(info, sig), c(tc.expected)) << tc.what;
    }
    EXPECT_EQ(m_data.pfnCardSignData(&m_data, nullptr), c(SCARD_E_INVALID_PARAMETER));
}

TEST_F(MinidriverKeysTest, DecryptsPkcs1OaepAndRaw) {
    ASSERT_NO_FATAL_FAILURE(provisionAll());
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_EQ(authenticate("123456"), kOk);
    const Bytes msg = {'s', 'e', 's', 's', 'i', 'o', 'n', ' ', 'k', 'e', 'y'};
    // Container 0 (9A); the info structure's version is the last argument where it matters.
    auto decrypt = [&](const Bytes& cipherBe, DWORD padding, void* paddingInfo, Bytes& out, DWORD version = 2) {
        return MinidriverTest::decrypt(0, cipherBe, padding, paddingInfo, out, version);
    };
    Bytes out;
    ASSERT_EQ(decrypt(rsaEncrypt(m_rsa, msg, false), CARD_PADDING_PKCS1, nullptr, out), kOk);
    EXPECT_EQ(out, msg);
    BCRYPT_OAEP_PADDING_INFO oaep{L"SHA256", nullptr, 0};
    ASSERT_EQ(decrypt(rsaEncrypt(m_rsa, msg, true), CARD_PADDING_OAEP, &oaep, out), kOk);
    EXPECT_EQ(out, msg);
    ASSERT_EQ(decrypt(rsaEncrypt(m_rsa, msg, false), CARD_PADDING_NONE, nullptr, out), kOk);
    ASSERT_EQ(out.size(), 256u);
    const Bytes block = reversed(out);  // raw block comes back little-endian
    EXPECT_EQ(block[0], 0);
    EXPECT_EQ(block[1], 2);
    EXPECT_EQ(Bytes(block.end() - long(msg.size()), block.end()), msg);

    EXPECT_EQ(decrypt(rsaEncrypt(m_rsa, msg, false), CARD_PADDING_PKCS1, nullptr, out, 1), c(ERROR_REVISION_MISMATCH));
    EXPECT_EQ(decrypt(Bytes(100, 1), CARD_PADDING_PKCS1, nullptr, out), c(SCARD_E_INSUFFICIENT_BUFFER));
    EXPECT_EQ(decrypt(rsaEncrypt(m_rsa, msg, false), 0x20, nullptr, out), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(decrypt(rsaEncrypt(m_rsa, msg, true), CARD_PADDING_OAEP, nullptr, out), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardRSADecrypt(&m_data, nullptr), c(SCARD_E_INVALID_PARAMETER));
    Bytes junk(256, 0x5A);
    junk[0] = 0;  // below the modulus, but decrypts to no valid padding
    EXPECT_EQ(decrypt(junk, CARD_PADDING_PKCS1, nullptr, out), c(NTE_BAD_DATA));
    EXPECT_EQ(decrypt(junk, CARD_PADDING_OAEP, &oaep, out), c(NTE_BAD_DATA));
}

}  // namespace
}  // namespace mdtest
