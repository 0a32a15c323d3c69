// The module over a card with PIV and OpenPGP: two tokens, OpenPGP keys generated through C_GenerateKeyPair
// (SO = PW3), certificate import, signatures (RSA, P-256, Ed25519) verified with OpenSSL, RSA decryption and
// ECDH (P-256, X25519) against OpenSSL, and the PIV token still working from the same process.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>

#include "p11_fixture.h"
#include "vcard/open_card.h"

namespace p11test {
namespace {

const std::string kPw3 = "12345678";
const Bytes kMsg = {'o', 'p', 'e', 'n', 'p', 'g', 'p'};

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Pkey spkiKey(ByteView der) {
    const unsigned char* p = der.data();
    return Pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())), EVP_PKEY_free);
}

bool verifyEd25519(ByteView spki, ByteView msg, ByteView sig) {
    Pkey key = spkiKey(spki);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return key && EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
           EVP_DigestVerify(md.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

// X25519 with a fresh host key: {host public key (32 bytes), shared secret}.
std::pair<Bytes, Bytes> x25519WithHostKey(ByteView spki) {
    Pkey peer = spkiKey(spki);
    Pkey mine(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"), EVP_PKEY_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(mine.get(), nullptr),
                                                                  EVP_PKEY_CTX_free);
    std::size_t n = 32;
    Bytes secret(32), pub(32);
    EVP_PKEY_derive_init(ctx.get());
    EVP_PKEY_derive_set_peer(ctx.get(), peer.get());
    EVP_PKEY_derive(ctx.get(), secret.data(), &n);
    std::size_t pn = 32;
    EVP_PKEY_get_raw_public_key(mine.get(), pub.data(), &pn);
    return {pub, secret};
}

class OpenPgpP11Test : public P11Test {
  protected:
    void SetUp() override {
        P11Test::SetUp();
        m_world->removeCard("Reader A");
        auto card = vcard::createMemoryCard("piv,openpgp");
        ASSERT_TRUE(card) << card.error().describe();
        m_card = m_world->insertCard("Reader A", std::make_shared<testsupport::FakeCard>(std::move(*card)));
        initialize();
    }

    std::vector<CK_SLOT_ID> slots() {
        CK_ULONG n = 0;
        EXPECT_EQ(m_fl->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_OK);
        std::vector<CK_SLOT_ID> ids(n);
        EXPECT_EQ(m_fl->C_GetSlotList(CK_TRUE, ids.data(), &n), CKR_OK);
        ids.resize(n);
        return ids;
    }

    CK_SESSION_HANDLE openOn(CK_SLOT_ID slot) {
        CK_SESSION_HANDLE h = 0;
        EXPECT_EQ(m_fl->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h), CKR_OK);
        return h;
    }

    // Generates a key pair in OpenPGP slot `id` (SO logged in); returns its SPKI.
    Bytes generate(CK_SESSION_HANDLE h, uint8_t id, CK_MECHANISM_TYPE mech, CK_ULONG bits = 0) {
        CK_MECHANISM m{mech, nullptr, 0};
        CK_BBOOL yes = CK_TRUE;
        Bytes p256{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
        std::vector<CK_ATTRIBUTE> pub{{CKA_ID, &id, 1}, {CKA_TOKEN, &yes, sizeof yes}};
        if (mech == CKM_RSA_PKCS_KEY_PAIR_GEN) pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
        if (mech == CKM_EC_KEY_PAIR_GEN) pub.push_back({CKA_EC_PARAMS, p256.data(), p256.size()});
        std::vector<CK_ATTRIBUTE> priv{{CKA_ID, &id, 1}};
        CK_OBJECT_HANDLE pubH = 0, privH = 0;
        EXPECT_EQ(m_fl->C_GenerateKeyPair(h, &m, pub.data(), pub.size(), priv.data(), priv.size(), &pubH, &privH),
                  CKR_OK)
            << "mechanism 0x" << std::hex << mech;
        return attribute(h, pubH, CKA_PUBLIC_KEY_INFO);
    }

    Bytes sign(CK_SESSION_HANDLE h, uint8_t id, CK_MECHANISM_TYPE mech, ByteView data) {
        CK_OBJECT_HANDLE key = findOne(h, CKO_PRIVATE_KEY, id);
        CK_MECHANISM m{mech, nullptr, 0};
        EXPECT_EQ(m_fl->C_SignInit(h, &m, key), CKR_OK);
        const Bytes always = attribute(h, key, CKA_ALWAYS_AUTHENTICATE);
        if (!always.empty() && always[0]) {
            EXPECT_EQ(login(h, CKU_CONTEXT_SPECIFIC, kPin), CKR_OK);
        }
        Bytes sig(1024);
        CK_ULONG n = sig.size();
        EXPECT_EQ(m_fl->C_Sign(h, const_cast<CK_BYTE*>(data.data()), data.size(), sig.data(), &n), CKR_OK);
        sig.resize(n);
        return sig;
    }

    Bytes derive(CK_SESSION_HANDLE h, uint8_t id, ByteView peer) {
        CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, static_cast<CK_ULONG>(peer.size()),
                                 const_cast<CK_BYTE*>(peer.data())};
        CK_MECHANISM m{CKM_ECDH1_DERIVE, &p, sizeof p};
        CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
        CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
        CK_BBOOL no = CK_FALSE;
        CK_BBOOL yes = CK_TRUE;
        CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
                            {CKA_SENSITIVE, &no, sizeof no}, {CKA_EXTRACTABLE, &yes, sizeof yes}};
        CK_OBJECT_HANDLE out = 0;
        EXPECT_EQ(m_fl->C_DeriveKey(h, &m, findOne(h, CKO_PRIVATE_KEY, id), t, 4, &out), CKR_OK);
        return attribute(h, out, CKA_VALUE);
    }
};

