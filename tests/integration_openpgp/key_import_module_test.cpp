// C_CreateObject(CKO_PRIVATE_KEY) through libmesign-pkcs11.so and pcscd into a virtual PIV + OpenPGP card:
// keys made by OpenSSL on the test's side are imported (PIV: SO = management key; OpenPGP: SO = PW3), then
// sign on the card, and OpenSSL verifies the signature with the original public key. Every refusal is
// checked with its exact CKR code; the imported key reports CKA_LOCAL, CKA_ALWAYS_SENSITIVE and
// CKA_NEVER_EXTRACTABLE false (PKCS#11 §4.9).
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "card-apps/common/private_key_der.h"
#include "tests/integration_openpgp/openpgp_module_fixture.h"

namespace itest {
namespace {

namespace hc = hostcrypto;

const Bytes kData = {'i', 'm', 'p', 'o', 'r', 't', 'e', 'd'};
const Bytes kP256 = core::hexBytes("06082A8648CE3D030107");

// An owned PKCS#11 template for a private key, built from OpenSSL's components of a host key.
class KeyTemplate {
  public:
    KeyTemplate(const cardapp::PrivateKeyComponents& k, std::optional<uint8_t> id) {
        add(CKA_CLASS, ulong(CKO_PRIVATE_KEY));
        add(CKA_TOKEN, Bytes{CK_TRUE});
        add(CKA_SENSITIVE, Bytes{CK_TRUE});
        add(CKA_EXTRACTABLE, Bytes{CK_FALSE});
        add(CKA_LABEL, Bytes{'i', 'm', 'p'});
        if (id) add(CKA_ID, Bytes{*id});
        if (cardapp::isRsa(k.algorithm)) {
            add(CKA_KEY_TYPE, ulong(CKK_RSA));
            add(CKA_MODULUS, k.modulus);
            add(CKA_PUBLIC_EXPONENT, k.publicExponent);
            add(CKA_PRIME_1, Bytes(k.p.begin(), k.p.end()));
            add(CKA_PRIME_2, Bytes(k.q.begin(), k.q.end()));
            add(CKA_EXPONENT_1, Bytes(k.dp.begin(), k.dp.end()));
            add(CKA_EXPONENT_2, Bytes(k.dq.begin(), k.dq.end()));
            add(CKA_COEFFICIENT, Bytes(k.qinv.begin(), k.qinv.end()));
        } else {
            add(CKA_KEY_TYPE, ulong(CKK_EC));
            add(CKA_EC_PARAMS, kP256);
            add(CKA_VALUE, Bytes(k.scalar.begin(), k.scalar.end()));
        }
    }
    void set(CK_ATTRIBUTE_TYPE t, Bytes v) {
        for (auto& [type, value] : m_values)
            if (type == t) {
                value = std::move(v);
                return;
            }
        add(t, std::move(v));
    }
    void drop(CK_ATTRIBUTE_TYPE t) {
        std::erase_if(m_values, [&](const auto& a) { return a.first == t; });
    }
    std::vector<CK_ATTRIBUTE> attrs() {
        std::vector<CK_ATTRIBUTE> out;
        for (auto& [type, value] : m_values) out.push_back({type, value.data(), value.size()});
        return out;
    }
    static Bytes ulong(CK_ULONG v) {
        Bytes b(sizeof v);
        std::memcpy(b.data(), &v, sizeof v);
        return b;
    }

