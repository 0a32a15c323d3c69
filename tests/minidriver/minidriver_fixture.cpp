#include "tests/minidriver/minidriver_fixture.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <mutex>
#include <set>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_application.h"
#include "core/transport/pcsc_transport.h"

namespace mdtest {
namespace {

std::mutex g_mutex;
std::set<void*> g_live;

LPVOID WINAPI testAlloc(SIZE_T n) {
    void* p = std::calloc(1, n);
    std::lock_guard lock(g_mutex);
    if (p) g_live.insert(p);
    return p;
}
LPVOID WINAPI testReAlloc(LPVOID old, SIZE_T n) {
    std::lock_guard lock(g_mutex);
    if (old) g_live.erase(old);
    void* p = std::realloc(old, n);
    if (p) g_live.insert(p);
    return p;
}
void WINAPI testFree(LPVOID p) {
    if (!p) return;
    {
        std::lock_guard lock(g_mutex);
        EXPECT_EQ(g_live.erase(p), 1u) << "pfnCspFree of a pointer we did not allocate";
    }
    std::free(p);
}
DWORD WINAPI cacheAdd(PVOID, LPWSTR, DWORD, PBYTE, DWORD) { return SCARD_S_SUCCESS; }
DWORD WINAPI cacheLookup(PVOID, LPWSTR, DWORD, PBYTE*, PDWORD) { return static_cast<DWORD>(SCARD_W_CACHE_ITEM_NOT_FOUND); }
DWORD WINAPI cacheDelete(PVOID, LPWSTR, DWORD) { return SCARD_S_SUCCESS; }

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

PkeyPtr loadKey(ByteView spki) {
    const unsigned char* p = spki.data();
    return PkeyPtr(d2i_PUBKEY(nullptr, &p, long(spki.size())), EVP_PKEY_free);
}

wchar_t g_cardName[] = L"MeSign Virtual PIV";

}  // namespace

std::size_t liveAllocations() {
    std::lock_guard lock(g_mutex);
    return g_live.size();
}

void MinidriverTest::SetUp() {
    VcardFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(insertCard(cardOptions()));
    ASSERT_EQ(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &m_ctx), SCARD_S_SUCCESS);
    DWORD protocol = 0;
    ASSERT_EQ(SCardConnect(m_ctx, reader().c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                           &m_card, &protocol),
              SCARD_S_SUCCESS);
    BYTE atr[36];
    DWORD atrLen = sizeof atr, state = 0, readerLen = 0;
    ASSERT_EQ(SCardStatus(m_card, nullptr, &readerLen, &state, &protocol, atr, &atrLen), SCARD_S_SUCCESS);
    m_atr.assign(atr, atr + atrLen);
}

void MinidriverTest::TearDown() {
    release();
    if (m_inTransaction) SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
    if (m_card) SCardDisconnect(m_card, SCARD_LEAVE_CARD);
    if (m_ctx) SCardReleaseContext(m_ctx);
    EXPECT_EQ(liveAllocations(), 0u) << "caller-allocated memory leaked";
    VcardFixture::TearDown();
}

void MinidriverTest::prepare(CARD_DATA& d, DWORD version) {
    d = CARD_DATA{};
    d.dwVersion = version;
    d.pbAtr = m_atr.data();
    d.cbAtr = static_cast<DWORD>(m_atr.size());
    d.pwszCardName = g_cardName;
    d.pfnCspAlloc = testAlloc;
    d.pfnCspReAlloc = testReAlloc;
    d.pfnCspFree = testFree;
    d.pfnCspCacheAddFile = cacheAdd;
    d.pfnCspCacheLookupFile = cacheLookup;
    d.pfnCspCacheDeleteFile = cacheDelete;
    d.hSCardCtx = m_ctx;
    d.hScard = m_card;
}

void MinidriverTest::acquire(DWORD version) {
    if (!m_inTransaction) {
        ASSERT_EQ(SCardBeginTransaction(m_card), SCARD_S_SUCCESS);
        m_inTransaction = true;
    }
    prepare(m_data, version);
    ASSERT_EQ(CardAcquireContext(&m_data, 0), DWORD(SCARD_S_SUCCESS));
    m_acquired = true;
}

