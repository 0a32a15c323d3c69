// import-p12: the private key (and its certificate) of a PKCS#12 file onto the token, through our PKCS#11
// module: C_Login as SO (PIV management key, OpenPGP PW3), C_CreateObject of the private key (as its
// components, cardapp::componentsFromPrivateKey), then of the certificate. The CLI sends no APDU itself.
// Secrets (p12 password, management key, PW3, the key's components) live in core::SecureBytes.
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <pkcs11-helper-1.0/pkcs11.h>

#include <algorithm>

#ifndef CKA_PUBLIC_KEY_INFO
#define CKA_PUBLIC_KEY_INFO 0x129UL
#endif

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "card-apps/common/private_key_der.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_module.h"
#include "cli/pin_input.h"
#include "cli/tokens.h"
#include "core/crypto/certificate.h"

namespace cli {

namespace {

const char* kHelp =
    "usage: mesign-token import-p12 [TOKEN-URI] [--slot 9a|9c|9d|9e|82..95|sig|dec|aut] [--force]\n"
    "                               [--password-fd N] [--mgmt-key-fd N] [--admin-pin-fd N] [--module PATH] "
    "FILE.p12\n"
    "Writes the private key of FILE.p12 into the slot (PIV default 9a, OpenPGP sig), then its certificate.\n"
    "The file's password is asked without echo (or read from --password-fd). PIV needs the management key\n"
    "(--mgmt-key-fd N as hex, else the default key), OpenPGP the admin PIN PW3 (asked, or --admin-pin-fd "
    "N).\n"
    "A slot that already holds a key is refused unless --force. Further certificates of the file's chain "
    "are\n"
    "listed, not stored. Only cards that allow key import take it (Yubico-compatible PIV, OpenPGP cards).\n";

const std::vector<OptionSpec> kOptions = {
    {"slot", true},           {"force", false},          {"password-fd", true},
    {"password-value", true}, {"mgmt-key-fd", true},     {"mgmt-key-value", true},
    {"admin-pin-fd", true},   {"admin-pin-value", true}, {"module", true}};

struct P12Free {
    void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct ChainFree {
    void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};

struct OsslFree {
    void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

std::string hexCode(CK_RV rv) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%lX", rv);
    return buf;
}

struct P12Content {
    std::unique_ptr<EVP_PKEY, PkeyFree> key;
    std::unique_ptr<X509, X509Free> cert;
    std::unique_ptr<STACK_OF(X509), ChainFree> chain;
};

CliResult<std::unique_ptr<PKCS12, P12Free>> readP12(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return cliFail(kExitFailed, "cannot read " + file + ": " + std::strerror(errno));
    const core::Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const unsigned char* p = data.data();
    std::unique_ptr<PKCS12, P12Free> p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) return cliFail(kExitFailed, file + ": not a PKCS#12 file");
    return p12;
}

// A file without a password (openssl pkcs12 -passout pass:) has its MAC under NULL or "": no prompt then.
std::optional<const char*> emptyPassword(PKCS12* p12) {
    if (PKCS12_verify_mac(p12, nullptr, 0)) return nullptr;
    if (PKCS12_verify_mac(p12, "", 0)) return "";
    return std::nullopt;
}

CliResult<P12Content> decodeP12(PKCS12* p12, const char* password, const std::string& file) {
    if (password && !PKCS12_verify_mac(p12, password, -1))
        return cliFail(kExitPin, file + ": wrong password");
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* chain = nullptr;
    if (!PKCS12_parse(p12, password, &key, &cert, &chain))
        return cliFail(kExitFailed, file + ": cannot decode the PKCS#12 content: " + opensslError());
    P12Content out{std::unique_ptr<EVP_PKEY, PkeyFree>(key), std::unique_ptr<X509, X509Free>(cert),
                   std::unique_ptr<STACK_OF(X509), ChainFree>(chain)};
    if (!out.key) return cliFail(kExitFailed, file + ": holds no private key");
    return out;
}

std::string subjectOf(X509* x) {
    char buf[256] = {};
    X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof buf);
    return buf;
}

// The module, loaded for this command only (C_Finalize at the end).
class Module {
  public:
    CliStatus load(const std::string& path) {
        m_lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!m_lib) return cliFail(kExitFailed, "cannot load the PKCS#11 module " + path + ": " + dlerror());
        auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(m_lib, "C_GetFunctionList"));
        if (!get || get(&m_fl) != CKR_OK) return cliFail(kExitFailed, path + " is not a PKCS#11 module");
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;
        if (m_fl->C_Initialize(&args) != CKR_OK)
            return cliFail(kExitFailed, "the PKCS#11 module did not start");
        m_initialized = true;
        return {};
    }
    ~Module() {
        if (m_session) m_fl->C_CloseSession(m_session);
        if (m_initialized) m_fl->C_Finalize(nullptr);
        if (m_lib) dlclose(m_lib);
    }
    CK_FUNCTION_LIST* fl() const { return m_fl; }
    CK_SESSION_HANDLE session() const { return m_session; }

    // A R/W session on the token with this model and serial (the module pads the serial to 16 characters).
    CliStatus open(const token::TokenInfo& info) {
        CK_ULONG n = 0;
        if (m_fl->C_GetSlotList(CK_TRUE, nullptr, &n) != CKR_OK) return cliFail(kExitNoToken, "no token");
        std::vector<CK_SLOT_ID> slots(n);
        if (m_fl->C_GetSlotList(CK_TRUE, slots.data(), &n) != CKR_OK)
            return cliFail(kExitNoToken, "no token");
        const std::string serial = info.serial.substr(0, 16);
        for (CK_SLOT_ID s : slots) {
            CK_TOKEN_INFO ti{};
            if (m_fl->C_GetTokenInfo(s, &ti) != CKR_OK) continue;
            if (trimmed(ti.serialNumber, sizeof ti.serialNumber) != serial ||
                trimmed(ti.model, sizeof ti.model) != info.model)
                continue;
            if (m_fl->C_OpenSession(s, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &m_session) !=
                CKR_OK)
                return cliFail(kExitFailed, "cannot open a session on the token");
            return {};
        }
        return cliFail(kExitNoToken, "the PKCS#11 module does not show the token " + info.serial);
    }
    bool hasKey(CK_BYTE id) {
        for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
            CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
            CK_OBJECT_HANDLE o = 0;
            CK_ULONG found = 0;
            if (m_fl->C_FindObjectsInit(m_session, t, 2) != CKR_OK) continue;
            m_fl->C_FindObjects(m_session, &o, 1, &found);
            m_fl->C_FindObjectsFinal(m_session);
            if (found) return true;
        }
        return false;
    }

  private:
    static std::string trimmed(const unsigned char* p, std::size_t n) {
        std::string s(reinterpret_cast<const char*>(p), n);
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
    }
    void* m_lib = nullptr;
    CK_FUNCTION_LIST* m_fl = nullptr;
    bool m_initialized = false;
    CK_SESSION_HANDLE m_session = 0;
};

