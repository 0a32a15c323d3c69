// C_GenerateKeyPair, C_CreateObject (certificates) and C_DestroyObject through the module.
#include <cstring>

#include "p11_fixture.h"

namespace p11test {
namespace {

class CardWriteTest : public P11Test {
protected:
    void SetUp() override {
        P11Test::SetUp();
        initialize();
        m_h = open();
    }
    CK_RV generateEc(uint8_t* id, CK_OBJECT_HANDLE& pub, CK_OBJECT_HANDLE& priv) {
        Bytes params = core::hexBytes("06082A8648CE3D030107");
        CK_MECHANISM m{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        std::vector<CK_ATTRIBUTE> pubT{{CKA_EC_PARAMS, params.data(), params.size()}};
        if (id) pubT.push_back({CKA_ID, id, 1});
        CK_BBOOL t = CK_TRUE;
        CK_ATTRIBUTE privT[] = {{CKA_SIGN, &t, 1}};
        return m_fl->C_GenerateKeyPair(m_h, &m, pubT.data(), pubT.size(), privT, 1, &pub, &priv);
    }
    CK_SESSION_HANDLE m_h = 0;
};

TEST_F(CardWriteTest, GenerateNeedsManagementKey) {
    CK_OBJECT_HANDLE pub = 0, priv = 0;
    uint8_t id = 0x02;
    EXPECT_EQ(generateEc(&id, pub, priv), CKR_USER_NOT_LOGGED_IN);
    ASSERT_EQ(login(m_h, CKU_SO, kPuk), CKR_OK);
    EXPECT_EQ(generateEc(&id, pub, priv), CKR_USER_NOT_LOGGED_IN);  // the PUK does not authorise keygen
}

TEST_F(CardWriteTest, GenerateImportAndDeleteCertificate) {
    ASSERT_EQ(login(m_h, CKU_SO, kMgmtKeyHex), CKR_OK);
    CK_OBJECT_HANDLE pub = 0, priv = 0;
    uint8_t id = 0x02;
    ASSERT_EQ(generateEc(&id, pub, priv), CKR_OK);
    EXPECT_NE(pub, priv);
    EXPECT_EQ(attribute(m_h, pub, CKA_ID), Bytes{0x02});
    Bytes spki = attribute(m_h, pub, CKA_PUBLIC_KEY_INFO);
    // Without CKA_ID: the first free slot (9A).
    CK_OBJECT_HANDLE pub2 = 0, priv2 = 0;
    ASSERT_EQ(generateEc(nullptr, pub2, priv2), CKR_OK);
    EXPECT_EQ(attribute(m_h, pub2, CKA_ID), Bytes{0x01});

    Bytes der = makeCertificate(spki, "generated in 9C");
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL t = CK_TRUE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                           {CKA_TOKEN, &t, 1}, {CKA_ID, &id, 1}, {CKA_VALUE, der.data(), der.size()}};
    CK_OBJECT_HANDLE cert = 0;
    // A certificate for another key is refused.
    uint8_t other = 0x01;
    tmpl[3].pValue = &other;
    EXPECT_EQ(m_fl->C_CreateObject(m_h, tmpl, 5, &cert), CKR_ATTRIBUTE_VALUE_INVALID);
    tmpl[3].pValue = &id;
    ASSERT_EQ(m_fl->C_CreateObject(m_h, tmpl, 5, &cert), CKR_OK);
    EXPECT_EQ(attribute(m_h, cert, CKA_VALUE), der);
    EXPECT_EQ(findOne(m_h, CKO_CERTIFICATE, 0x02), cert);

    // Another session sees it at once.
    CK_SESSION_HANDLE other2 = open();
    EXPECT_EQ(findOne(other2, CKO_CERTIFICATE, 0x02), cert);

    ASSERT_EQ(m_fl->C_DestroyObject(m_h, cert), CKR_OK);
    CK_OBJECT_CLASS c = CKO_CERTIFICATE;
    EXPECT_TRUE(find(m_h, {{CKA_CLASS, &c, sizeof c}}).empty());
    EXPECT_EQ(m_fl->C_DestroyObject(m_h, pub), CKR_ACTION_PROHIBITED);
    // Still gone for a fresh reader of the card (another process).
    ASSERT_EQ(m_fl->C_Finalize(nullptr), CKR_OK);
    initialize();
    CK_SESSION_HANDLE fresh = open();
    EXPECT_TRUE(find(fresh, {{CKA_CLASS, &c, sizeof c}}).empty());
}

TEST_F(CardWriteTest, TemplateChecks) {
    ASSERT_EQ(login(m_h, CKU_SO, kMgmtKeyHex), CKR_OK);
    CK_MECHANISM rsa{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    CK_ULONG bits = 1536;
    CK_ATTRIBUTE pubT[] = {{CKA_MODULUS_BITS, &bits, sizeof bits}};
    CK_OBJECT_HANDLE a, b;
    EXPECT_EQ(m_fl->C_GenerateKeyPair(m_h, &rsa, pubT, 1, nullptr, 0, &a, &b), CKR_KEY_SIZE_RANGE);
    EXPECT_EQ(m_fl->C_GenerateKeyPair(m_h, &rsa, nullptr, 0, nullptr, 0, &a, &b), CKR_TEMPLATE_INCOMPLETE);
    CK_MECHANISM ec{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    Bytes k1 = core::hexBytes("06052B8104000A");  // secp256k1
    CK_ATTRIBUTE ecT[] = {{CKA_EC_PARAMS, k1.data(), k1.size()}};
    EXPECT_EQ(m_fl->C_GenerateKeyPair(m_h, &ec, ecT, 1, nullptr, 0, &a, &b), CKR_CURVE_NOT_SUPPORTED);
    CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
    CK_ATTRIBUTE sk[] = {{CKA_CLASS, &secret, sizeof secret}};
    EXPECT_EQ(m_fl->C_CreateObject(m_h, sk, 1, &a), CKR_TEMPLATE_INCONSISTENT);
    CK_OBJECT_CLASS data = CKO_DATA;
    CK_ATTRIBUTE d[] = {{CKA_CLASS, &data, sizeof data}};
    EXPECT_EQ(m_fl->C_CreateObject(m_h, d, 1, &a), CKR_TEMPLATE_INCOMPLETE) << "a data object needs CKA_VALUE";
    CK_MECHANISM_INFO mi;
    CK_SLOT_ID id = 0;
    CK_ULONG n = 1;
    ASSERT_EQ(m_fl->C_GetSlotList(CK_TRUE, &id, &n), CKR_OK);
    ASSERT_EQ(m_fl->C_GetMechanismInfo(id, CKM_EC_KEY_PAIR_GEN, &mi), CKR_OK);
    EXPECT_TRUE(mi.flags & CKF_GENERATE_KEY_PAIR);
}

}  // namespace
}  // namespace p11test