TEST_F(OpenPgpP11Test, TwoTokensCurve25519AndCertificateImport) {
    auto ids = slots();
    ASSERT_EQ(ids.size(), 2u) << "PIV and OpenPGP";
    CK_TOKEN_INFO ti{};
    ASSERT_EQ(m_fl->C_GetTokenInfo(ids[1], &ti), CKR_OK);
    std::string label(reinterpret_cast<char*>(ti.label), sizeof ti.label);
    EXPECT_EQ(label.rfind("OpenPGP card ", 0), 0u) << label;
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ti.model), 7), "OpenPGP");

    // Mechanisms: EdDSA, no PSS / X_509 / OAEP (the card pads).
    CK_ULONG n = 0;
    ASSERT_EQ(m_fl->C_GetMechanismList(ids[1], nullptr, &n), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> mechs(n);
    ASSERT_EQ(m_fl->C_GetMechanismList(ids[1], mechs.data(), &n), CKR_OK);
    auto has = [&](CK_MECHANISM_TYPE t) { return std::find(mechs.begin(), mechs.end(), t) != mechs.end(); };
    EXPECT_TRUE(has(CKM_EDDSA));
    EXPECT_TRUE(has(CKM_ECDH1_DERIVE));
    EXPECT_FALSE(has(CKM_RSA_PKCS_PSS));
    EXPECT_FALSE(has(CKM_RSA_X_509));
    EXPECT_FALSE(has(CKM_RSA_PKCS_OAEP));

    CK_SESSION_HANDLE h = openOn(ids[1]);
    EXPECT_EQ(login(h, CKU_SO, kPin), CKR_PIN_LEN_RANGE) << "PW3 has at least 8 characters";
    ASSERT_EQ(login(h, CKU_SO, kPw3), CKR_OK);
    Bytes sigSpki = generate(h, 0x01, CKM_EC_EDWARDS_KEY_PAIR_GEN);
    Bytes decSpki = generate(h, 0x02, CKM_EC_MONTGOMERY_KEY_PAIR_GEN);
    Bytes autSpki = generate(h, 0x03, CKM_EC_KEY_PAIR_GEN);
    Bytes cert = makeCertificate(autSpki, "OpenPGP AUT");
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    uint8_t autId = 0x03;
    CK_ATTRIBUTE ct1[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                          {CKA_ID, &autId, 1}, {CKA_VALUE, cert.data(), cert.size()}};
    CK_OBJECT_HANDLE certH = 0;
    ASSERT_EQ(m_fl->C_CreateObject(h, ct1, 4, &certH), CKR_OK);
    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);

    loginUser(h);
    CK_OBJECT_HANDLE sigKey = findOne(h, CKO_PRIVATE_KEY, 0x01);
    const CK_KEY_TYPE edwards = CKK_EC_EDWARDS;
    const auto* kt = reinterpret_cast<const uint8_t*>(&edwards);
    EXPECT_EQ(attribute(h, sigKey, CKA_KEY_TYPE), Bytes(kt, kt + sizeof edwards));
    const Bytes keyLabel = attribute(h, sigKey, CKA_LABEL);
    EXPECT_EQ(std::string(keyLabel.begin(), keyLabel.end()), "Signature key");
    // The virtual card's C4 says "PW1 valid for one signature": the signature key needs the PIN each time.
    EXPECT_EQ(attribute(h, sigKey, CKA_ALWAYS_AUTHENTICATE), Bytes{CK_TRUE});
    EXPECT_EQ(attribute(h, findOne(h, CKO_PRIVATE_KEY, 0x03), CKA_ALWAYS_AUTHENTICATE), Bytes{CK_FALSE});
    Bytes edSig = sign(h, 0x01, CKM_EDDSA, kMsg);
    EXPECT_EQ(edSig.size(), 64u);
    EXPECT_TRUE(verifyEd25519(sigSpki, kMsg, edSig));

    Bytes ecSig = sign(h, 0x03, CKM_ECDSA_SHA256, kMsg);
    EXPECT_TRUE(verifyEcdsaRaw(autSpki, sha256(kMsg), ecSig));
    EXPECT_EQ(attribute(h, findOne(h, CKO_CERTIFICATE, 0x03), CKA_VALUE), cert);

    auto [hostPub, secret] = x25519WithHostKey(decSpki);
    EXPECT_EQ(derive(h, 0x02, hostPub), secret);

    // The PIV token of the same card, from the same process.
    CK_SESSION_HANDLE p = openOn(ids[0]);
    Bytes pivSpki = enrol(0x9A, cardapp::KeyAlgorithm::EcP256, false);
    loginUser(p);
    Bytes pivSig = sign(p, 0x01, CKM_ECDSA_SHA256, kMsg);
    EXPECT_TRUE(verifyEcdsaRaw(pivSpki, sha256(kMsg), pivSig));
}

