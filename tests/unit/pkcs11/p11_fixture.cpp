#include "p11_fixture.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "core/token/token_manager.h"
#include "pkcs11/testing.h"

namespace p11test {
namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct CtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Pkey loadSpki(ByteView der) {
    const unsigned char* p = der.data();
    Pkey k(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!k) throw std::runtime_error("bad SubjectPublicKeyInfo");
    return k;
}

}  // namespace

Bytes sha256(ByteView msg) {
    Bytes h(32);
    unsigned int n = 0;
    EVP_Digest(msg.data(), msg.size(), h.data(), &n, EVP_sha256(), nullptr);
    return h;
}

Bytes makeCertificate(ByteView spki, const std::string& cn) {
    Pkey subjectKey = loadSpki(spki);
    Pkey caKey(EVP_EC_gen("P-256"));
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600L * 24 * 365);
    auto name = [](X509_NAME* n, const std::string& v) {
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
    };
    name(X509_get_subject_name(x.get()), cn);
    name(X509_get_issuer_name(x.get()), "Test CA");
    X509_set_pubkey(x.get(), subjectKey.get());
    if (X509_sign(x.get(), caKey.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign");
    int n = i2d_X509(x.get(), nullptr);
    Bytes der(static_cast<std::size_t>(n));
    unsigned char* p = der.data();
    i2d_X509(x.get(), &p);
    return der;
}

bool verifySignature(ByteView spki, const char* digest, ByteView msg, ByteView sig, bool pss) {
    Pkey key = loadSpki(spki);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit_ex(md.get(), &pctx, digest, nullptr, nullptr, key.get(), nullptr) != 1) return false;
    if (pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO);
    }
    return EVP_DigestVerify(md.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

bool verifyEcdsaRaw(ByteView spki, ByteView hash, ByteView raw) {
    Pkey key = loadSpki(spki);
    std::size_t n = raw.size() / 2;
    ECDSA_SIG* s = ECDSA_SIG_new();
    ECDSA_SIG_set0(s, BN_bin2bn(raw.data(), static_cast<int>(n), nullptr),
                   BN_bin2bn(raw.data() + n, static_cast<int>(n), nullptr));
    unsigned char* der = nullptr;
    int derLen = i2d_ECDSA_SIG(s, &der);
    ECDSA_SIG_free(s);
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    bool ok = EVP_PKEY_verify_init(ctx.get()) == 1 &&
              EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(derLen), hash.data(), hash.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

Bytes rsaEncrypt(ByteView spki, ByteView msg, bool oaep) {
    Pkey key = loadSpki(spki);
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    EVP_PKEY_encrypt_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), oaep ? RSA_PKCS1_OAEP_PADDING : RSA_PKCS1_PADDING);
    if (oaep) EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()), EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256());
    std::size_t n = 0;
    EVP_PKEY_encrypt(ctx.get(), nullptr, &n, msg.data(), msg.size());
    Bytes out(n);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &n, msg.data(), msg.size()) != 1) throw std::runtime_error("encrypt");
    out.resize(n);
    return out;
}

std::pair<Bytes, Bytes> ecdhWithHostKey(ByteView spki) {
    Pkey peer = loadSpki(spki);
    Pkey mine(EVP_EC_gen("P-256"));
    PkeyCtx ctx(EVP_PKEY_CTX_new(mine.get(), nullptr));
    EVP_PKEY_derive_init(ctx.get());
    EVP_PKEY_derive_set_peer(ctx.get(), peer.get());
    std::size_t n = 0;
    EVP_PKEY_derive(ctx.get(), nullptr, &n);
    Bytes z(n);
    EVP_PKEY_derive(ctx.get(), z.data(), &n);
    std::size_t plen = 0;
    EVP_PKEY_get_octet_string_param(mine.get(), "encoded-pub-key", nullptr, 0, &plen);
    Bytes point(plen);
    EVP_PKEY_get_octet_string_param(mine.get(), "encoded-pub-key", point.data(), plen, &plen);
    return {point, z};
}