  private:
    void add(CK_ATTRIBUTE_TYPE t, Bytes v) { m_values.emplace_back(t, std::move(v)); }
    std::vector<std::pair<CK_ATTRIBUTE_TYPE, Bytes>> m_values;
};

class KeyImportModuleTest : public OpenPgpModuleFixture {
  protected:
    // The fixture's card, with a fault-control file so that a test can make the card fail a command.
    void SetUp() override {
        VcardFixture::SetUp();
        if (HasFatalFailure()) return;
        setenv("MESIGN_CACHE", "off", 1);
        ASSERT_NO_FATAL_FAILURE(
            insertCard({"--init", "piv,openpgp", "--once", "--fault-control", path("faults").string()}));
    }
    // A fresh host key: its components and its SPKI.
    static std::pair<cardapp::PrivateKeyComponents, Bytes> hostKey(const std::string& kind) {
        auto [der, spki] = hc::newPrivateKey(kind);
        auto k = cardapp::componentsFromDer(der);
        EXPECT_TRUE(k) << kind;
        return {k ? std::move(*k) : cardapp::PrivateKeyComponents{}, spki};
    }
    CK_RV create(CK_SESSION_HANDLE h, KeyTemplate& t, CK_OBJECT_HANDLE* out = nullptr) {
        CK_OBJECT_HANDLE o = 0;
        auto a = t.attrs();
        CK_RV rv = p11()->C_CreateObject(h, a.data(), a.size(), &o);
        if (out) *out = o;
        return rv;
    }
    bool boolAttr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t) {
        const Bytes v = attribute(h, o, t);
        EXPECT_EQ(v.size(), 1u) << "attribute 0x" << std::hex << t;
        return v.size() == 1 && v[0];
    }
    void expectImportedKey(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o) {
        // Asked one by one, CKA_LOCAL last: each must come from the card's record of the key's origin on its
        // own (not only after another attribute made the module read it).
        EXPECT_FALSE(boolAttr(h, o, CKA_ALWAYS_SENSITIVE));
        EXPECT_FALSE(boolAttr(h, o, CKA_NEVER_EXTRACTABLE));
        EXPECT_FALSE(boolAttr(h, o, CKA_LOCAL));
        EXPECT_TRUE(boolAttr(h, o, CKA_SENSITIVE));
        EXPECT_FALSE(boolAttr(h, o, CKA_EXTRACTABLE));
        EXPECT_TRUE(boolAttr(h, o, CKA_TOKEN));
        // The secret components are never readable.
        const Bytes type = attribute(h, o, CKA_KEY_TYPE);
        const bool rsa = type == KeyTemplate::ulong(CKK_RSA);
        CK_ATTRIBUTE a{rsa ? CKA_PRIME_1 : CKA_VALUE, nullptr, 0};
        EXPECT_EQ(p11()->C_GetAttributeValue(h, o, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
    }
};

TEST_F(KeyImportModuleTest, PivRsaKeySignsAndShowsInEverySession) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    auto [key, spki] = hostKey("RSA");
    CK_SESSION_HANDLE other = open(pivSlot());
    CK_SESSION_HANDLE h = open(pivSlot());
    ASSERT_EQ(login(h, CKU_SO, kManagementKey), CKR_OK);
    KeyTemplate t(key, 0x02);  // 9C
    CK_OBJECT_HANDLE o = 0;
    ASSERT_EQ(create(h, t, &o), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);

    // Private objects show to the user: log in and look from the other session.
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    auto found = find(other, CKO_PRIVATE_KEY, 0x02);
    ASSERT_TRUE(found) << "the new key shows at once in another session";
    EXPECT_EQ(*found, o) << "the handle C_CreateObject returned";
    expectImportedKey(other, o);
    EXPECT_EQ(attribute(other, o, CKA_PUBLIC_KEY_INFO), spki);
    EXPECT_EQ(attribute(other, o, CKA_MODULUS), key.modulus);
    Bytes sig;
    ASSERT_EQ(sign(h, 0x02, CKM_SHA256_RSA_PKCS, kData, sig), CKR_OK);
    EXPECT_TRUE(hc::verify(spki, "SHA256", kData, sig)) << "signature checked against the original key";
}

TEST_F(KeyImportModuleTest, PivEcKeyGoesToTheFirstFreeSlot) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    auto [key, spki] = hostKey("P-256");
    CK_SESSION_HANDLE h = open(pivSlot());
    ASSERT_EQ(login(h, CKU_SO, kManagementKey), CKR_OK);
    KeyTemplate t(key, std::nullopt);
    CK_OBJECT_HANDLE o = 0;
    ASSERT_EQ(create(h, t, &o), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    EXPECT_EQ(attribute(h, o, CKA_ID), Bytes{0x01}) << "9A, the first free slot of a fresh card";
    EXPECT_EQ(attribute(h, o, CKA_PUBLIC_KEY_INFO), spki) << "from the card's metadata";
    EXPECT_EQ(attribute(h, o, CKA_EC_PARAMS), kP256);
    expectImportedKey(h, o);
    Bytes sig;
    ASSERT_EQ(sign(h, 0x01, CKM_ECDSA, hc::sha256(kData), sig), CKR_OK);
    EXPECT_TRUE(hc::verifyEcdsaRawHash(spki, hc::sha256(kData), sig));
}

// An EC key given without its point replaces a key whose certificate is still in the slot: the module takes
// the new public key from the card (GET METADATA), so the new key's certificate is accepted and the old
// one's refused.
TEST_F(KeyImportModuleTest, PivKeyReplacedUnderAnOldCertificate) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    auto [rsa, rsaSpki] = hostKey("RSA");
    auto [ec, ecSpki] = hostKey("P-256");
    CK_SESSION_HANDLE h = open(pivSlot());
    ASSERT_EQ(login(h, CKU_SO, kManagementKey), CKR_OK);
    auto writeCert = [&](const Bytes& der) {
        CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
        CK_CERTIFICATE_TYPE ct = CKC_X_509;
        CK_BBOOL yes = CK_TRUE;
        CK_BYTE id = 0x01;
        CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                            {CKA_TOKEN, &yes, sizeof yes},
                            {CKA_ID, &id, 1},
                            {CKA_VALUE, const_cast<uint8_t*>(der.data()), der.size()}};
        CK_OBJECT_HANDLE o = 0;
        return p11()->C_CreateObject(h, t, 5, &o);
    };
    KeyTemplate first(rsa, 0x01);
    ASSERT_EQ(create(h, first), CKR_OK);
    const Bytes rsaCert = hc::certificateFor(rsaSpki, "old key");
    ASSERT_EQ(writeCert(rsaCert), CKR_OK);
    KeyTemplate second(ec, 0x01);  // no CKA_PUBLIC_KEY_INFO
    ASSERT_EQ(create(h, second), CKR_OK);
    EXPECT_EQ(writeCert(rsaCert), CKR_ATTRIBUTE_VALUE_INVALID) << "the old key's certificate";
    EXPECT_EQ(writeCert(hc::certificateFor(ecSpki, "new key")), CKR_OK);
    // A key with its certificate, listed afresh: still reported as imported.
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    auto key = find(h, CKO_PRIVATE_KEY, 0x01);
    ASSERT_TRUE(key);
    expectImportedKey(h, *key);
    EXPECT_EQ(attribute(h, *key, CKA_PUBLIC_KEY_INFO), ecSpki);
}

