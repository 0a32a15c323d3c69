// Issue 9: a key whose certificate proves it is listed without GET METADATA; its PIN policy and origin
// (CKA_ALWAYS_AUTHENTICATE, CKA_LOCAL, CKA_KEY_GEN_MECHANISM) are read once, when an attribute, a search
// template or a key operation needs them, and are then exact.
#include <cstring>

#include "card-apps/piv/piv_application.h"
#include "p11_fixture.h"

namespace p11test {
namespace {

using cardapp::KeyAlgorithm;

class KeyDetailsTest : public P11Test {
protected:
    void SetUp() override {
        P11Test::SetUp();
        // 9A with PIN policy "always" (not the slot's default "once"), generated on the card by another
        // program, with a certificate: nothing but GET METADATA tells the policy.
        testsupport::FakeReaderBackend other(m_world);
        auto transport = other.connect("Reader A");
        ASSERT_TRUE(transport) << transport.error().describe();
        piv::PivApplication app(**transport);
        Bytes key;
        core::fromHex(kMgmtKeyHex, key);
        ASSERT_TRUE(app.authenticateAdmin(key));
        piv::GenerateOptions opts;
        opts.pinPolicy = piv::PinPolicyByte::Always;
        auto k = app.generateKey(0x9A, KeyAlgorithm::EcP256, opts);
        ASSERT_TRUE(k) << k.error().describe();
        m_spki = k->publicKeyInfo;
        ASSERT_TRUE(app.writeCertificate(0x9A, makeCertificate(m_spki, "Always")));
        initialize();
    }
    uint64_t apdus() const { return m_card->apduCount(); }
    Bytes m_spki;
};

TEST_F(KeyDetailsTest, ListingLeavesMetadataForTheAttributesThatNeedIt) {
    CK_SESSION_HANDLE h = open(false);
    const auto all = find(h);  // profile, certificate, public key, 3 data objects
    ASSERT_EQ(all.size(), 6u);
    const CK_OBJECT_HANDLE pub = findOne(h, CKO_PUBLIC_KEY, 0x01);
    // Attributes the certificate answers: no APDU.
    uint64_t before = apdus();
    EXPECT_EQ(attribute(h, pub, CKA_EC_PARAMS), core::hexBytes("06082A8648CE3D030107"));
    EXPECT_EQ(apdus(), before);
    // CKA_LOCAL needs the key's origin: exactly one GET METADATA, then known.
    EXPECT_EQ(attribute(h, pub, CKA_LOCAL), Bytes{CK_TRUE});
    EXPECT_EQ(apdus(), before + 1);
    CK_MECHANISM_TYPE gen = 0;
    const Bytes genBytes = attribute(h, pub, CKA_KEY_GEN_MECHANISM);
    ASSERT_EQ(genBytes.size(), sizeof gen);
    std::memcpy(&gen, genBytes.data(), sizeof gen);
    EXPECT_EQ(gen, CKM_EC_KEY_PAIR_GEN);
    loginUser(h);
    before = apdus();
    const CK_OBJECT_HANDLE priv = findOne(h, CKO_PRIVATE_KEY, 0x01);
    EXPECT_EQ(attribute(h, priv, CKA_ALWAYS_AUTHENTICATE), Bytes{CK_TRUE});
    EXPECT_EQ(apdus(), before) << "the policy came with the origin";
}

TEST_F(KeyDetailsTest, SearchByAlwaysAuthenticateReadsThePolicy) {
    CK_SESSION_HANDLE h = open(false);
    loginUser(h);
    CK_BBOOL yes = CK_TRUE;
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    auto found = find(h, {{CKA_CLASS, &cls, sizeof cls}, {CKA_ALWAYS_AUTHENTICATE, &yes, sizeof yes}});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(attribute(h, found[0], CKA_ID), Bytes{0x01});
}

TEST_F(KeyDetailsTest, SignInitLearnsThePolicyBeforeTheCardIsAsked) {
    CK_SESSION_HANDLE h = open(false);
    loginUser(h);
    const CK_OBJECT_HANDLE priv = findOne(h, CKO_PRIVATE_KEY, 0x01);  // no detail asked yet
    CK_MECHANISM m{CKM_ECDSA, nullptr, 0};
    const Bytes hash = sha256(Bytes{'a', 'b', 'c'});
    Bytes sig(64);
    CK_ULONG n = sig.size();
    ASSERT_EQ(m_fl->C_SignInit(h, &m, priv), CKR_OK);
    // Without the context-specific login the module refuses before sending GENERAL AUTHENTICATE.
    EXPECT_EQ(m_fl->C_Sign(h, const_cast<uint8_t*>(hash.data()), hash.size(), sig.data(), &n),
              CKR_USER_NOT_LOGGED_IN);
    ASSERT_EQ(m_fl->C_SignInit(h, &m, priv), CKR_OK);
    ASSERT_EQ(login(h, CKU_CONTEXT_SPECIFIC, kPin), CKR_OK);
    n = sig.size();
    ASSERT_EQ(m_fl->C_Sign(h, const_cast<uint8_t*>(hash.data()), hash.size(), sig.data(), &n), CKR_OK);
    sig.resize(n);
    EXPECT_TRUE(verifyEcdsaRaw(m_spki, hash, sig));
}

}  // namespace
}  // namespace p11test
