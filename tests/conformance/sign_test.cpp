// Signing with RSA (PKCS#1 v1.5, SHA256-RSA-PKCS single and multi-part, PSS) and ECDSA, each signature
// verified by OpenSSL against the public key read from the module; operation-state rules (specs/pkcs11.md §4,
// §7, §8).
#include "test_keys.h"

namespace p11test {
namespace {

const Bytes kMessage{'c', 'o', 'n', 'f', 'o', 'r', 'm', 'a', 'n', 'c', 'e', ' ', 'd', 'a', 't', 'a'};

// Single-part sign with the length query first.
Bytes signOnce(CK_SESSION_HANDLE s, CK_MECHANISM* mech, CK_OBJECT_HANDLE key, const Bytes& input) {
    EXPECT_CKR_OK(p11()->C_SignInit(s, mech, key));
    CK_ULONG len = 0;
    EXPECT_CKR_OK(p11()->C_Sign(s, const_cast<CK_BYTE*>(input.data()), input.size(), nullptr, &len));
    Bytes sig(len);
    EXPECT_CKR_OK(p11()->C_Sign(s, const_cast<CK_BYTE*>(input.data()), input.size(), sig.data(), &len));
    sig.resize(len);
    return sig;
}

class SignTest : public KeyTest {
  protected:
    CK_ULONG rsaBytes() { return attributeBytes(session(), m_key.publicKey, CKA_MODULUS).size(); }
};

TEST_F(SignTest, RsaPkcs) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    const Bytes input = sha256DigestInfo(kMessage);
    const Bytes sig = signOnce(session(), &mech, m_key.privateKey, input);
    EXPECT_EQ(sig.size(), rsaBytes());
    EXPECT_EQ(verifyRsaPkcs1Raw(m_publicKey.get(), input, sig), "");
}

TEST_F(SignTest, Sha256RsaPkcsSinglePart) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    const Bytes sig = signOnce(session(), &mech, m_key.privateKey, kMessage);
    EXPECT_EQ(verifyRsaSha256(m_publicKey.get(), kMessage, sig), "");
}

TEST_F(SignTest, Sha256RsaPkcsMultiPart) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, m_key.privateKey));
    Bytes whole;
    for (const char* part : {"first part, ", "second part, ", "and the last one"}) {
        Bytes chunk(part, part + std::char_traits<char>::length(part));
        whole.insert(whole.end(), chunk.begin(), chunk.end());
        ASSERT_CKR_OK(fl()->C_SignUpdate(session(), chunk.data(), chunk.size()));
    }
    CK_BYTE none = 0;
    ASSERT_CKR_OK(fl()->C_SignUpdate(session(), &none, 0)) << "an empty part";
    CK_ULONG len = 0;
    ASSERT_CKR_OK(fl()->C_SignFinal(session(), nullptr, &len));
    Bytes sig(len);
    ASSERT_CKR_OK(fl()->C_SignFinal(session(), sig.data(), &len));
    sig.resize(len);
    EXPECT_EQ(verifyRsaSha256(m_publicKey.get(), whole, sig), "");
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, fl()->C_SignFinal(session(), sig.data(), &len)) << "ended";
}

TEST_F(SignTest, RsaPss) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_RSA_PKCS_PSS_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, 32};
    CK_MECHANISM mech{CKM_RSA_PKCS_PSS, &params, sizeof params};
    const Bytes hash = sha256(kMessage);
    const Bytes first = signOnce(session(), &mech, m_key.privateKey, hash);
    EXPECT_EQ(verifyRsaPssSha256(m_publicKey.get(), hash, first, 32), "");
    const Bytes second = signOnce(session(), &mech, m_key.privateKey, hash);
    EXPECT_NE(first, second) << "PSS uses a random salt";
}

TEST_F(SignTest, LengthQueryAndBufferTooSmallKeepOperation) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    Bytes input = sha256DigestInfo(kMessage);
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, m_key.privateKey));
    CK_ULONG len = 0;
    ASSERT_CKR_OK(fl()->C_Sign(session(), input.data(), input.size(), nullptr, &len));
    EXPECT_GE(len, rsaBytes());
    Bytes sig(len);
    CK_ULONG tooSmall = 16;
    EXPECT_CKR(CKR_BUFFER_TOO_SMALL,
               fl()->C_Sign(session(), input.data(), input.size(), sig.data(), &tooSmall));
    EXPECT_GE(tooSmall, rsaBytes()) << "BUFFER_TOO_SMALL must report the needed length";
    ASSERT_CKR_OK(fl()->C_Sign(session(), input.data(), input.size(), sig.data(), &len))
        << "the operation must still be active after a length query and BUFFER_TOO_SMALL";
    sig.resize(len);
    EXPECT_EQ(verifyRsaPkcs1Raw(m_publicKey.get(), input, sig), "");
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED,
               fl()->C_Sign(session(), input.data(), input.size(), sig.data(), &len))
        << "a successful C_Sign ends the operation";
}

