// On-token key generation (RSA-2048, EC P-256) where the profile lets the suite generate keys; generated keys
// are session objects, used once and verified with OpenSSL (specs/pkcs11.md §6.4, §7).
#include "test_keys.h"

namespace p11test {
namespace {

class KeyGenTest : public LoggedInTest {
  protected:
    void SetUp() override {
        REQUIRE_PROFILE_FACT(userKeyGeneration);
        LoggedInTest::SetUp();
    }
    void expectGeneratedPrivateKey(CK_OBJECT_HANDLE k, CK_MECHANISM_TYPE genMech) {
        EXPECT_TRUE(attributeBool(session(), k, CKA_LOCAL));
        EXPECT_EQ(attributeUlong(session(), k, CKA_KEY_GEN_MECHANISM), genMech);
        EXPECT_TRUE(attributeBool(session(), k, CKA_SENSITIVE));
        EXPECT_FALSE(attributeBool(session(), k, CKA_EXTRACTABLE));
        EXPECT_TRUE(attributeBool(session(), k, CKA_ALWAYS_SENSITIVE));
        EXPECT_TRUE(attributeBool(session(), k, CKA_NEVER_EXTRACTABLE));
    }
};

TEST_F(KeyGenTest, Rsa2048) {
    KeyPair k;
    ASSERT_CKR_OK(generateRsaPair(session(), 2048, false, "keygen-rsa", &k));
    EXPECT_EQ(attributeUlong(session(), k.publicKey, CKA_MODULUS_BITS), 2048u);
    EXPECT_EQ(attributeBytes(session(), k.publicKey, CKA_PUBLIC_EXPONENT), (Bytes{0x01, 0x00, 0x01}));
    expectGeneratedPrivateKey(k.privateKey, CKM_RSA_PKCS_KEY_PAIR_GEN);
    std::string why;
    Pkey pub = openSslPublicKey(session(), k.publicKey, &why);
    ASSERT_NE(pub, nullptr) << why;
    EXPECT_EQ(EVP_PKEY_get_bits(pub.get()), 2048);

    Bytes message{'k', 'e', 'y', 'g', 'e', 'n'};
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, k.privateKey));
    Bytes sig(256);
    CK_ULONG len = sig.size();
    ASSERT_CKR_OK(fl()->C_Sign(session(), message.data(), message.size(), sig.data(), &len));
    sig.resize(len);
    EXPECT_EQ(verifyRsaSha256(pub.get(), message, sig), "");
    EXPECT_CKR_OK(fl()->C_DestroyObject(session(), k.privateKey));
    EXPECT_CKR_OK(fl()->C_DestroyObject(session(), k.publicKey));
}

TEST_F(KeyGenTest, EcP256) {
    KeyPair k;
    ASSERT_CKR_OK(generateEcPair(session(), kP256Params, false, "keygen-ec", &k));
    EXPECT_EQ(attributeBytes(session(), k.publicKey, CKA_EC_PARAMS), kP256Params);
    const Bytes point = attributeBytes(session(), k.publicKey, CKA_EC_POINT);
    ASSERT_EQ(point.size(), 67u) << "DER OCTET STRING of an uncompressed P-256 point";
    EXPECT_EQ(point[0], 0x04);
    EXPECT_EQ(point[1], 0x41);
    EXPECT_EQ(point[2], 0x04);
    expectGeneratedPrivateKey(k.privateKey, CKM_EC_KEY_PAIR_GEN);
    std::string why;
    Pkey pub = openSslPublicKey(session(), k.publicKey, &why);
    ASSERT_NE(pub, nullptr) << why;

    const Bytes hash = sha256(Bytes{'k', 'e', 'y', 'g', 'e', 'n'});
    CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, k.privateKey));
    Bytes sig(64);
    CK_ULONG len = sig.size();
    ASSERT_CKR_OK(fl()->C_Sign(session(), const_cast<CK_BYTE*>(hash.data()), hash.size(), sig.data(), &len));
    sig.resize(len);
    EXPECT_EQ(verifyEcdsaRaw(pub.get(), hash, sig), "");
    EXPECT_CKR_OK(fl()->C_DestroyObject(session(), k.privateKey));
    EXPECT_CKR_OK(fl()->C_DestroyObject(session(), k.publicKey));
}

TEST_F(KeyGenTest, PrivateKeyNeedsLogin) {
    ASSERT_CKR_OK(fl()->C_Logout(session()));
    KeyPair k;
    EXPECT_CKR(CKR_USER_NOT_LOGGED_IN, generateEcPair(session(), kP256Params, false, "keygen-nologin", &k));
}

TEST_F(KeyGenTest, ReadOnlySessionCannotCreateTokenKeys) {
    Session ro(m_slot);
    ASSERT_CKR_OK(ro.openResult());
    KeyPair k;
    EXPECT_CKR(CKR_SESSION_READ_ONLY, generateEcPair(ro.handle(), kP256Params, true, "keygen-ro", &k));
}

}  // namespace
}  // namespace p11test
