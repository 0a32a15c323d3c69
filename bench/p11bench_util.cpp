// Helpers of p11bench: output, APDU log offsets, module loading, object lookup, signing and checking.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "bench/p11bench.h"

namespace bench {

const std::string kMessage = "MeSign benchmark: one signature over this message";

void fail(std::string_view what, CK_RV rv) {
    std::fprintf(stderr, "p11bench: %.*s (rv 0x%lx)\n", static_cast<int>(what.size()), what.data(), rv);
    std::exit(1);
}

void check(CK_RV rv, std::string_view what) {
    if (rv != CKR_OK) fail(what, rv);
}

namespace {
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"";
}
}  // namespace

Json::Json(const Options& o) {
    m_text = "{\"scenario\":" + quoted(o.scenario) + ",\"module\":" + quoted(o.label);
    for (const auto& [k, v] : o.tags) m_text += "," + quoted(k) + ":" + quoted(v);
}

Json& Json::num(const std::string& key, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    m_text += "," + quoted(key) + ":" + buf;
    return *this;
}

Json& Json::str(const std::string& key, const std::string& v) {
    m_text += "," + quoted(key) + ":" + quoted(v);
    return *this;
}

void Json::print() {
    std::printf("%s}\n", m_text.c_str());
    std::fflush(stdout);
}

long ApduCounter::offset() const {
    if (m_path.empty()) return -1;
    struct stat st{};
    if (stat(m_path.c_str(), &st) != 0) fail("cannot stat the APDU log " + m_path);
    return static_cast<long>(st.st_size);
}

long ApduCounter::linesWith(long from, long to, std::string_view what) const {
    if (m_path.empty() || to <= from) return m_path.empty() ? -1 : 0;
    std::ifstream in(m_path, std::ios::binary);
    in.seekg(from);
    std::string text(static_cast<std::size_t>(to - from), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    long n = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n') continue;
        if (what.empty() || std::string_view(text).substr(start, i - start).find(what) != std::string_view::npos)
            ++n;
        start = i + 1;
    }
    return n;
}

long ApduCounter::lines(long from, long to) const { return linesWith(from, to, {}); }

Module loadModule(const std::string& path) {
    Module m;
    m.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!m.handle) fail(std::string("dlopen: ") + dlerror());
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(m.handle, "C_GetFunctionList"));
    if (!getList) fail("the module has no C_GetFunctionList");
    check(getList(&m.fl), "C_GetFunctionList");
    return m;
}

void initialize(CK_FUNCTION_LIST* fl) {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    check(fl->C_Initialize(&args), "C_Initialize");
}

std::vector<CK_SLOT_ID> slotsWithToken(CK_FUNCTION_LIST* fl) {
    CK_ULONG n = 0;
    check(fl->C_GetSlotList(CK_TRUE, nullptr, &n), "C_GetSlotList(NULL)");
    std::vector<CK_SLOT_ID> slots(n);
    check(fl->C_GetSlotList(CK_TRUE, slots.data(), &n), "C_GetSlotList");
    slots.resize(n);
    return slots;
}

std::vector<CK_OBJECT_HANDLE> findAll(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s) {
    check(fl->C_FindObjectsInit(s, nullptr, 0), "C_FindObjectsInit");
    std::vector<CK_OBJECT_HANDLE> all;
    for (;;) {
        CK_OBJECT_HANDLE chunk[32];
        CK_ULONG n = 0;
        check(fl->C_FindObjects(s, chunk, 32, &n), "C_FindObjects");
        if (n == 0) break;
        all.insert(all.end(), chunk, chunk + n);
    }
    check(fl->C_FindObjectsFinal(s), "C_FindObjectsFinal");
    return all;
}

CK_OBJECT_HANDLE findKey(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls, unsigned keyId) {
    CK_BYTE id = static_cast<CK_BYTE>(keyId);
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    check(fl->C_FindObjectsInit(s, t, 2), "C_FindObjectsInit(class, id)");
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    CK_ULONG n = 0;
    check(fl->C_FindObjects(s, &h, 1, &n), "C_FindObjects(class, id)");
    check(fl->C_FindObjectsFinal(s), "C_FindObjectsFinal");
    return n == 1 ? h : CK_INVALID_HANDLE;
}

CK_SLOT_ID slotWithKey(CK_FUNCTION_LIST* fl, unsigned keyId) {
    for (CK_SLOT_ID slot : slotsWithToken(fl)) {
        CK_SESSION_HANDLE s = 0;
        if (fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &s) != CKR_OK) continue;
        // Public lookup: the certificate tells which token carries the key before any login.
        bool found = findKey(fl, s, CKO_CERTIFICATE, keyId) != CK_INVALID_HANDLE;
        fl->C_CloseSession(s);
        if (found) return slot;
    }
    fail("no token with a certificate of CKA_ID " + std::to_string(keyId));
}