// The SO secret as the module takes it: the management key as hex text, PW3 as typed.
CliResult<core::SecureBytes> soSecret(const ParsedArgs& args, bool piv) {
    if (!piv) {
        auto src = secretSource(args, "admin-pin");
        if (!src) return std::unexpected(src.error());
        return readSecret(*src, "admin PIN (PW3)");
    }
    auto key = managementKey(args);
    if (!key) return std::unexpected(key.error());
    static const char* digits = "0123456789ABCDEF";
    core::SecureBytes hex;
    for (uint8_t b : *key) {
        hex.push_back(static_cast<uint8_t>(digits[b >> 4]));
        hex.push_back(static_cast<uint8_t>(digits[b & 15]));
    }
    return hex;
}

CliStatus loginSo(Module& m, const core::SecureBytes& secret, bool piv) {
    CK_RV rv =
        m.fl()->C_Login(m.session(), CKU_SO, const_cast<CK_UTF8CHAR_PTR>(secret.data()), secret.size());
    if (rv == CKR_OK) return {};
    const std::string what = piv ? "management key" : "admin PIN (PW3)";
    if (rv == CKR_PIN_INCORRECT) return cliFail(kExitPin, what + " not accepted");
    if (rv == CKR_PIN_LOCKED) return cliFail(kExitPin, what + " is blocked");
    if (rv == CKR_PIN_LEN_RANGE) return cliFail(kExitPin, what + " has the wrong length");
    return cliFail(kExitFailed, what + ": login failed (PKCS#11 error 0x" + hexCode(rv) + ")");
}