TEST_F(KeyImportModuleTest, PivRefusalsWithExactCodes) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    auto [rsa, rsaSpki] = hostKey("RSA");
    auto [other, otherSpki] = hostKey("RSA");
    auto [ec, ecSpki] = hostKey("P-256");

    CK_SESSION_HANDLE ro = open(pivSlot(), false);
    KeyTemplate good(rsa, 0x03);
    EXPECT_EQ(create(ro, good), CKR_SESSION_READ_ONLY);
    ASSERT_EQ(p11()->C_CloseSession(ro), CKR_OK);
    CK_SESSION_HANDLE h = open(pivSlot());
    EXPECT_EQ(create(h, good), CKR_USER_NOT_LOGGED_IN);
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    EXPECT_EQ(create(h, good), CKR_USER_NOT_LOGGED_IN) << "the user is not the SO";
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_SO, kManagementKey), CKR_OK);

    auto expect = [&](CK_RV want, auto&& change, const char* what) {
        KeyTemplate t(rsa, 0x03);
        change(t);
        EXPECT_EQ(create(h, t), want) << what;
    };
    expect(
        CKR_TEMPLATE_INCOMPLETE, [](KeyTemplate& t) { t.drop(CKA_COEFFICIENT); }, "no CKA_COEFFICIENT");
    expect(
        CKR_TEMPLATE_INCOMPLETE, [](KeyTemplate& t) { t.drop(CKA_MODULUS); }, "no CKA_MODULUS");
    expect(
        CKR_TEMPLATE_INCOMPLETE, [](KeyTemplate& t) { t.drop(CKA_KEY_TYPE); }, "no CKA_KEY_TYPE");
    expect(
        CKR_TEMPLATE_INCONSISTENT, [](KeyTemplate& t) { t.set(CKA_TOKEN, {CK_FALSE}); }, "session key");
    expect(
        CKR_TEMPLATE_INCONSISTENT, [](KeyTemplate& t) { t.set(CKA_EXTRACTABLE, {CK_TRUE}); }, "extractable");
    expect(
        CKR_TEMPLATE_INCONSISTENT, [](KeyTemplate& t) { t.set(CKA_SENSITIVE, {CK_FALSE}); }, "not sensitive");
    expect(
        CKR_ATTRIBUTE_READ_ONLY, [](KeyTemplate& t) { t.set(CKA_LOCAL, {CK_FALSE}); }, "CKA_LOCAL");
    expect(
        CKR_ATTRIBUTE_VALUE_INVALID, [](KeyTemplate& t) { t.set(CKA_ID, {0x30}); }, "no such slot");
    expect(
        CKR_ATTRIBUTE_VALUE_INVALID,
        [&](KeyTemplate& t) { t.set(CKA_PRIME_1, Bytes(other.p.begin(), other.p.end())); },
        "p of another key: p*q != n");
    expect(
        CKR_ATTRIBUTE_VALUE_INVALID,
        [&](KeyTemplate& t) { t.set(CKA_MODULUS, Bytes(rsa.modulus.begin(), rsa.modulus.begin() + 192)); },
        "RSA-1536 is no PIV size");
    expect(
        CKR_ATTRIBUTE_VALUE_INVALID, [](KeyTemplate& t) { t.set(CKA_KEY_TYPE, KeyTemplate::ulong(CKK_DSA)); },
        "DSA");
    {
        KeyTemplate t(ec, 0x03);
        t.set(CKA_EC_PARAMS, core::hexBytes("06052B8104000A"));  // secp256k1
        EXPECT_EQ(create(h, t), CKR_ATTRIBUTE_VALUE_INVALID) << "curve the card does not take";
        t.set(CKA_EC_PARAMS, kP256);
        t.drop(CKA_VALUE);
        EXPECT_EQ(create(h, t), CKR_TEMPLATE_INCOMPLETE) << "EC key without CKA_VALUE";
        t.set(CKA_VALUE, Bytes(33, 0x01));
        EXPECT_EQ(create(h, t), CKR_ATTRIBUTE_VALUE_INVALID) << "scalar longer than the field";
    }
    // Nothing was written by any of these.
    EXPECT_FALSE(find(h, CKO_PRIVATE_KEY, 0x03));
}

