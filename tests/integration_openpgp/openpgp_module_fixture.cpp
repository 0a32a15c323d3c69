#include "tests/integration_openpgp/openpgp_module_fixture.h"

#include <dlfcn.h>

#include <cstdlib>
#include <thread>

namespace itest {
namespace {

CK_FUNCTION_LIST* loadModule(std::string& error) {
    static CK_FUNCTION_LIST* fl = nullptr;  // loaded once per process, never unloaded (as applications do)
    if (fl) return fl;
    void* lib = dlopen(MESIGN_PKCS11_MODULE, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        error = dlerror();
        return nullptr;
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList"));
    if (!get || get(&fl) != CKR_OK) error = "C_GetFunctionList failed";
    return fl;
}

std::string trimmed(const unsigned char* p, std::size_t n) {
    std::string s(reinterpret_cast<const char*>(p), n);
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
}

}  // namespace

void OpenPgpModuleFixture::SetUp() {
    VcardFixture::SetUp();
    if (HasFatalFailure()) return;
    setenv("MESIGN_CACHE", "off", 1);  // every test reads its card, nothing is left for the next one
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "piv,openpgp", "--once"}));
}

void OpenPgpModuleFixture::TearDown() {
    if (m_initialized) {
        EXPECT_EQ(m_fl->C_Finalize(nullptr), CKR_OK);
    }
    m_initialized = false;
    VcardFixture::TearDown();
}

void OpenPgpModuleFixture::startModule() {
    std::string error;
    m_fl = loadModule(error);
    ASSERT_NE(m_fl, nullptr) << MESIGN_PKCS11_MODULE << ": " << error;
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_EQ(m_fl->C_Initialize(&args), CKR_OK);
    m_initialized = true;
    // The OpenPGP slot appears once the card was probed: poll briefly.
    for (int attempt = 0; attempt < 50; ++attempt) {
        CK_ULONG n = 0;
        ASSERT_EQ(m_fl->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_OK);
        std::vector<CK_SLOT_ID> ids(n);
        ASSERT_EQ(m_fl->C_GetSlotList(CK_TRUE, ids.data(), &n), CKR_OK);
        ids.resize(n);
        for (CK_SLOT_ID id : ids) {
            CK_TOKEN_INFO ti{};
            if (m_fl->C_GetTokenInfo(id, &ti) != CKR_OK) continue;
            const std::string model = trimmed(ti.model, sizeof ti.model);
            if (model == "OpenPGP")
                m_pgpSlot = id;
            else if (model == "PIV")
                m_pivSlot = id;
        }
        if (m_pgpSlot != ~0UL && m_pivSlot != ~0UL) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the card's PIV and OpenPGP tokens did not both appear";
}

std::string OpenPgpModuleFixture::tokenLabel(CK_SLOT_ID slot) {
    CK_TOKEN_INFO ti{};
    EXPECT_EQ(m_fl->C_GetTokenInfo(slot, &ti), CKR_OK);
    return trimmed(ti.label, sizeof ti.label);
}

CK_SESSION_HANDLE OpenPgpModuleFixture::open(CK_SLOT_ID slot, bool readWrite) {
    CK_SESSION_HANDLE h = 0;
    const CK_FLAGS flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
    EXPECT_EQ(m_fl->C_OpenSession(slot, flags, nullptr, nullptr, &h), CKR_OK);
    return h;
}

CK_RV OpenPgpModuleFixture::login(CK_SESSION_HANDLE h, CK_USER_TYPE who, const std::string& pin) {
    return m_fl->C_Login(h, who, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data())),
                         pin.size());
}

std::optional<CK_OBJECT_HANDLE> OpenPgpModuleFixture::find(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls,
                                                           uint8_t id) {
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    EXPECT_EQ(m_fl->C_FindObjectsInit(h, t, 2), CKR_OK);
    CK_OBJECT_HANDLE found[2] = {};
    CK_ULONG n = 0;
    EXPECT_EQ(m_fl->C_FindObjects(h, found, 2, &n), CKR_OK);
    EXPECT_EQ(m_fl->C_FindObjectsFinal(h), CKR_OK);
    EXPECT_LE(n, 1u) << "one object per class and CKA_ID";
    if (n == 0) return std::nullopt;
    return found[0];
}