CliStatus writeKey(Module& m, const cardapp::PrivateKeyComponents& k, const core::Bytes& spki, CK_BYTE id,
                   const std::string& slot) {
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_KEY_TYPE type = cardapp::isRsa(k.algorithm) ? CKK_RSA : CKK_EC;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::vector<CK_ATTRIBUTE> t = {{CKA_CLASS, &cls, sizeof cls},     {CKA_KEY_TYPE, &type, sizeof type},
                                   {CKA_TOKEN, &yes, sizeof yes},     {CKA_SENSITIVE, &yes, sizeof yes},
                                   {CKA_EXTRACTABLE, &no, sizeof no}, {CKA_ID, &id, 1}};
    auto add = [&](CK_ATTRIBUTE_TYPE a, const uint8_t* p, std::size_t n) {
        t.push_back({a, const_cast<uint8_t*>(p), n});
    };
    static const core::Bytes p256 = core::hexBytes("06082A8648CE3D030107"),
                             p384 = core::hexBytes("06052B81040022");
    if (cardapp::isRsa(k.algorithm)) {
        add(CKA_MODULUS, k.modulus.data(), k.modulus.size());
        add(CKA_PUBLIC_EXPONENT, k.publicExponent.data(), k.publicExponent.size());
        add(CKA_PRIME_1, k.p.data(), k.p.size());
        add(CKA_PRIME_2, k.q.data(), k.q.size());
        add(CKA_EXPONENT_1, k.dp.data(), k.dp.size());
        add(CKA_EXPONENT_2, k.dq.data(), k.dq.size());
        add(CKA_COEFFICIENT, k.qinv.data(), k.qinv.size());
    } else if (cardapp::isEc(k.algorithm)) {
        const core::Bytes& params = k.algorithm == cardapp::KeyAlgorithm::EcP256 ? p256 : p384;
        add(CKA_EC_PARAMS, params.data(), params.size());
        add(CKA_VALUE, k.scalar.data(), k.scalar.size());
        add(CKA_PUBLIC_KEY_INFO, spki.data(), spki.size());  // the point, for cards that want it
    } else {
        return cliFail(kExitFailed, std::string(cardapp::keyAlgorithmName(k.algorithm)) +
                                        " keys cannot be imported through this command (RSA, P-256, P-384)");
    }
    CK_OBJECT_HANDLE o = 0;
    const CK_RV rv = m.fl()->C_CreateObject(m.session(), t.data(), t.size(), &o);
    if (rv == CKR_OK) return {};
    const std::string alg = cardapp::keyAlgorithmName(k.algorithm);
    if (rv == CKR_FUNCTION_NOT_SUPPORTED)
        return cliFail(kExitFailed,
                       "the card does not allow key import (generate the key on it with enroll)");
    if (rv == CKR_ATTRIBUTE_VALUE_INVALID)
        return cliFail(kExitFailed, "the token cannot take a " + alg + " key in slot " + slot);
    if (rv == CKR_DEVICE_MEMORY) return cliFail(kExitFailed, "no free key slot on the token");
    return cliFail(kExitFailed, "the card refused the key (PKCS#11 error 0x" + hexCode(rv) + ")");
}

CliStatus writeCertificate(Module& m, X509* cert, CK_BYTE id) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    if (len <= 0) return cliFail(kExitFailed, "cannot encode the certificate");
    std::unique_ptr<unsigned char, OsslFree> owner(der);
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                        {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                        {CKA_TOKEN, &yes, sizeof yes},
                        {CKA_ID, &id, 1},
                        {CKA_VALUE, der, static_cast<CK_ULONG>(len)}};
    CK_OBJECT_HANDLE o = 0;
    const CK_RV rv = m.fl()->C_CreateObject(m.session(), t, 5, &o);
    if (rv != CKR_OK)
        return cliFail(kExitFailed, "the key was written, but the certificate was refused (PKCS#11 error 0x" +
                                        hexCode(rv) + ")");
    return {};
}