TEST_F(KeyImportModuleTest, PivCardErrorIsDeviceError) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    auto [key, spki] = hostKey("P-256");
    CK_SESSION_HANDLE h = open(pivSlot());
    ASSERT_EQ(login(h, CKU_SO, kManagementKey), CKR_OK);
    // The card fails the IMPORT command (6F00).
    std::ofstream(path("faults"), std::ios::app) << "sw6f00 ins=FE\n";
    KeyTemplate t(key, 0x01);
    EXPECT_EQ(create(h, t), CKR_DEVICE_ERROR);
    EXPECT_FALSE(find(h, CKO_PRIVATE_KEY, 0x01));
}

TEST_F(KeyImportModuleTest, OpenPgpKeysWithTheAdminPin) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    auto [ec, ecSpki] = hostKey("P-256");
    auto [rsa, rsaSpki] = hostKey("RSA");
    CK_SESSION_HANDLE h = open(pgpSlot());
    KeyTemplate sig(ec, 0x01), aut(rsa, 0x03);
    EXPECT_EQ(create(h, sig), CKR_USER_NOT_LOGGED_IN);
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    CK_OBJECT_HANDLE sigKey = 0, autKey = 0;
    ASSERT_EQ(create(h, sig, &sigKey), CKR_OK);
    ASSERT_EQ(create(h, aut, &autKey), CKR_OK);
    auto [small, smallSpki] = hostKey("RSA1024");
    KeyTemplate tooSmall(small, 0x02);
    EXPECT_EQ(create(h, tooSmall), CKR_ATTRIBUTE_VALUE_INVALID) << "RSA-1024 is not an OpenPGP key size here";
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);

    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    expectImportedKey(h, sigKey);
    EXPECT_EQ(attribute(h, sigKey, CKA_PUBLIC_KEY_INFO), ecSpki) << "read back from the card";
    expectImportedKey(h, autKey);
    EXPECT_EQ(attribute(h, autKey, CKA_PUBLIC_KEY_INFO), rsaSpki);
    Bytes s;
    ASSERT_EQ(sign(h, 0x01, CKM_ECDSA, hc::sha256(kData), s), CKR_OK);
    EXPECT_TRUE(hc::verifyEcdsaRawHash(ecSpki, hc::sha256(kData), s));
    ASSERT_EQ(sign(h, 0x03, CKM_SHA256_RSA_PKCS, kData, s), CKR_OK);
    EXPECT_TRUE(hc::verify(rsaSpki, "SHA256", kData, s));
}

}  // namespace
}  // namespace itest