TEST_F(SignTest, SignInitTwice) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM pkcs{CKM_RSA_PKCS, nullptr, 0};
    CK_MECHANISM sha{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &sha, m_key.privateKey));
    EXPECT_CKR(CKR_OPERATION_ACTIVE, fl()->C_SignInit(session(), &pkcs, m_key.privateKey));
    // The first operation is unaffected.
    Bytes message = kMessage;
    CK_ULONG len = 0;
    ASSERT_CKR_OK(fl()->C_Sign(session(), message.data(), message.size(), nullptr, &len));
    Bytes sig(len);
    ASSERT_CKR_OK(fl()->C_Sign(session(), message.data(), message.size(), sig.data(), &len));
    sig.resize(len);
    EXPECT_EQ(verifyRsaSha256(m_publicKey.get(), kMessage, sig), "");
}

TEST_F(SignTest, SignWithoutInit) {
    Bytes input = kMessage;
    CK_ULONG len = 0;
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED,
               fl()->C_Sign(session(), input.data(), input.size(), nullptr, &len));
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, fl()->C_SignUpdate(session(), input.data(), input.size()));
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, fl()->C_SignFinal(session(), nullptr, &len));
}

TEST_F(SignTest, UpdateOnSinglePartMechanism) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    Bytes input = sha256DigestInfo(kMessage);
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, m_key.privateKey));
    EXPECT_CKR(profile().singlePartSignUpdate, fl()->C_SignUpdate(session(), input.data(), input.size()));
    // Whatever the code, a failed C_SignUpdate ends the operation (§8).
    EXPECT_CKR_OK(fl()->C_SignInit(session(), &mech, m_key.privateKey));
}

TEST_F(SignTest, InitKeyTypeInconsistent) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
    EXPECT_CKR(CKR_KEY_TYPE_INCONSISTENT, fl()->C_SignInit(session(), &ecdsa, m_key.privateKey));
}

TEST_F(SignTest, InitErrors) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM unknown{CKM_VENDOR_DEFINED | 0x4D65u, nullptr, 0};
    EXPECT_CKR(CKR_MECHANISM_INVALID, fl()->C_SignInit(session(), &unknown, m_key.privateKey));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_SignInit(session(), nullptr, m_key.privateKey));
}

TEST_F(SignTest, InitInvalidKeyHandle) {
    CK_MECHANISM pkcs{CKM_RSA_PKCS, nullptr, 0};
    EXPECT_CKR(CKR_KEY_HANDLE_INVALID, fl()->C_SignInit(session(), &pkcs, CK_INVALID_HANDLE));
}

TEST_F(SignTest, RsaPkcsInputTooLong) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_RSA, CKA_SIGN));
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    Bytes input(rsaBytes() - 10, 0x5A);  // PKCS#1 v1.5 allows at most k-11 bytes
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, m_key.privateKey));
    Bytes sig(rsaBytes());
    CK_ULONG len = sig.size();
    EXPECT_CKR(CKR_DATA_LEN_RANGE, fl()->C_Sign(session(), input.data(), input.size(), sig.data(), &len));
}

TEST_F(SignTest, Ecdsa) {
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_EC, CKA_SIGN));
    CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
    const Bytes hash = sha256(kMessage);
    const Bytes sig = signOnce(session(), &mech, m_key.privateKey, hash);
    EXPECT_EQ(sig.size(), 2u * ((EVP_PKEY_get_bits(m_publicKey.get()) + 7) / 8)) << "raw r||s";
    EXPECT_EQ(verifyEcdsaRaw(m_publicKey.get(), hash, sig), "");
}

TEST_F(SignTest, EcdsaSha256) {
    REQUIRE_PROFILE_FACT(ecdsaSha256);
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_EC, CKA_SIGN));
    CK_MECHANISM mech{CKM_ECDSA_SHA256, nullptr, 0};
    const Bytes sig = signOnce(session(), &mech, m_key.privateKey, kMessage);
    EXPECT_EQ(verifyEcdsaRaw(m_publicKey.get(), sha256(kMessage), sig), "");
}

TEST_F(SignTest, EcdsaSha256MultiPart) {
    REQUIRE_PROFILE_FACT(ecdsaSha256);
    ASSERT_NO_FATAL_FAILURE(useKey(CKK_EC, CKA_SIGN));
    CK_MECHANISM mech{CKM_ECDSA_SHA256, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_SignInit(session(), &mech, m_key.privateKey));
    Bytes head(kMessage.begin(), kMessage.begin() + 5);
    Bytes tail(kMessage.begin() + 5, kMessage.end());
    ASSERT_CKR_OK(fl()->C_SignUpdate(session(), head.data(), head.size()));
    ASSERT_CKR_OK(fl()->C_SignUpdate(session(), tail.data(), tail.size()));
    CK_ULONG len = 0;
    ASSERT_CKR_OK(fl()->C_SignFinal(session(), nullptr, &len));
    Bytes sig(len);
    ASSERT_CKR_OK(fl()->C_SignFinal(session(), sig.data(), &len));
    sig.resize(len);
    EXPECT_EQ(verifyEcdsaRaw(m_publicKey.get(), sha256(kMessage), sig), "");
}

}  // namespace
}  // namespace p11test
