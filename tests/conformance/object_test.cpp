// C_GetAttributeValue rules, private-key attributes and C_FindObjects (specs/pkcs11.md §6.4, §6.6, §6.7).
#include <algorithm>

#include "test_keys.h"

namespace p11test {
namespace {

constexpr CK_ATTRIBUTE_TYPE kUnknownAttribute = CKA_VENDOR_DEFINED | 0x4D65u;

class AttributeTest : public KeyTest {
  protected:
    void SetUp() override {
        KeyTest::SetUp();
        if (!HasFatalFailure()) useKey(CKK_RSA, CKA_SIGN);
    }
};

TEST_F(AttributeTest, SensitiveAttribute) {
    CK_ATTRIBUTE a{CKA_PRIVATE_EXPONENT, nullptr, 0};
    EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE, fl()->C_GetAttributeValue(session(), m_key.privateKey, &a, 1));
    EXPECT_EQ(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    Bytes buf(1024);
    CK_ATTRIBUTE b{CKA_PRIVATE_EXPONENT, buf.data(), buf.size()};
    EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE, fl()->C_GetAttributeValue(session(), m_key.privateKey, &b, 1));
    EXPECT_EQ(b.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(AttributeTest, UnknownAttributeType) {
    Bytes buf(64);
    CK_ATTRIBUTE a{kUnknownAttribute, buf.data(), buf.size()};
    EXPECT_CKR(CKR_ATTRIBUTE_TYPE_INVALID, fl()->C_GetAttributeValue(session(), m_key.publicKey, &a, 1));
    EXPECT_EQ(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(AttributeTest, LengthQueryAndBufferTooSmall) {
    const CK_ULONG bits = attributeUlong(session(), m_key.publicKey, CKA_MODULUS_BITS);
    CK_ATTRIBUTE a{CKA_MODULUS, nullptr, 0};
    ASSERT_CKR_OK(fl()->C_GetAttributeValue(session(), m_key.publicKey, &a, 1));
    EXPECT_EQ(a.ulValueLen, (bits + 7) / 8) << "exact length, no leading zero";
    Bytes small(8);
    CK_ATTRIBUTE b{CKA_MODULUS, small.data(), small.size()};
    EXPECT_CKR(CKR_BUFFER_TOO_SMALL, fl()->C_GetAttributeValue(session(), m_key.publicKey, &b, 1));
    EXPECT_EQ(b.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(AttributeTest, WholeTemplateIsProcessed) {
    CK_KEY_TYPE keyType = CK_UNAVAILABLE_INFORMATION;
    CK_OBJECT_CLASS cls = CK_UNAVAILABLE_INFORMATION;
    Bytes exponent(512);
    CK_ATTRIBUTE tmpl[] = {
        {CKA_PRIVATE_EXPONENT, exponent.data(), exponent.size()},  // sensitive
        {CKA_KEY_TYPE, &keyType, sizeof keyType},                  // fine
        {kUnknownAttribute, nullptr, 0},                           // no such attribute
        {CKA_MODULUS, nullptr, 0},                                 // length query
        {CKA_CLASS, &cls, sizeof cls},                             // fine, after the errors
    };
    const CK_RV rv = fl()->C_GetAttributeValue(session(), m_key.privateKey, tmpl, 5);
    EXPECT_TRUE(rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID)
        << "expected CKR_ATTRIBUTE_SENSITIVE or CKR_ATTRIBUTE_TYPE_INVALID, got " << ckrName(rv);
    EXPECT_EQ(tmpl[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    EXPECT_EQ(keyType, CKK_RSA);
    EXPECT_EQ(tmpl[1].ulValueLen, sizeof keyType);
    EXPECT_EQ(tmpl[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    EXPECT_EQ(tmpl[3].ulValueLen, attributeBytes(session(), m_key.publicKey, CKA_MODULUS).size());
    EXPECT_EQ(cls, CKO_PRIVATE_KEY);
}

TEST_F(AttributeTest, PrivateKeyAttributes) {
    const CK_OBJECT_HANDLE k = m_key.privateKey;
    EXPECT_TRUE(attributeBool(session(), k, CKA_SENSITIVE));
    EXPECT_FALSE(attributeBool(session(), k, CKA_EXTRACTABLE));
    EXPECT_TRUE(attributeBool(session(), k, CKA_ALWAYS_SENSITIVE));
    EXPECT_TRUE(attributeBool(session(), k, CKA_NEVER_EXTRACTABLE));
    EXPECT_TRUE(attributeBool(session(), k, CKA_PRIVATE));
    EXPECT_TRUE(attributeBool(session(), k, CKA_TOKEN));
    for (CK_ATTRIBUTE_TYPE secret :
         {CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT}) {
        CK_RV rv = CKR_OK;
        attributeBytes(session(), k, secret, &rv);
        EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE, rv) << " attribute 0x" << std::hex << secret;
    }
    // Public parts stay readable on the private key and match the public key object.
    EXPECT_EQ(attributeBytes(session(), k, CKA_MODULUS),
              attributeBytes(session(), m_key.publicKey, CKA_MODULUS));
    EXPECT_EQ(attributeBytes(session(), k, CKA_PUBLIC_EXPONENT),
              attributeBytes(session(), m_key.publicKey, CKA_PUBLIC_EXPONENT));
    EXPECT_EQ(attributeBytes(session(), k, CKA_ID), attributeBytes(session(), m_key.publicKey, CKA_ID));
}

TEST_F(AttributeTest, Errors) {
    CK_KEY_TYPE keyType = 0;
    CK_ATTRIBUTE a{CKA_KEY_TYPE, &keyType, sizeof keyType};
    EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, fl()->C_GetAttributeValue(session(), CK_INVALID_HANDLE, &a, 1));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetAttributeValue(session(), m_key.publicKey, nullptr, 1));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID,
               fl()->C_GetAttributeValue(CK_INVALID_HANDLE, m_key.publicKey, &a, 1));
}

using FindTest = AttributeTest;

TEST_F(FindTest, OneFindPerSession) {
    ASSERT_CKR_OK(fl()->C_FindObjectsInit(session(), nullptr, 0));
    EXPECT_CKR(CKR_OPERATION_ACTIVE, fl()->C_FindObjectsInit(session(), nullptr, 0));
    CK_OBJECT_HANDLE found[4];
    CK_ULONG n = 0;
    EXPECT_CKR_OK(fl()->C_FindObjects(session(), found, 4, &n)) << "the first search stays active";
    EXPECT_GE(n, 1u);
    EXPECT_CKR_OK(fl()->C_FindObjectsFinal(session()));
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, fl()->C_FindObjects(session(), found, 4, &n));
    EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, fl()->C_FindObjectsFinal(session()));
}

TEST_F(FindTest, SearchesInOtherSessionsAreIndependent) {
    Session other(m_slot);
    ASSERT_CKR_OK(other.openResult());
    ASSERT_CKR_OK(fl()->C_FindObjectsInit(session(), nullptr, 0));
    EXPECT_CKR_OK(fl()->C_FindObjectsInit(other.handle(), nullptr, 0));
    EXPECT_CKR_OK(fl()->C_FindObjectsFinal(other.handle()));
    EXPECT_CKR_OK(fl()->C_FindObjectsFinal(session()));
}

TEST_F(FindTest, TemplateMatchesExactly) {
    const Bytes id = attributeBytes(session(), m_key.privateKey, CKA_ID);
    const CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY;
    const auto found = findObjects(session(), {attr(CKA_CLASS, priv), attr(CKA_ID, id)});
    EXPECT_NE(std::find(found.begin(), found.end(), m_key.privateKey), found.end());
    Bytes longer = id;
    longer.push_back(0x00);
    EXPECT_TRUE(findObjects(session(), {attr(CKA_CLASS, priv), attr(CKA_ID, longer)}).empty());
}

TEST_F(FindTest, PrivateObjectsHiddenBeforeLogin) {
    const CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY;
    const CK_OBJECT_CLASS pub = CKO_PUBLIC_KEY;
    ASSERT_FALSE(findObjects(session(), {attr(CKA_CLASS, priv)}).empty());
    ASSERT_CKR_OK(fl()->C_Logout(session()));
    EXPECT_TRUE(findObjects(session(), {attr(CKA_CLASS, priv)}).empty())
        << "private keys visible without login";
    const auto pubs = findObjects(session(), {attr(CKA_CLASS, pub)});
    EXPECT_NE(std::find(pubs.begin(), pubs.end(), m_key.publicKey), pubs.end())
        << "public keys must be visible without login";
    CK_KEY_TYPE keyType = 0;
    CK_ATTRIBUTE a{CKA_KEY_TYPE, &keyType, sizeof keyType};
    EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, fl()->C_GetAttributeValue(session(), m_key.privateKey, &a, 1))
        << "a private object's handle must not work after logout";
}

}  // namespace
}  // namespace p11test