void P11Test::SetUp() {
    m_world = std::make_shared<testsupport::FakeReaders>();
    m_world->addReader("Reader A");
    m_card = m_world->insertCard("Reader A");
    std::weak_ptr<testsupport::FakeReaders> world = m_world;
    p11::setBackendFactoryForTesting([world]() -> std::unique_ptr<token::ReaderBackend> {
        return std::make_unique<testsupport::FakeReaderBackend>(world.lock());
    });
    ASSERT_EQ(p11::entry::C_GetFunctionList(&m_fl), CKR_OK);
    CK_INTERFACE* iface = nullptr;
    ASSERT_EQ(p11::entry::C_GetInterface(nullptr, nullptr, &iface, 0), CKR_OK);
    m_fl3 = static_cast<CK_FUNCTION_LIST_3_0*>(iface->pFunctionList);
}

void P11Test::TearDown() {
    if (m_fl) m_fl->C_Finalize(nullptr);
    p11::setBackendFactoryForTesting({});
}

void P11Test::initialize() { ASSERT_EQ(m_fl->C_Initialize(nullptr), CKR_OK); }

CK_SLOT_ID P11Test::slot() {
    CK_ULONG n = 0;
    EXPECT_EQ(m_fl->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_OK);
    EXPECT_EQ(n, 1u);
    CK_SLOT_ID id = 0;
    EXPECT_EQ(m_fl->C_GetSlotList(CK_TRUE, &id, &n), CKR_OK);
    return id;
}

CK_SESSION_HANDLE P11Test::open(bool rw) {
    CK_SESSION_HANDLE h = 0;
    CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
    EXPECT_EQ(m_fl->C_OpenSession(slot(), flags, nullptr, nullptr, &h), CKR_OK);
    return h;
}

CK_RV P11Test::login(CK_SESSION_HANDLE h, CK_USER_TYPE type, const std::string& pin) {
    return m_fl->C_Login(h, type, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data())), pin.size());
}

void P11Test::loginUser(CK_SESSION_HANDLE h) { ASSERT_EQ(login(h, CKU_USER, kPin), CKR_OK); }

Bytes P11Test::enrol(uint8_t ref, cardapp::KeyAlgorithm alg, bool withCertificate) {
    token::TokenManager manager(std::make_unique<testsupport::FakeReaderBackend>(m_world));
    if (!manager.refresh()) throw std::runtime_error("refresh");
    auto t = manager.token(manager.slots().at(0).id);
    if (!t) throw std::runtime_error("token: " + t.error().describe());
    Bytes key;
    core::fromHex(kMgmtKeyHex, key);
    if (!(*t)->loginSo(token::SoCredential::ManagementKey, key)) throw std::runtime_error("loginSo");
    auto k = (*t)->generateKey(ref, alg);
    if (!k) throw std::runtime_error("generateKey: " + k.error().describe());
    Bytes spki = k->publicKey ? k->publicKey->spki : k->key.publicKeyInfo;
    if (withCertificate && !(*t)->writeCertificate(ref, makeCertificate(spki, "MeSign Test")))
        throw std::runtime_error("writeCertificate");
    (void)(*t)->logout();
    return spki;
}

std::vector<CK_OBJECT_HANDLE> P11Test::find(CK_SESSION_HANDLE h, std::vector<CK_ATTRIBUTE> tmpl) {
    EXPECT_EQ(m_fl->C_FindObjectsInit(h, tmpl.empty() ? nullptr : tmpl.data(), tmpl.size()), CKR_OK);
    std::vector<CK_OBJECT_HANDLE> out(64);
    CK_ULONG n = 0;
    EXPECT_EQ(m_fl->C_FindObjects(h, out.data(), out.size(), &n), CKR_OK);
    out.resize(n);
    EXPECT_EQ(m_fl->C_FindObjectsFinal(h), CKR_OK);
    return out;
}

CK_OBJECT_HANDLE P11Test::findOne(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls, uint8_t id) {
    std::vector<CK_ATTRIBUTE> t{{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    auto r = find(h, t);
    EXPECT_EQ(r.size(), 1u) << "class " << cls << " id " << int(id);
    return r.empty() ? CK_INVALID_HANDLE : r[0];
}

Bytes P11Test::attribute(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    EXPECT_EQ(m_fl->C_GetAttributeValue(h, o, &a, 1), CKR_OK) << "attribute 0x" << std::hex << type;
    if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return {};
    Bytes v(a.ulValueLen);
    a.pValue = v.data();
    EXPECT_EQ(m_fl->C_GetAttributeValue(h, o, &a, 1), CKR_OK);
    return v;
}

}  // namespace p11test
