// Signing, decryption and ECDH through the module, checked with OpenSSL on the host.
#include <cstring>
#include <thread>

#include "p11_fixture.h"

namespace p11test {
namespace {

using cardapp::KeyAlgorithm;

const Bytes kMsg = {'h', 'e', 'l', 'l', 'o', ' ', 'p', '1', '1'};

class CryptoTest : public P11Test {
protected:
    void SetUp() override {
        P11Test::SetUp();
        m_rsa = enrol(0x9A, KeyAlgorithm::Rsa2048);
        m_ec = enrol(0x9C, KeyAlgorithm::EcP256);     // 9C: PIN always
        m_ecdh = enrol(0x9D, KeyAlgorithm::EcP256);
        m_rsaDec = enrol(0x82, KeyAlgorithm::Rsa2048);
        initialize();
        m_h = open();
        loginUser(m_h);
    }
    CK_RV signInit(CK_MECHANISM_TYPE type, uint8_t id, void* param = nullptr, CK_ULONG paramLen = 0) {
        CK_MECHANISM m{type, param, paramLen};
        return m_fl->C_SignInit(m_h, &m, findOne(m_h, CKO_PRIVATE_KEY, id));
    }
    Bytes signAll(ByteView data) {
        CK_ULONG n = 0;
        EXPECT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(data.data()), data.size(), nullptr, &n), CKR_OK);
        Bytes sig(n);
        EXPECT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(data.data()), data.size(), sig.data(), &n), CKR_OK);
        sig.resize(n);
        return sig;
    }
    CK_RV contextLogin(const std::string& pin) { return login(m_h, CKU_CONTEXT_SPECIFIC, pin); }

    Bytes m_rsa, m_ec, m_ecdh, m_rsaDec;
    CK_SESSION_HANDLE m_h = 0;
};

TEST_F(CryptoTest, Sha256RsaPkcsVerifiesAndQueriesDoNotTouchTheCard) {
    ASSERT_EQ(signInit(CKM_SHA256_RSA_PKCS, 0x01), CKR_OK);
    CK_MECHANISM m{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_EQ(m_fl->C_SignInit(m_h, &m, findOne(m_h, CKO_PRIVATE_KEY, 0x01)), CKR_OPERATION_ACTIVE);
    uint64_t apdus = m_card->apduCount();
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size(), nullptr, &n), CKR_OK);
    EXPECT_EQ(n, 256u);
    Bytes sig(n);
    CK_ULONG small = 10;
    EXPECT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size(), sig.data(), &small),
              CKR_BUFFER_TOO_SMALL);
    EXPECT_EQ(small, 256u);
    EXPECT_EQ(m_card->apduCount(), apdus);
    ASSERT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size(), sig.data(), &n), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, sig));
    EXPECT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size(), sig.data(), &n),
              CKR_OPERATION_NOT_INITIALIZED);
}

TEST_F(CryptoTest, MultiPartAndRawPkcs1) {
    ASSERT_EQ(signInit(CKM_SHA384_RSA_PKCS, 0x01), CKR_OK);
    ASSERT_EQ(m_fl->C_SignUpdate(m_h, const_cast<uint8_t*>(kMsg.data()), 4), CKR_OK);
    ASSERT_EQ(m_fl->C_SignUpdate(m_h, const_cast<uint8_t*>(kMsg.data()) + 4, kMsg.size() - 4), CKR_OK);
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_SignFinal(m_h, nullptr, &n), CKR_OK);
    Bytes sig(n);
    ASSERT_EQ(m_fl->C_SignFinal(m_h, sig.data(), &n), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA384", kMsg, sig));

    // CKM_RSA_PKCS over a DigestInfo
    Bytes di = core::hexBytes("3031300D060960864801650304020105000420");
    Bytes h = sha256(kMsg);
    di.insert(di.end(), h.begin(), h.end());
    ASSERT_EQ(signInit(CKM_RSA_PKCS, 0x01), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, signAll(di)));
    // too long for k-11
    ASSERT_EQ(signInit(CKM_RSA_PKCS, 0x01), CKR_OK);
    Bytes big(250, 1);
    CK_ULONG len = 256;
    Bytes out(256);
    EXPECT_EQ(m_fl->C_Sign(m_h, big.data(), big.size(), out.data(), &len), CKR_DATA_LEN_RANGE);
}

TEST_F(CryptoTest, PssSignature) {
    CK_RSA_PKCS_PSS_PARAMS p{CKM_SHA256, CKG_MGF1_SHA256, 32};
    ASSERT_EQ(signInit(CKM_SHA256_RSA_PKCS_PSS, 0x01, &p, sizeof p), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, signAll(kMsg), true));
    CK_RSA_PKCS_PSS_PARAMS wrong{CKM_SHA_1, CKG_MGF1_SHA256, 32};
    EXPECT_EQ(signInit(CKM_SHA256_RSA_PKCS_PSS, 0x01, &wrong, sizeof wrong), CKR_MECHANISM_PARAM_INVALID);
    ASSERT_EQ(signInit(CKM_RSA_PKCS_PSS, 0x01, &p, sizeof p), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, signAll(sha256(kMsg)), true));
}