Bytes OpenPgpModuleFixture::attribute(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    if (m_fl->C_GetAttributeValue(h, obj, &a, 1) != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return {};
    Bytes v(a.ulValueLen);
    a.pValue = v.data();
    EXPECT_EQ(m_fl->C_GetAttributeValue(h, obj, &a, 1), CKR_OK);
    v.resize(a.ulValueLen);
    return v;
}

Bytes OpenPgpModuleFixture::generate(CK_SESSION_HANDLE h, uint8_t id, CK_MECHANISM_TYPE mech, CK_ULONG bits,
                                     const Bytes& ecParams) {
    CK_MECHANISM m{mech, nullptr, 0};
    CK_BBOOL yes = CK_TRUE;
    std::vector<CK_ATTRIBUTE> pub{{CKA_ID, &id, 1}, {CKA_TOKEN, &yes, sizeof yes}};
    if (bits) pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
    if (!ecParams.empty())
        pub.push_back({CKA_EC_PARAMS, const_cast<uint8_t*>(ecParams.data()), ecParams.size()});
    std::vector<CK_ATTRIBUTE> priv{{CKA_ID, &id, 1}, {CKA_TOKEN, &yes, sizeof yes}};
    CK_OBJECT_HANDLE pubH = 0, privH = 0;
    CK_RV rv =
        m_fl->C_GenerateKeyPair(h, &m, pub.data(), pub.size(), priv.data(), priv.size(), &pubH, &privH);
    EXPECT_EQ(rv, CKR_OK) << "C_GenerateKeyPair mechanism 0x" << std::hex << mech << " in " << int(id);
    if (rv != CKR_OK) return {};
    return attribute(h, pubH, CKA_PUBLIC_KEY_INFO);
}

CK_RV OpenPgpModuleFixture::sign(CK_SESSION_HANDLE h, uint8_t id, CK_MECHANISM_TYPE mech, ByteView data,
                                 Bytes& sig, bool contextLogin) {
    auto key = find(h, CKO_PRIVATE_KEY, id);
    if (!key) return CKR_KEY_HANDLE_INVALID;
    CK_MECHANISM m{mech, nullptr, 0};
    if (CK_RV rv = m_fl->C_SignInit(h, &m, *key); rv != CKR_OK) return rv;
    const Bytes always = attribute(h, *key, CKA_ALWAYS_AUTHENTICATE);
    if (contextLogin && !always.empty() && always[0]) {
        if (CK_RV rv = login(h, CKU_CONTEXT_SPECIFIC, kUserPin); rv != CKR_OK) return rv;
    }
    sig.assign(1024, 0);
    CK_ULONG n = sig.size();
    CK_RV rv = m_fl->C_Sign(h, const_cast<uint8_t*>(data.data()), data.size(), sig.data(), &n);
    sig.resize(rv == CKR_OK ? n : 0);
    return rv;
}

CK_RV OpenPgpModuleFixture::decrypt(CK_SESSION_HANDLE h, uint8_t id, ByteView cryptogram, Bytes& plain) {
    auto key = find(h, CKO_PRIVATE_KEY, id);
    if (!key) return CKR_KEY_HANDLE_INVALID;
    CK_MECHANISM m{CKM_RSA_PKCS, nullptr, 0};
    if (CK_RV rv = m_fl->C_DecryptInit(h, &m, *key); rv != CKR_OK) return rv;
    plain.assign(512, 0);
    CK_ULONG n = plain.size();
    CK_RV rv =
        m_fl->C_Decrypt(h, const_cast<uint8_t*>(cryptogram.data()), cryptogram.size(), plain.data(), &n);
    plain.resize(rv == CKR_OK ? n : 0);
    return rv;
}

CK_RV OpenPgpModuleFixture::derive(CK_SESSION_HANDLE h, uint8_t id, ByteView peer, Bytes& secret) {
    auto key = find(h, CKO_PRIVATE_KEY, id);
    if (!key) return CKR_KEY_HANDLE_INVALID;
    CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, static_cast<CK_ULONG>(peer.size()),
                             const_cast<uint8_t*>(peer.data())};
    CK_MECHANISM m{CKM_ECDH1_DERIVE, &p, sizeof p};
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
    CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                        {CKA_KEY_TYPE, &kt, sizeof kt},
                        {CKA_TOKEN, &no, sizeof no},
                        {CKA_SENSITIVE, &no, sizeof no},
                        {CKA_EXTRACTABLE, &yes, sizeof yes}};
    CK_OBJECT_HANDLE out = 0;
    CK_RV rv = m_fl->C_DeriveKey(h, &m, *key, t, 5, &out);
    if (rv == CKR_OK) secret = attribute(h, out, CKA_VALUE);
    return rv;
}

}  // namespace itest