void MinidriverTest::release() {
    if (!m_acquired) return;
    EXPECT_EQ(m_data.pfnCardDeleteContext(&m_data), DWORD(SCARD_S_SUCCESS));
    m_acquired = false;
}

Bytes MinidriverTest::provision(uint8_t slot, cardapp::KeyAlgorithm alg, const std::string& name,
                               const std::string& keyUsage) {
    auto ctx = transport::PcscContext::establish();
    EXPECT_TRUE(ctx);
    if (!ctx) return {};
    auto t = transport::PcscTransport::connect(*ctx, reader());
    EXPECT_TRUE(t);
    if (!t) return {};
    piv::PivApplication app(**t);
    auto admin = app.authenticateAdmin(ByteView(piv::kDefaultManagementKey));
    EXPECT_TRUE(admin) << admin.error().describe();
    auto info = app.generateKey(slot, alg);
    EXPECT_TRUE(info) << info.error().describe();
    if (!info) return {};
    if (name.empty()) return info->publicKeyInfo;  // the key only, no certificate
    auto w = app.writeCertificate(slot, certify(info->publicKeyInfo, name, keyUsage));
    EXPECT_TRUE(w) << w.error().describe();
    return info->publicKeyInfo;
}

Bytes MinidriverTest::certify(ByteView spki, const std::string& name, const std::string& keyUsage) {
    itest::writeFile(path(name + ".pub.der"), std::string(spki.begin(), spki.end()));
    std::string ext;
    if (!keyUsage.empty()) {
        itest::writeFile(path(name + ".ext"), "keyUsage=critical," + keyUsage + "\n");
        ext = " -extfile " + name + ".ext";
    }
    sh("test -f ca.key || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
       "-out ca.pem -subj '/CN=MeSign Test CA' -days 2 2>/dev/null; "
       "openssl pkey -pubin -inform DER -in " + name + ".pub.der -out " + name + ".pub.pem && "
       "openssl x509 -new -force_pubkey " + name + ".pub.pem -subj '/CN=" + name + "' -CA ca.pem -CAkey ca.key "
       "-days 2" + ext + " -outform DER -out " + name + ".der");
    const std::string der = itest::readFile(path(name + ".der"));
    return Bytes(der.begin(), der.end());
}

void MinidriverTest::dropSecurityStatus() {
    auto ctx = transport::PcscContext::establish();
    ASSERT_TRUE(ctx);
    auto t = transport::PcscTransport::connect(*ctx, reader());
    ASSERT_TRUE(t);
    const Bytes selectMgmt = {0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17};
    const Bytes selectPiv = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00};
    for (const Bytes& apdu : {selectMgmt, selectPiv}) {
        auto r = (*t)->transmit(apdu);
        ASSERT_TRUE(r) << r.error().describe();
        ASSERT_GE(r->size(), 2u);
        EXPECT_EQ(r->at(r->size() - 2), 0x90);
    }
}

DWORD MinidriverTest::readCardFile(const char* dir, const char* file, Bytes& out) {
    PBYTE p = nullptr;
    DWORD n = 0;
    DWORD rc = m_data.pfnCardReadFile(&m_data, const_cast<LPSTR>(dir), const_cast<LPSTR>(file), 0, &p, &n);
    if (rc == SCARD_S_SUCCESS) {
        out.assign(p, p + n);
        testFree(p);
    }
    return rc;
}

DWORD MinidriverTest::authenticate(const char* pin, DWORD* attempts) {
    std::string s(pin);
    return m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(wszCARD_USER_USER),
                                         reinterpret_cast<PBYTE>(s.data()), DWORD(s.size()), attempts);
}

DWORD MinidriverTest::decrypt(BYTE index, ByteView cipher, DWORD padding, void* paddingInfo, Bytes& out,
                              DWORD version) {
    Bytes buf = reversed(cipher);
    CARD_RSA_DECRYPT_INFO info{};
    info.dwVersion = version;
    info.bContainerIndex = index;
    info.dwKeySpec = AT_KEYEXCHANGE;
    info.pbData = buf.data();
    info.cbData = DWORD(buf.size());
    info.dwPaddingType = padding;
    info.pPaddingInfo = paddingInfo;
    DWORD rc = m_data.pfnCardRSADecrypt(&m_data, &info);
    out.assign(buf.begin(), buf.begin() + info.cbData);
    return rc;
}