TEST_F(CryptoTest, EcdsaOnAlwaysAuthenticateKey) {
    CK_OBJECT_HANDLE key = findOne(m_h, CKO_PRIVATE_KEY, 0x02);
    CK_BBOOL always = CK_FALSE;
    CK_ATTRIBUTE a{CKA_ALWAYS_AUTHENTICATE, &always, 1};
    ASSERT_EQ(m_fl->C_GetAttributeValue(m_h, key, &a, 1), CKR_OK);
    EXPECT_EQ(always, CK_TRUE);
    Bytes hash = sha256(kMsg);
    // Without the context-specific login: refused, operation ended.
    ASSERT_EQ(signInit(CKM_ECDSA, 0x02), CKR_OK);
    CK_ULONG n = 64;
    Bytes sig(64);
    EXPECT_EQ(m_fl->C_Sign(m_h, hash.data(), hash.size(), sig.data(), &n), CKR_USER_NOT_LOGGED_IN);
    // Wrong PIN: PIN_INCORRECT, the operation continues; then the right one works.
    ASSERT_EQ(signInit(CKM_ECDSA, 0x02), CKR_OK);
    ASSERT_EQ(contextLogin("999999"), CKR_OK);
    n = 64;
    EXPECT_EQ(m_fl->C_Sign(m_h, hash.data(), hash.size(), sig.data(), &n), CKR_PIN_INCORRECT);
    ASSERT_EQ(contextLogin(kPin), CKR_OK);
    n = 64;
    ASSERT_EQ(m_fl->C_Sign(m_h, hash.data(), hash.size(), sig.data(), &n), CKR_OK);
    ASSERT_EQ(n, 64u);
    EXPECT_TRUE(verifyEcdsaRaw(m_ec, hash, sig));
    // Context login only right after SignInit.
    EXPECT_EQ(contextLogin(kPin), CKR_OPERATION_NOT_INITIALIZED);
}

TEST_F(CryptoTest, EcdsaSha256MultiPart) {
    ASSERT_EQ(signInit(CKM_ECDSA_SHA256, 0x02), CKR_OK);
    ASSERT_EQ(contextLogin(kPin), CKR_OK);
    ASSERT_EQ(m_fl->C_SignUpdate(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size()), CKR_OK);
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_SignFinal(m_h, nullptr, &n), CKR_OK);
    Bytes sig(n);
    ASSERT_EQ(m_fl->C_SignFinal(m_h, sig.data(), &n), CKR_OK);
    EXPECT_TRUE(verifyEcdsaRaw(m_ec, sha256(kMsg), sig));
    // 9D (key management) may derive but not sign.
    EXPECT_EQ(signInit(CKM_ECDSA_SHA256, 0x03), CKR_KEY_FUNCTION_NOT_PERMITTED);
}