Bytes attribute(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    check(fl->C_GetAttributeValue(s, o, &a, 1), "C_GetAttributeValue (length)");
    Bytes v(a.ulValueLen);
    a.pValue = v.data();
    check(fl->C_GetAttributeValue(s, o, &a, 1), "C_GetAttributeValue");
    v.resize(a.ulValueLen);
    return v;
}

void login(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, CK_USER_TYPE who, const std::string& pin) {
    CK_RV rv = fl->C_Login(s, who, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data())),
                           pin.size());
    if (rv == CKR_USER_ALREADY_LOGGED_IN && who == CKU_USER) return;
    check(rv, who == CKU_USER ? "C_Login(CKU_USER)" : "C_Login(CKU_CONTEXT_SPECIFIC)");
}

Bytes sha256(std::string_view data) {
    Bytes h(32);
    unsigned n = 0;
    EVP_Digest(data.data(), data.size(), h.data(), &n, EVP_sha256(), nullptr);
    return h;
}

SignKey prepareKey(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, const Options& o) {
    SignKey k;
    k.priv = findKey(fl, s, CKO_PRIVATE_KEY, o.keyId);
    if (k.priv == CK_INVALID_HANDLE) fail("no private key with CKA_ID " + std::to_string(o.keyId));
    CK_BBOOL always = CK_FALSE;
    CK_ATTRIBUTE a{CKA_ALWAYS_AUTHENTICATE, &always, sizeof always};
    if (fl->C_GetAttributeValue(s, k.priv, &a, 1) == CKR_OK) k.alwaysAuthenticate = always == CK_TRUE;
    return k;
}

void readPublicKey(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, const Options& o, SignKey& k) {
    CK_OBJECT_HANDLE cert = findKey(fl, s, CKO_CERTIFICATE, o.keyId);
    if (cert == CK_INVALID_HANDLE) fail("no certificate with CKA_ID " + std::to_string(o.keyId));
    Bytes der = attribute(fl, s, cert, CKA_VALUE);
    const unsigned char* p = der.data();
    std::unique_ptr<X509, decltype(&X509_free)> x(d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
    if (!x) fail("the certificate does not parse");
    int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x.get()), nullptr);
    k.spki.resize(static_cast<std::size_t>(n));
    unsigned char* q = k.spki.data();
    i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x.get()), &q);
}

Bytes signOnce(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, const SignKey& k, const Options& o) {
    const bool rsa = o.mech == "rsa";
    CK_MECHANISM mech{rsa ? CKM_SHA256_RSA_PKCS : CKM_ECDSA, nullptr, 0};
    Bytes input = rsa ? Bytes(kMessage.begin(), kMessage.end()) : sha256(kMessage);
    check(fl->C_SignInit(s, &mech, k.priv), "C_SignInit");
    if (k.alwaysAuthenticate) login(fl, s, CKU_CONTEXT_SPECIFIC, o.pin);
    Bytes sig(512);
    CK_ULONG n = sig.size();
    check(fl->C_Sign(s, input.data(), input.size(), sig.data(), &n), "C_Sign");
    sig.resize(n);
    return sig;
}

void verifyOrFail(const SignKey& k, const Options& o, const Bytes& sig) {
    const unsigned char* p = k.spki.data();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(d2i_PUBKEY(nullptr, &p, static_cast<long>(k.spki.size())),
                                                            EVP_PKEY_free);
    if (!key) fail("the certificate's public key does not parse");
    bool ok = false;
    if (o.mech == "rsa") {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        ok = EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
             EVP_DigestVerify(md.get(), sig.data(), sig.size(),
                              reinterpret_cast<const unsigned char*>(kMessage.data()), kMessage.size()) == 1;
    } else {
        // PKCS#11 gives r || s; OpenSSL wants the DER SEQUENCE.
        const std::size_t half = sig.size() / 2;
        ECDSA_SIG* es = ECDSA_SIG_new();
        ECDSA_SIG_set0(es, BN_bin2bn(sig.data(), static_cast<int>(half), nullptr),
                       BN_bin2bn(sig.data() + half, static_cast<int>(half), nullptr));
        unsigned char* der = nullptr;
        int derLen = i2d_ECDSA_SIG(es, &der);
        ECDSA_SIG_free(es);
        Bytes hash = sha256(kMessage);
        std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                        EVP_PKEY_CTX_free);
        ok = derLen > 0 && EVP_PKEY_verify_init(ctx.get()) == 1 &&
             EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(derLen), hash.data(), hash.size()) == 1;
        OPENSSL_free(der);
    }
    if (!ok) fail("the signature does not verify with OpenSSL");
}

}  // namespace bench