TEST_F(OpenPgpP11Test, RsaSignDecryptAndP256Ecdh) {
    auto ids = slots();
    ASSERT_EQ(ids.size(), 2u);
    CK_SESSION_HANDLE h = openOn(ids[1]);
    ASSERT_EQ(login(h, CKU_SO, kPw3), CKR_OK);
    Bytes sigSpki = generate(h, 0x01, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048);
    Bytes decSpki = generate(h, 0x02, CKM_EC_KEY_PAIR_GEN);
    Bytes autSpki = generate(h, 0x03, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048);
    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);
    loginUser(h);

    Bytes rsaSig = sign(h, 0x01, CKM_SHA256_RSA_PKCS, kMsg);
    EXPECT_TRUE(verifySignature(sigSpki, "SHA256", kMsg, rsaSig));
    CK_MECHANISM pss{CKM_RSA_PKCS_PSS, nullptr, 0};
    EXPECT_EQ(m_fl->C_SignInit(h, &pss, findOne(h, CKO_PRIVATE_KEY, 0x03)), CKR_MECHANISM_INVALID);

    // RSA decryption with the AUT key is not what OpenPGP does: regenerate DEC as RSA for that.
    auto [hostPoint, secret] = ecdhWithHostKey(decSpki);
    EXPECT_EQ(derive(h, 0x02, hostPoint), secret);

    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_SO, kPw3), CKR_OK);
    decSpki = generate(h, 0x02, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048);
    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);
    loginUser(h);
    Bytes ct = rsaEncrypt(decSpki, kMsg, false);
    CK_MECHANISM m{CKM_RSA_PKCS, nullptr, 0};
    ASSERT_EQ(m_fl->C_DecryptInit(h, &m, findOne(h, CKO_PRIVATE_KEY, 0x02)), CKR_OK);
    Bytes plain(512);
    CK_ULONG n = plain.size();
    ASSERT_EQ(m_fl->C_Decrypt(h, ct.data(), ct.size(), plain.data(), &n), CKR_OK);
    plain.resize(n);
    EXPECT_EQ(plain, kMsg);
    (void)autSpki;
}

}  // namespace
// Private use DOs as CKO_DATA: 0101/0102 public, 0103 private (PW1 to read); writers per the card's access
// rules (0101/0103 the user, 0102 PW3), refusals with exact codes, deletion, visible in another session.
TEST_F(OpenPgpP11Test, PrivateUseDataObjects) {
    auto ids = slots();
    ASSERT_EQ(ids.size(), 2u);
    CK_SESSION_HANDLE h = openOn(ids[1]);
    CK_OBJECT_CLASS dataCls = CKO_DATA;
    CK_ATTRIBUTE byClass{CKA_CLASS, &dataCls, sizeof dataCls};
    EXPECT_TRUE(find(h, {byClass}).empty()) << "a fresh card's private DOs are empty";

    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    const std::string l1 = "Private DO 1", l2 = "Private DO 2", l3 = "Private DO 3", app = "OpenPGP";
    const Bytes v1{1, 2, 3}, v2{4, 5}, v3{6, 7, 8, 9};
    auto tmpl = [&](const std::string& label, const Bytes& v, CK_BBOOL* priv) {
        return std::vector<CK_ATTRIBUTE>{{CKA_CLASS, &dataCls, sizeof dataCls},
                                         {CKA_TOKEN, &yes, sizeof yes},
                                         {CKA_PRIVATE, priv, sizeof *priv},
                                         {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
                                         {CKA_APPLICATION, const_cast<char*>(app.data()), app.size()},
                                         {CKA_VALUE, const_cast<uint8_t*>(v.data()), v.size()}};
    };
    CK_OBJECT_HANDLE o1 = 0, o2 = 0, o3 = 0;
    auto t1 = tmpl(l1, v1, &no);
    EXPECT_EQ(m_fl->C_CreateObject(h, t1.data(), t1.size(), &o1), CKR_USER_NOT_LOGGED_IN);
    auto t3wrong = tmpl(l3, v3, &no);
    EXPECT_EQ(m_fl->C_CreateObject(h, t3wrong.data(), t3wrong.size(), &o3), CKR_TEMPLATE_INCONSISTENT)
        << "0103 needs PW1 to be read: CKA_PRIVATE true";

    ASSERT_EQ(login(h, CKU_USER, kPin), CKR_OK);
    ASSERT_EQ(m_fl->C_CreateObject(h, t1.data(), t1.size(), &o1), CKR_OK);
    auto t3 = tmpl(l3, v3, &yes);
    ASSERT_EQ(m_fl->C_CreateObject(h, t3.data(), t3.size(), &o3), CKR_OK);
    auto t2 = tmpl(l2, v2, &no);
    EXPECT_EQ(m_fl->C_CreateObject(h, t2.data(), t2.size(), &o2), CKR_USER_NOT_LOGGED_IN) << "0102 is PW3's";
    EXPECT_EQ(attribute(h, o1, CKA_VALUE), v1);
    EXPECT_EQ(attribute(h, o3, CKA_VALUE), v3);
    EXPECT_EQ(attribute(h, o3, CKA_APPLICATION), Bytes(app.begin(), app.end()));
    EXPECT_EQ(find(h, {byClass}).size(), 2u);
    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);
    auto pub = find(h, {byClass});
    ASSERT_EQ(pub.size(), 1u) << "0103 is private: hidden after logout";
    EXPECT_EQ(pub[0], o1);

    ASSERT_EQ(login(h, CKU_SO, kPw3), CKR_OK);
    ASSERT_EQ(m_fl->C_CreateObject(h, t2.data(), t2.size(), &o2), CKR_OK);
    CK_SESSION_HANDLE other = openOn(ids[1]);
    EXPECT_EQ(attribute(other, o2, CKA_VALUE), v2) << "visible at once in another session";
    EXPECT_EQ(m_fl->C_DestroyObject(h, o1), CKR_USER_NOT_LOGGED_IN) << "0101 is written with PW1";
    ASSERT_EQ(m_fl->C_DestroyObject(h, o2), CKR_OK);
    ASSERT_EQ(m_fl->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, kPin), CKR_OK);
    ASSERT_EQ(m_fl->C_DestroyObject(h, o1), CKR_OK);
    ASSERT_EQ(m_fl->C_DestroyObject(h, o3), CKR_OK);
    EXPECT_TRUE(find(h, {byClass}).empty());
}

}  // namespace p11test
