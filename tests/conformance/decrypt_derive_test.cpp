// RSA decryption (PKCS#1 v1.5, OAEP) of data OpenSSL encrypted to the module's public key, and ECDH1_DERIVE
// with CKD_NULL compared with OpenSSL's shared secret (specs/pkcs11.md §4, §7).
#include <openssl/evp.h>

#include "test_keys.h"

namespace p11test {
namespace {

const Bytes kSecret{'s', 'e', 'c', 'r', 'e', 't', ' ', 'p', 'a', 'y', 'l', 'o', 'a', 'd'};

class DecryptTest : public KeyTest {
  protected:
    void SetUp() override {
        KeyTest::SetUp();
        if (!HasFatalFailure()) useKey(CKK_RSA, CKA_DECRYPT);
    }
    Bytes encrypt(const EVP_MD* oaepMd, const Bytes& label = {}) {
        std::string error;
        Bytes c = rsaEncrypt(m_publicKey.get(), oaepMd, label, kSecret, &error);
        EXPECT_FALSE(c.empty()) << error;
        return c;
    }
    // Length query, then the real call.
    Bytes decrypt(CK_MECHANISM* mech, Bytes ciphertext) {
        EXPECT_CKR_OK(fl()->C_DecryptInit(session(), mech, m_key.privateKey));
        CK_ULONG len = 0;
        EXPECT_CKR_OK(fl()->C_Decrypt(session(), ciphertext.data(), ciphertext.size(), nullptr, &len));
        EXPECT_GE(len, kSecret.size());
        Bytes out(len);
        EXPECT_CKR_OK(fl()->C_Decrypt(session(), ciphertext.data(), ciphertext.size(), out.data(), &len));
        out.resize(len);
        return out;
    }
    Bytes decryptOaep(CK_MECHANISM_TYPE hash, CK_RSA_PKCS_MGF_TYPE mgf, const EVP_MD* md, Bytes label = {}) {
        CK_RSA_PKCS_OAEP_PARAMS params{hash, mgf, CKZ_DATA_SPECIFIED, label.empty() ? nullptr : label.data(),
                                       label.size()};
        CK_MECHANISM mech{CKM_RSA_PKCS_OAEP, &params, sizeof params};
        return decrypt(&mech, encrypt(md, label));
    }
};

TEST_F(DecryptTest, RsaPkcs) {
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    EXPECT_EQ(decrypt(&mech, encrypt(nullptr)), kSecret);
}

TEST_F(DecryptTest, RsaPkcsBufferTooSmallKeepsOperation) {
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    Bytes ciphertext = encrypt(nullptr);
    ASSERT_CKR_OK(fl()->C_DecryptInit(session(), &mech, m_key.privateKey));
    Bytes out(kSecret.size() - 1);
    CK_ULONG len = out.size();
    EXPECT_CKR(CKR_BUFFER_TOO_SMALL,
               fl()->C_Decrypt(session(), ciphertext.data(), ciphertext.size(), out.data(), &len));
    EXPECT_GE(len, kSecret.size());
    out.resize(len);
    ASSERT_CKR_OK(fl()->C_Decrypt(session(), ciphertext.data(), ciphertext.size(), out.data(), &len));
    out.resize(len);
    EXPECT_EQ(out, kSecret);
}

TEST_F(DecryptTest, RsaPkcsWrongLength) {
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    Bytes ciphertext = encrypt(nullptr);
    ciphertext.pop_back();
    ASSERT_CKR_OK(fl()->C_DecryptInit(session(), &mech, m_key.privateKey));
    Bytes out(ciphertext.size() + 1);
    CK_ULONG len = out.size();
    EXPECT_CKR(CKR_ENCRYPTED_DATA_LEN_RANGE,
               fl()->C_Decrypt(session(), ciphertext.data(), ciphertext.size(), out.data(), &len));
}

TEST_F(DecryptTest, OaepSha1) {
    EXPECT_EQ(decryptOaep(CKM_SHA_1, CKG_MGF1_SHA1, EVP_sha1()), kSecret);
}

TEST_F(DecryptTest, OaepSha256) {
    REQUIRE_PROFILE_FACT(oaepSha256);
    EXPECT_EQ(decryptOaep(CKM_SHA256, CKG_MGF1_SHA256, EVP_sha256()), kSecret);
}

TEST_F(DecryptTest, OaepWithLabel) {
    REQUIRE_PROFILE_FACT(oaepLabel);
    EXPECT_EQ(decryptOaep(CKM_SHA_1, CKG_MGF1_SHA1, EVP_sha1(), Bytes{'l', 'a', 'b', 'e', 'l'}), kSecret);
}

TEST_F(DecryptTest, DecryptInitTwice) {
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_DecryptInit(session(), &mech, m_key.privateKey));
    EXPECT_CKR(CKR_OPERATION_ACTIVE, fl()->C_DecryptInit(session(), &mech, m_key.privateKey));
}

class DeriveTest : public KeyTest {};

TEST_F(DeriveTest, Ecdh1DeriveCkdNull) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_EC, CKA_DERIVE));
    std::string error;
    Pkey peer = generateEcPeer(m_publicKey.get(), &error);
    ASSERT_NE(peer, nullptr) << error;
    Bytes peerPoint = ecUncompressedPoint(peer.get());
    const Bytes expected = ecdhSecret(peer.get(), m_publicKey.get(), &error);
    ASSERT_FALSE(expected.empty()) << error;

    CK_ECDH1_DERIVE_PARAMS params{CKD_NULL, 0, nullptr, peerPoint.size(), peerPoint.data()};
    CK_MECHANISM mech{CKM_ECDH1_DERIVE, &params, sizeof params};
    const CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    const CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    const CK_ULONG valueLen = expected.size();
    std::vector<CK_ATTRIBUTE> tmpl{attr(CKA_CLASS, cls),          attr(CKA_KEY_TYPE, type),
                                   attr(CKA_VALUE_LEN, valueLen), attr(CKA_TOKEN, kFalse),
                                   attr(CKA_SENSITIVE, kFalse),   attr(CKA_EXTRACTABLE, kTrue)};
    CK_OBJECT_HANDLE derived = CK_INVALID_HANDLE;
    ASSERT_CKR_OK(fl()->C_DeriveKey(session(), &mech, m_key.privateKey, tmpl.data(), tmpl.size(), &derived));
    EXPECT_EQ(attributeBytes(session(), derived, CKA_VALUE), expected)
        << "Z must equal OpenSSL's ECDH secret";
    EXPECT_CKR_OK(fl()->C_DestroyObject(session(), derived));
}

}  // namespace
}  // namespace p11test
