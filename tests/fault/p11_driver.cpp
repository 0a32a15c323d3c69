#include "p11_driver.h"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>

namespace fault {

namespace {

CK_FUNCTION_LIST* g_fl = nullptr;

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey readPublicKey(const fs::path& pem) {
    std::FILE* f = std::fopen(pem.c_str(), "r");
    if (!f) return nullptr;
    Pkey k(PEM_read_PUBKEY(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    return k;
}

std::string sslError(const std::string& what) {
    char buf[256] = "";
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    ERR_clear_error();
    return what + ": " + buf;
}

}  // namespace

CK_FUNCTION_LIST* p11() {
    return g_fl;
}

void loadModule(const std::string& path) {
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList"));
    if (!get || get(&g_fl) != CKR_OK || !g_fl) throw std::runtime_error("C_GetFunctionList failed");
}

std::string ckrName(CK_RV rv) {
    switch (rv) {
#define N(x) \
    case x:  \
        return #x;
        N(CKR_OK)
        N(CKR_GENERAL_ERROR) N(CKR_FUNCTION_FAILED) N(CKR_ARGUMENTS_BAD) N(CKR_DEVICE_ERROR)
            N(CKR_DEVICE_MEMORY) N(CKR_DEVICE_REMOVED) N(CKR_TOKEN_NOT_PRESENT) N(CKR_TOKEN_NOT_RECOGNIZED)
                N(CKR_SESSION_HANDLE_INVALID) N(CKR_SESSION_CLOSED) N(CKR_USER_NOT_LOGGED_IN)
                    N(CKR_USER_ALREADY_LOGGED_IN) N(CKR_PIN_INCORRECT) N(CKR_PIN_LOCKED)
                        N(CKR_OPERATION_NOT_INITIALIZED) N(CKR_OPERATION_ACTIVE) N(CKR_FUNCTION_CANCELED)
                            N(CKR_KEY_HANDLE_INVALID) N(CKR_OBJECT_HANDLE_INVALID) N(CKR_SLOT_ID_INVALID)
                                N(CKR_CRYPTOKI_NOT_INITIALIZED) N(CKR_DATA_INVALID) N(CKR_DATA_LEN_RANGE)
                                    N(CKR_ENCRYPTED_DATA_INVALID) N(CKR_FUNCTION_REJECTED)
                                        N(CKR_TEMPLATE_INCONSISTENT) N(CKR_ATTRIBUTE_VALUE_INVALID)
                                            N(CKR_NO_EVENT) N(CKR_USER_TYPE_INVALID) N(CKR_PIN_LEN_RANGE)
#undef N
                                                default : {
            char b[32];
            std::snprintf(b, sizeof b, "CKR_0x%lX", rv);
            return b;
        }
    }
}

bool waitForToken(double seconds, CK_SLOT_ID* slot) {
    const auto start = Clock::now();
    do {
        // The two-call convention, as applications use it (the module refreshes at the NULL call).
        CK_SLOT_ID slots[8];
        CK_ULONG n = 0;
        if (g_fl->C_GetSlotList(CK_TRUE, nullptr, &n) == CKR_OK && n > 0 && n <= 8 &&
            g_fl->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK && n > 0) {
            CK_TOKEN_INFO info;
            if (g_fl->C_GetTokenInfo(slots[0], &info) == CKR_OK) {
                *slot = slots[0];
                return true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (secondsSince(start) < seconds);
    return false;
}

CK_RV openSession(CK_SLOT_ID slot, bool rw, CK_SESSION_HANDLE* h) {
    return g_fl->C_OpenSession(slot, CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0), nullptr, nullptr, h);
}

CK_RV login(CK_SESSION_HANDLE h, CK_USER_TYPE who, const std::string& pin) {
    std::string copy = pin;
    return g_fl->C_Login(h, who, reinterpret_cast<CK_UTF8CHAR_PTR>(copy.data()), copy.size());
}

CK_RV findKey(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls, unsigned char id, CK_OBJECT_HANDLE* key) {
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    CK_RV rv = g_fl->C_FindObjectsInit(h, tmpl, 2);
    if (rv != CKR_OK) return rv;
    CK_ULONG found = 0;
    rv = g_fl->C_FindObjects(h, key, 1, &found);
    const CK_RV fin = g_fl->C_FindObjectsFinal(h);
    if (rv != CKR_OK) return rv;
    if (fin != CKR_OK) return fin;
    return found == 1 ? CKR_OK : CKR_OBJECT_HANDLE_INVALID;
}

CK_RV signSha256Rsa(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, const Bytes& data, Bytes* sig) {
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    CK_RV rv = g_fl->C_SignInit(h, &mech, key);
    if (rv != CKR_OK) return rv;
    sig->assign(512, 0);
    CK_ULONG len = sig->size();
    Bytes in = data;
    rv = g_fl->C_Sign(h, in.data(), in.size(), sig->data(), &len);
    sig->resize(rv == CKR_OK ? len : 0);
    return rv;
}

CK_RV decryptRsaPkcs(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, const Bytes& cipher, Bytes* plain) {
    CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
    CK_RV rv = g_fl->C_DecryptInit(h, &mech, key);
    if (rv != CKR_OK) return rv;
    plain->assign(512, 0);
    CK_ULONG len = plain->size();
    Bytes in = cipher;
    rv = g_fl->C_Decrypt(h, in.data(), in.size(), plain->data(), &len);
    plain->resize(rv == CKR_OK ? len : 0);
    return rv;
}

CK_RV generateEcP256(CK_SESSION_HANDLE h, unsigned char id) {
    static const CK_BYTE p256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, const_cast<CK_BYTE*>(p256), sizeof p256},
                          {CKA_ID, &id, 1},
                          {CKA_TOKEN, &yes, sizeof yes},
                          {CKA_VERIFY, &yes, sizeof yes}};
    CK_ATTRIBUTE priv[] = {{CKA_ID, &id, 1},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_SIGN, &yes, sizeof yes},
                           {CKA_PRIVATE, &yes, sizeof yes}};
    CK_MECHANISM mech{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE hp = 0, hk = 0;
    return g_fl->C_GenerateKeyPair(h, &mech, pub, 4, priv, 4, &hp, &hk);
}

CK_RV writeCertificate(CK_SESSION_HANDLE h, unsigned char id, const Bytes& der) {
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    Bytes value = der;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls},
                           {CKA_CERTIFICATE_TYPE, &type, sizeof type},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_ID, &id, 1},
                           {CKA_VALUE, value.data(), value.size()}};
    CK_OBJECT_HANDLE obj = 0;
    return g_fl->C_CreateObject(h, tmpl, 5, &obj);
}

std::string verifySha256Rsa(const fs::path& pubPem, const Bytes& data, const Bytes& sig) {
    Pkey key = readPublicKey(pubPem);
    if (!key) return sslError("cannot read " + pubPem.string());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return sslError("EVP_DigestVerifyInit");
    if (EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) != 1)
        return sslError("signature does not verify");
    return "";
}

Bytes encryptRsaPkcs(const fs::path& pubPem, const Bytes& plain, std::string* error) {
    Pkey key = readPublicKey(pubPem);
    if (!key) {
        *error = sslError("cannot read " + pubPem.string());
        return {};
    }
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                    EVP_PKEY_CTX_free);
    size_t len = 0;
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plain.data(), plain.size()) != 1) {
        *error = sslError("EVP_PKEY_encrypt setup");
        return {};
    }
    Bytes out(len);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plain.data(), plain.size()) != 1) {
        *error = sslError("EVP_PKEY_encrypt");
        return {};
    }
    out.resize(len);
    return out;
}

}  // namespace fault