TEST_F(CryptoTest, MechanismAndKeyChecks) {
    EXPECT_EQ(signInit(CKM_ECDSA, 0x01), CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(signInit(CKM_AES_CBC, 0x01), CKR_MECHANISM_INVALID);
    CK_MECHANISM m{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_EQ(m_fl->C_SignInit(m_h, &m, findOne(m_h, CKO_PUBLIC_KEY, 0x01)), CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(m_fl->C_SignInit(m_h, &m, 0xDEAD), CKR_KEY_HANDLE_INVALID);
    // 3.0: NULL mechanism cancels
    ASSERT_EQ(signInit(CKM_SHA256_RSA_PKCS, 0x01), CKR_OK);
    EXPECT_EQ(m_fl->C_SignInit(m_h, nullptr, 0), CKR_OK);
    EXPECT_EQ(m_fl->C_SignInit(m_h, nullptr, 0), CKR_ARGUMENTS_BAD);  // nothing to cancel
    EXPECT_EQ(signInit(CKM_SHA256_RSA_PKCS, 0x01), CKR_OK);
    // C_Sign cannot end a multi-part operation.
    ASSERT_EQ(m_fl->C_SignUpdate(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size()), CKR_OK);
    CK_ULONG n = 256;
    Bytes sig(n);
    EXPECT_EQ(m_fl->C_Sign(m_h, const_cast<uint8_t*>(kMsg.data()), kMsg.size(), sig.data(), &n),
              CKR_OPERATION_ACTIVE);
    // Single-part mechanisms accept C_SignUpdate by buffering (pkcs11-tool --test relies on it).
    Bytes di = core::hexBytes("3031300D060960864801650304020105000420");
    Bytes h = sha256(kMsg);
    di.insert(di.end(), h.begin(), h.end());
    ASSERT_EQ(signInit(CKM_RSA_PKCS, 0x01), CKR_OK);
    ASSERT_EQ(m_fl->C_SignUpdate(m_h, di.data(), 10), CKR_OK);
    ASSERT_EQ(m_fl->C_SignUpdate(m_h, di.data() + 10, di.size() - 10), CKR_OK);
    n = sig.size();
    ASSERT_EQ(m_fl->C_SignFinal(m_h, sig.data(), &n), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, sig));
}

TEST_F(CryptoTest, DecryptPkcs1AndOaepWithCachedResult) {
    CK_OBJECT_HANDLE key = findOne(m_h, CKO_PRIVATE_KEY, 0x05);
    Bytes secret = {'s', 'e', 'c', 'r', 'e', 't'};
    Bytes ct = rsaEncrypt(m_rsaDec, secret, false);
    CK_MECHANISM m{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_EQ(m_fl->C_DecryptInit(m_h, &m, key), CKR_OK);
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_Decrypt(m_h, ct.data(), ct.size(), nullptr, &n), CKR_OK);
    EXPECT_EQ(n, 256u);
    Bytes out(2);
    n = out.size();
    ASSERT_EQ(m_fl->C_Decrypt(m_h, ct.data(), ct.size(), out.data(), &n), CKR_BUFFER_TOO_SMALL);
    EXPECT_EQ(n, secret.size());
    uint64_t apdus = m_card->apduCount();
    out.resize(n);
    ASSERT_EQ(m_fl->C_Decrypt(m_h, ct.data(), ct.size(), out.data(), &n), CKR_OK);
    EXPECT_EQ(m_card->apduCount(), apdus);  // served from the session
    EXPECT_EQ(out, secret);

    CK_RSA_PKCS_OAEP_PARAMS p{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, nullptr, 0};
    CK_MECHANISM oaep{CKM_RSA_PKCS_OAEP, &p, sizeof p};
    Bytes ct2 = rsaEncrypt(m_rsaDec, secret, true);
    ASSERT_EQ(m_fl->C_DecryptInit(m_h, &oaep, key), CKR_OK);
    Bytes out2(256);
    n = out2.size();
    ASSERT_EQ(m_fl->C_Decrypt(m_h, ct2.data(), ct2.size(), out2.data(), &n), CKR_OK);
    out2.resize(n);
    EXPECT_EQ(out2, secret);
    // Garbage → ENCRYPTED_DATA_INVALID; wrong length → ENCRYPTED_DATA_LEN_RANGE
    ASSERT_EQ(m_fl->C_DecryptInit(m_h, &oaep, key), CKR_OK);
    Bytes junk(256, 0x01);
    n = 256;
    EXPECT_EQ(m_fl->C_Decrypt(m_h, junk.data(), junk.size(), out2.data(), &n), CKR_ENCRYPTED_DATA_INVALID);
    ASSERT_EQ(m_fl->C_DecryptInit(m_h, &m, key), CKR_OK);
    n = 256;
    EXPECT_EQ(m_fl->C_Decrypt(m_h, junk.data(), 100, out2.data(), &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
    ASSERT_EQ(m_fl->C_DecryptInit(m_h, &m, key), CKR_OK);
    n = 256;
    EXPECT_EQ(m_fl->C_DecryptUpdate(m_h, ct.data(), ct.size(), out2.data(), &n), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_EQ(m_fl->C_DecryptInit(m_h, &m, key), CKR_OK);
}

TEST_F(CryptoTest, EcdhDeriveRawAndDerPoint) {
    auto [point, z] = ecdhWithHostKey(m_ecdh);
    CK_OBJECT_HANDLE base = findOne(m_h, CKO_PRIVATE_KEY, 0x03);
    for (bool der : {false, true}) {
        Bytes pub = point;
        if (der) {
            pub.insert(pub.begin(), {0x04, static_cast<uint8_t>(point.size())});
        }
        CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, pub.size(), pub.data()};
        CK_MECHANISM m{CKM_ECDH1_DERIVE, &p, sizeof p};
        CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
        CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
        CK_BBOOL f = CK_FALSE, t = CK_TRUE;
        CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
                               {CKA_SENSITIVE, &f, 1}, {CKA_EXTRACTABLE, &t, 1}, {CKA_TOKEN, &f, 1}};
        CK_OBJECT_HANDLE key = 0;
        ASSERT_EQ(m_fl->C_DeriveKey(m_h, &m, base, tmpl, 5, &key), CKR_OK) << der;
        EXPECT_EQ(attribute(m_h, key, CKA_VALUE), z);
        EXPECT_EQ(attribute(m_h, key, CKA_NEVER_EXTRACTABLE), Bytes{CK_FALSE});
        EXPECT_EQ(m_fl->C_DestroyObject(m_h, key), CKR_OK);
    }
    CK_ECDH1_DERIVE_PARAMS bad{CKD_SHA1_KDF, 0, nullptr, point.size(), point.data()};
    CK_MECHANISM m{CKM_ECDH1_DERIVE, &bad, sizeof bad};
    CK_OBJECT_HANDLE key = 0;
    EXPECT_EQ(m_fl->C_DeriveKey(m_h, &m, base, nullptr, 0, &key), CKR_MECHANISM_PARAM_INVALID);
}

TEST_F(CryptoTest, ConcurrentSessionsSignAndFind) {
    CK_OBJECT_HANDLE key = findOne(m_h, CKO_PRIVATE_KEY, 0x01);
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            CK_SESSION_HANDLE h = 0;
            if (m_fl->C_OpenSession(slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &h) != CKR_OK) return;
            for (int i = 0; i < 3; ++i) {
                if (t % 2) {
                    CK_ULONG n = 0;
                    if (m_fl->C_FindObjectsInit(h, nullptr, 0) == CKR_OK) {
                        CK_OBJECT_HANDLE out[16];
                        m_fl->C_FindObjects(h, out, 16, &n);
                        m_fl->C_FindObjectsFinal(h);
                    }
                    good += n > 0;
                    continue;
                }
                CK_MECHANISM m{CKM_SHA256_RSA_PKCS, nullptr, 0};
                Bytes sig(256);
                CK_ULONG n = sig.size();
                if (m_fl->C_SignInit(h, &m, key) == CKR_OK &&
                    m_fl->C_Sign(h, const_cast<uint8_t*>(kMsg.data()), kMsg.size(), sig.data(), &n) == CKR_OK &&
                    verifySignature(m_rsa, "SHA256", kMsg, sig))
                    ++good;
            }
            m_fl->C_CloseSession(h);
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(good.load(), 12);
}

// The session keeps the key of its last C_SignInit (lookupSessionKey): a logout hides it at once, and a
// new key generated into the same slot (same handle) is the one the next signature uses.
TEST_F(CryptoTest, RepeatedSignInitFollowsLogoutAndANewKeyInTheSlot) {
    const CK_OBJECT_HANDLE key = findOne(m_h, CKO_PRIVATE_KEY, 0x01);
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(signInit(CKM_SHA256_RSA_PKCS, 0x01), CKR_OK);
        EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, signAll(kMsg)));
    }
    // Another session logs out (the login is the token's): the key is gone for this one too.
    CK_SESSION_HANDLE other = open();
    ASSERT_EQ(m_fl->C_Logout(other), CKR_OK);
    CK_MECHANISM rsa{CKM_SHA256_RSA_PKCS, nullptr, 0};
    EXPECT_EQ(m_fl->C_SignInit(m_h, &rsa, key), CKR_KEY_HANDLE_INVALID);
    loginUser(m_h);
    ASSERT_EQ(signInit(CKM_SHA256_RSA_PKCS, 0x01), CKR_OK);
    EXPECT_TRUE(verifySignature(m_rsa, "SHA256", kMsg, signAll(kMsg)));

    // A P-256 key replaces the RSA key in 9A (id 01) through the other session; this one, logged in as
    // the user again afterwards, signs with the new key under the same handle.
    ASSERT_EQ(m_fl->C_Logout(other), CKR_OK);
    ASSERT_EQ(login(other, CKU_SO, kMgmtKeyHex), CKR_OK);
    Bytes params = core::hexBytes("06082A8648CE3D030107");
    uint8_t id = 0x01;
    CK_MECHANISM gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_ATTRIBUTE pubT[] = {{CKA_EC_PARAMS, params.data(), params.size()}, {CKA_ID, &id, 1}};
    CK_OBJECT_HANDLE pub = 0, priv = 0;
    ASSERT_EQ(m_fl->C_GenerateKeyPair(other, &gen, pubT, 2, nullptr, 0, &pub, &priv), CKR_OK);
    const Bytes spki = attribute(other, pub, CKA_PUBLIC_KEY_INFO);
    ASSERT_EQ(m_fl->C_Logout(other), CKR_OK);
    loginUser(other);

    ASSERT_EQ(findOne(m_h, CKO_PRIVATE_KEY, 0x01), key) << "handles name the slot, not the key";
    EXPECT_EQ(m_fl->C_SignInit(m_h, &rsa, key), CKR_KEY_TYPE_INCONSISTENT);
    ASSERT_EQ(signInit(CKM_ECDSA, 0x01), CKR_OK);
    const Bytes hash = sha256(kMsg);
    EXPECT_TRUE(verifyEcdsaRaw(spki, hash, signAll(hash)));
}

}  // namespace
}  // namespace p11test