CliStatus importP12(const ParsedArgs& args) {
    if (args.positional.empty() || args.positional.back().starts_with("pkcs11:"))
        return cliFail(kExitUsage, "import-p12 needs a FILE.p12");
    if (args.positional.size() > 2) return cliFail(kExitUsage, "too many arguments");
    const std::string& file = args.positional.back();
    std::optional<std::string> uri;
    if (args.positional.size() == 2) uri = args.positional.front();

    Tokens tokens;
    auto t = tokens.select(uri);
    if (!t) return std::unexpected(t.error());
    const bool piv = t->token->kind() == token::AppKind::Piv;
    auto named = slotFromUriAndOption(uri, args.value("slot"), !piv);  // --slot or the URI's id=
    if (!named) return std::unexpected(named.error());
    const std::optional<uint8_t> slot = named->value_or(piv ? 0x9A : kOpenPgpSig);
    const bool pgpSlot = *slot <= 0x03;
    if (pgpSlot == piv)
        return cliFail(kExitUsage,
                       "slot " + slotName(*slot) + " is not a slot of this " + t->info.model + " token");
    const CK_BYTE id = *ckaIdForKeyRef(*slot);

    auto file12 = readP12(file);
    if (!file12) return std::unexpected(file12.error());
    CliResult<P12Content> p12 = cliFail(kExitFailed, "");
    if (auto none = emptyPassword(file12->get())) {
        p12 = decodeP12(file12->get(), *none, file);
    } else {
        auto passSrc = secretSource(args, "password");
        if (!passSrc) return std::unexpected(passSrc.error());
        auto password = readSecret(*passSrc, "password of " + file);
        if (!password) return std::unexpected(password.error());
        password->push_back(0);  // OpenSSL wants a C string
        p12 = decodeP12(file12->get(), reinterpret_cast<const char*>(password->data()), file);
    }
    if (!p12) return std::unexpected(p12.error());
    auto key = cardapp::componentsFromPrivateKey(p12->key.get());
    unsigned char* spkiDer = nullptr;
    const int spkiLen = i2d_PUBKEY(p12->key.get(), &spkiDer);
    const core::Bytes spki(spkiDer, spkiDer + std::max(spkiLen, 0));
    OPENSSL_free(spkiDer);
    p12->key.reset();  // OpenSSL's copy is cleared on free; the components are SecureBytes
    if (!key) return cliFail(kExitFailed, file + ": " + key.error().message);

    auto so = soSecret(args, piv);
    if (!so) return std::unexpected(so.error());
    Module m;
    if (auto s = m.load(pkcs11ModulePath(args)); !s) return s;
    if (auto s = m.open(t->info); !s) return s;
    if (!args.has("force") && m.hasKey(id))
        return cliFail(kExitFailed, "slot " + slotName(*slot) + " already holds a key; --force replaces it");
    if (auto s = loginSo(m, *so, piv); !s) return s;
    if (auto s = writeKey(m, *key, spki, id, slotName(*slot)); !s) return s;
    std::fprintf(stderr, "mesign-token: %s key written to slot %s\n",
                 cardapp::keyAlgorithmName(key->algorithm), slotName(*slot).c_str());
    if (p12->cert) {
        if (auto s = writeCertificate(m, p12->cert.get(), id); !s) return s;
        std::fprintf(stderr, "mesign-token: certificate \"%s\" written to slot %s\n",
                     subjectOf(p12->cert.get()).c_str(), slotName(*slot).c_str());
    } else {
        std::fprintf(stderr, "mesign-token: %s holds no certificate for the key: only the key was written\n",
                     file.c_str());
    }
    const int extra = p12->chain ? sk_X509_num(p12->chain.get()) : 0;
    for (int i = 0; i < extra; ++i)
        std::fprintf(stderr, "mesign-token: not stored (chain certificate): \"%s\"\n",
                     subjectOf(sk_X509_value(p12->chain.get(), i)).c_str());
    m.fl()->C_Logout(m.session());
    return {};
}

}  // namespace

int runImportP12(const Args& argv) {
    auto args = parseArgs(argv, kOptions);
    if (!args) return report(args.error());
    if (args->help) return std::fputs(kHelp, stdout), kExitOk;
    auto s = importP12(*args);
    return s ? kExitOk : report(s.error());
}

}  // namespace cli