std::pair<Bytes, Bytes> MinidriverTest::ecdhPeerP256(const std::string& ourPubPem) {
    sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem && "
       "openssl pkey -in peer.pem -pubout -outform DER -out peer.pub.der && "
       "openssl pkeyutl -derive -inkey peer.pem -peerkey " + ourPubPem + " -out z.bin");
    const std::string z = itest::readFile(path("z.bin"));
    const std::string peer = itest::readFile(path("peer.pub.der"));
    Bytes blob = {0x45, 0x43, 0x4B, 0x31, 32, 0, 0, 0};  // BCRYPT_ECDH_PUBLIC_P256_MAGIC, cbKey
    if (peer.size() >= 64) blob.insert(blob.end(), peer.end() - 64, peer.end());
    return {blob, Bytes(z.begin(), z.end())};
}

Bytes reversed(ByteView b) { return Bytes(b.rbegin(), b.rend()); }

CARD_SIGNING_INFO signingInfo(BYTE index, DWORD keySpec, ALG_ID hashAlg, Bytes& hash) {
    CARD_SIGNING_INFO info{};
    info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    info.bContainerIndex = index;
    info.dwKeySpec = keySpec;
    info.aiHashAlg = hashAlg;
    info.pbData = hash.data();
    info.cbData = DWORD(hash.size());
    return info;
}

Bytes rsaModulus(ByteView spki) {
    const unsigned char* p = spki.data();
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, long(spki.size()));
    BIGNUM* n = nullptr;
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
    Bytes out(std::size_t(BN_num_bytes(n)));
    BN_bn2bin(n, out.data());
    BN_free(n);
    EVP_PKEY_free(key);
    return out;
}

Bytes sha256(ByteView data) {
    Bytes h(32);
    unsigned n = 0;
    EVP_Digest(data.data(), data.size(), h.data(), &n, EVP_sha256(), nullptr);
    return h;
}

bool verifyRsa(ByteView spki, ByteView hash, ByteView sig, const char* mdName, bool pss, int saltLen) {
    auto key = loadKey(spki);
    CtxPtr ctx(key ? EVP_PKEY_CTX_new(key.get(), nullptr) : nullptr, EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return false;
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) != 1) return false;
    if (EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_get_digestbyname(mdName)) != 1) return false;
    if (pss && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), saltLen) != 1) return false;
    return EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), hash.data(), hash.size()) == 1;
}

bool verifyRsaRawPkcs1(ByteView spki, ByteView payload, ByteView sig) {
    auto key = loadKey(spki);
    CtxPtr ctx(key ? EVP_PKEY_CTX_new(key.get(), nullptr) : nullptr, EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return false;
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return false;
    return EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), payload.data(), payload.size()) == 1;
}

bool verifyEcdsaRaw(ByteView spki, ByteView hash, ByteView rs) {
    auto key = loadKey(spki);
    if (!key) return false;
    const std::size_t half = rs.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), int(half), nullptr), BN_bin2bn(rs.data() + half, int(half), nullptr));
    unsigned char* der = nullptr;
    const int derLen = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    CtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
    const bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), der, std::size_t(derLen), hash.data(), hash.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

Bytes rsaEncrypt(ByteView spki, ByteView msg, bool oaep) {
    auto key = loadKey(spki);
    CtxPtr ctx(key ? EVP_PKEY_CTX_new(key.get(), nullptr) : nullptr, EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1) return {};
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), oaep ? RSA_PKCS1_OAEP_PADDING : RSA_PKCS1_PADDING);
    if (oaep) {
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256());
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256());
    }
    std::size_t n = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &n, msg.data(), msg.size()) != 1) return {};
    Bytes out(n);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &n, msg.data(), msg.size()) != 1) return {};
    out.resize(n);
    return out;
}

}  // namespace mdtest
