// p11_stress: N threads against two virtual PIV tokens for a fixed time, each thread looping over find,
// sign, decrypt, login/logout and open/close session in its own random order. Every return code is
// counted per operation; only the codes PKCS#11 gives for the races this load creates are allowed (see
// kExpected), every signature is verified and every plaintext compared with OpenSSL's input, and each
// operation must have succeeded on each token. Exit 0 = clean; the table goes to stdout.
//
// Environment: MESIGN_STRESS_MODULE (libmesign-pkcs11.so), MESIGN_STRESS_DIR (card0/, card1/ with 9a.pub,
// 9d.pub and reader.txt from stress-cards.sh), MESIGN_STRESS_THREADS (default 16), MESIGN_STRESS_SECONDS
// (default 3).
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pkcs11-helper-1.0/pkcs11.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Bytes = std::vector<unsigned char>;
using Clock = std::chrono::steady_clock;

enum Op { kFind, kSign, kDecrypt, kLoginLogout, kOpenClose, kOpCount };
const char* const kOpNames[kOpCount] = {"find", "sign", "decrypt", "login/logout", "open/close"};

// What concurrency makes legitimately happen (PKCS#11 3.0 §5): the login is per application and token,
// so another thread's C_Logout ends it for every session — C_SignInit/C_DecryptInit/C_Sign/C_Decrypt
// then give CKR_USER_NOT_LOGGED_IN (and a private key's handle is no longer usable:
// CKR_KEY_HANDLE_INVALID), C_Login gives CKR_USER_ALREADY_LOGGED_IN when another thread logged in first,
// and C_Logout gives CKR_USER_NOT_LOGGED_IN when another thread logged out first.
bool expected(Op op, CK_RV rv) {
    if (rv == CKR_OK) return true;
    switch (op) {
        case kSign:
        case kDecrypt:
            return rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_KEY_HANDLE_INVALID;
        case kLoginLogout:
            return rv == CKR_USER_ALREADY_LOGGED_IN || rv == CKR_USER_NOT_LOGGED_IN;
        default:
            return false;
    }
}

CK_FUNCTION_LIST* fl = nullptr;

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey readPub(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return nullptr;
    Pkey k(PEM_read_PUBKEY(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    return k;
}

struct Token {
    CK_SLOT_ID slot = 0;
    std::string reader;
    Pkey signPub, decryptPub;
};

struct Counts {
    std::mutex m;
    std::map<std::pair<int, int>, std::map<CK_RV, unsigned long>> byOpToken;  // (op, token) -> rv -> n
    std::atomic<unsigned long> badCrypto{0}, unexpected{0};
    std::string firstProblem;
    void add(Op op, int token, CK_RV rv) {
        std::lock_guard l(m);
        ++byOpToken[{op, token}][rv];
        if (!expected(op, rv)) {
            ++unexpected;
            if (firstProblem.empty()) {
                char b[96];
                std::snprintf(b, sizeof b, "%s on token %d: rv 0x%lX", kOpNames[op], token, rv);
                firstProblem = b;
            }
        }
    }
};

std::string env(const char* name, const char* fallback = nullptr) {
    const char* v = std::getenv(name);
    if (v && *v) return v;
    if (fallback) return fallback;
    std::fprintf(stderr, "p11_stress: %s is not set (run through stress-cards.sh)\n", name);
    std::exit(2);
}

bool verifySig(EVP_PKEY* key, const Bytes& data, const Bytes& sig) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
}

Bytes encrypt(EVP_PKEY* key, const Bytes& plain) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key, nullptr),
                                                                    EVP_PKEY_CTX_free);
    size_t len = 0;
    if (EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plain.data(), plain.size()) != 1)
        return {};
    Bytes out(len);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plain.data(), plain.size()) != 1) return {};
    out.resize(len);
    return out;
}

CK_OBJECT_HANDLE findOne(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls, unsigned char id, CK_RV* rv) {
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE;
    CK_ULONG n = 0;
    *rv = fl->C_FindObjectsInit(h, tmpl, 2);
    if (*rv != CKR_OK) return obj;
    *rv = fl->C_FindObjects(h, &obj, 1, &n);
    const CK_RV fin = fl->C_FindObjectsFinal(h);
    if (*rv == CKR_OK) *rv = fin;
    return n == 1 ? obj : CK_INVALID_HANDLE;
}

CK_RV login(CK_SESSION_HANDLE h) {
    CK_UTF8CHAR pin[] = {'1', '2', '3', '4', '5', '6'};
    return fl->C_Login(h, CKU_USER, pin, sizeof pin);
}

class Worker {
  public:
    Worker(int index, std::vector<Token>& tokens, Counts& counts, Clock::time_point end)
        : m_index(index), m_tokens(tokens), m_counts(counts), m_end(end), m_rng(1000u + index) {}

    void run() {
        const int t = m_index % 2;
        Token& tok = m_tokens[t];
        CK_SESSION_HANDLE h = 0;
        CK_RV rv = fl->C_OpenSession(tok.slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h);
        m_counts.add(kOpenClose, t, rv);
        if (rv != CKR_OK) return;
        std::array<Op, kOpCount> order = {kFind, kSign, kDecrypt, kLoginLogout, kOpenClose};
        const Bytes data = {'s', 't', 'r', 'e', 's', 's', static_cast<unsigned char>(m_index)};
        const Bytes secret = {'p', 'l', 'a', 'i', 'n', static_cast<unsigned char>(m_index)};
        const Bytes cipher = encrypt(tok.decryptPub.get(), secret);
        if (cipher.empty()) {
            ++m_counts.badCrypto;
            return;
        }
        // Key handles stay valid while the same card is in the slot (pkcs11/README.md): find them once,
        // logged in (another thread may log out right after; then login again).
        for (int attempt = 0; attempt < 1000 && (!m_signKey || !m_decryptKey); ++attempt) {
            rv = login(h);
            if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) continue;
            CK_RV frv = CKR_OK;
            if (!m_signKey) m_signKey = findOne(h, CKO_PRIVATE_KEY, 0x01, &frv);
            if (!m_decryptKey) m_decryptKey = findOne(h, CKO_PRIVATE_KEY, 0x03, &frv);
        }
        if (!m_signKey || !m_decryptKey) {
            ++m_counts.badCrypto;
            return;
        }
        while (Clock::now() < m_end) {
            std::shuffle(order.begin(), order.end(), m_rng);
            for (Op op : order) step(op, t, tok, h, data, secret, cipher);
        }
        fl->C_CloseSession(h);
    }

  private:
    void step(Op op, int t, Token& tok, CK_SESSION_HANDLE h, const Bytes& data, const Bytes& secret,
              const Bytes& cipher) {
        CK_RV rv = CKR_OK;
        switch (op) {
            case kFind: {
                CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
                CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}};
                CK_OBJECT_HANDLE objs[8];
                CK_ULONG n = 0;
                rv = fl->C_FindObjectsInit(h, tmpl, 1);
                if (rv == CKR_OK) rv = fl->C_FindObjects(h, objs, 8, &n);
                if (rv == CKR_OK) rv = fl->C_FindObjectsFinal(h);
                if (rv == CKR_OK && n != 2) ++m_counts.badCrypto;  // 9A and 9D certificates
                break;
            }
            case kSign:
            case kDecrypt:
                rv = keyOp(op, tok, h, data, secret, cipher);
                break;
            case kLoginLogout:
                rv = login(h);
                if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
                    m_counts.add(op, t, rv);
                    rv = fl->C_Logout(h);
                }
                break;
            case kOpenClose: {
                CK_SESSION_HANDLE other = 0;
                rv = fl->C_OpenSession(tok.slot, CKF_SERIAL_SESSION, nullptr, nullptr, &other);
                CK_SESSION_INFO info;
                if (rv == CKR_OK) rv = fl->C_GetSessionInfo(other, &info);
                const CK_RV closed = other ? fl->C_CloseSession(other) : CKR_OK;
                if (rv == CKR_OK) rv = closed;
                break;
            }
            default:
                break;
        }
        m_counts.add(op, t, rv);
    }

    // Logs in when needed (the login may have been ended by another thread), then signs or decrypts.
    CK_RV keyOp(Op op, Token& tok, CK_SESSION_HANDLE h, const Bytes& data, const Bytes& secret,
                const Bytes& cipher) {
        CK_RV rv = login(h);
        if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return rv;
        const CK_OBJECT_HANDLE key = op == kSign ? m_signKey : m_decryptKey;
        CK_MECHANISM mech{op == kSign ? CKM_SHA256_RSA_PKCS : CKM_RSA_PKCS, nullptr, 0};
        Bytes out(512), in = op == kSign ? data : cipher;
        CK_ULONG len = out.size();
        if (op == kSign) {
            rv = fl->C_SignInit(h, &mech, key);
            if (rv == CKR_OK) rv = fl->C_Sign(h, in.data(), in.size(), out.data(), &len);
        } else {
            rv = fl->C_DecryptInit(h, &mech, key);
            if (rv == CKR_OK) rv = fl->C_Decrypt(h, in.data(), in.size(), out.data(), &len);
        }
        if (rv != CKR_OK) return rv;
        out.resize(len);
        const bool good = op == kSign ? verifySig(tok.signPub.get(), data, out) : out == secret;
        if (!good) ++m_counts.badCrypto;
        return rv;
    }

    int m_index;
    std::vector<Token>& m_tokens;
    Counts& m_counts;
    Clock::time_point m_end;
    std::mt19937 m_rng;
    CK_OBJECT_HANDLE m_signKey = CK_INVALID_HANDLE, m_decryptKey = CK_INVALID_HANDLE;
};

std::string trimmed(const unsigned char* s, std::size_t n) {
    std::string r(reinterpret_cast<const char*>(s), n);
    r.erase(r.find_last_not_of(' ') + 1);
    return r;
}

}  // namespace

int main() {
    const std::string module = env("MESIGN_STRESS_MODULE"), dir = env("MESIGN_STRESS_DIR");
    const int threads = std::atoi(env("MESIGN_STRESS_THREADS", "16").c_str());
    const double seconds = std::atof(env("MESIGN_STRESS_SECONDS", "3").c_str());
    if (threads < 2 || seconds <= 0) {
        std::fprintf(stderr, "p11_stress: need at least 2 threads and a positive duration\n");
        return 2;
    }
    void* lib = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        std::fprintf(stderr, "p11_stress: dlopen: %s\n", dlerror());
        return 1;
    }
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib, "C_GetFunctionList"));
    if (!getList || getList(&fl) != CKR_OK) return 1;
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    if (fl->C_Initialize(&args) != CKR_OK) return 1;

    // The two tokens, told apart by their reader (stress-cards.sh wrote each card's reader name).
    std::vector<Token> tokens(2);
    for (int i = 0; i < 2; ++i) {
        std::ifstream r(dir + "/card" + std::to_string(i) + "/reader.txt");
        std::getline(r, tokens[i].reader);
        tokens[i].signPub = readPub(dir + "/card" + std::to_string(i) + "/9a.pub");
        tokens[i].decryptPub = readPub(dir + "/card" + std::to_string(i) + "/9d.pub");
        if (tokens[i].reader.empty() || !tokens[i].signPub || !tokens[i].decryptPub) {
            std::fprintf(stderr, "p11_stress: card%d files missing in %s\n", i, dir.c_str());
            return 1;
        }
    }
    int found = 0;
    for (int attempt = 0; attempt < 100 && found < 2; ++attempt) {
        found = 0;
        CK_SLOT_ID slots[16];
        CK_ULONG n = 16;
        if (fl->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK) {
            for (CK_ULONG s = 0; s < n; ++s) {
                CK_SLOT_INFO info;
                if (fl->C_GetSlotInfo(slots[s], &info) != CKR_OK) continue;
                const std::string desc = trimmed(info.slotDescription, sizeof info.slotDescription);
                for (auto& tok : tokens)
                    if (desc.find(tok.reader) != std::string::npos) {
                        tok.slot = slots[s];
                        ++found;
                    }
            }
        }
        if (found < 2) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (found != 2) {
        std::fprintf(stderr, "p11_stress: expected both tokens (%s, %s), found %d\n",
                     tokens[0].reader.c_str(), tokens[1].reader.c_str(), found);
        return 1;
    }

    Counts counts;
    const auto start = Clock::now();
    const auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::vector<std::thread> pool;
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < threads; ++i) {
        workers.push_back(std::make_unique<Worker>(i, tokens, counts, end));
        pool.emplace_back([w = workers.back().get()] { w->run(); });
    }
    for (auto& t : pool) t.join();
    const double took = std::chrono::duration<double>(Clock::now() - start).count();
    const CK_RV fin = fl->C_Finalize(nullptr);

    std::printf("p11_stress: %d threads, 2 tokens, %.1f s\n%-13s %-6s %10s  other return codes\n", threads,
                took, "operation", "token", "CKR_OK");
    unsigned long total = 0;
    bool missing = false;
    for (int op = 0; op < kOpCount; ++op)
        for (int t = 0; t < 2; ++t) {
            auto& m = counts.byOpToken[{op, t}];
            std::string other;
            for (auto& [rv, n] : m) {
                total += n;
                if (rv == CKR_OK) continue;
                char b[48];
                std::snprintf(b, sizeof b, " 0x%lX%s:%lu", rv, expected(Op(op), rv) ? "" : "(!)", n);
                other += b;
            }
            std::printf("%-13s %-6d %10lu %s\n", kOpNames[op], t, m[CKR_OK], other.c_str());
            if (m[CKR_OK] == 0) missing = true;
        }
    std::printf("total calls counted: %lu (%.0f/s); wrong signatures/plaintexts/find counts: %lu\n", total,
                total / took, counts.badCrypto.load());
    bool ok = true;
    if (counts.unexpected) {
        std::fprintf(stderr, "FAIL: %lu unexpected return codes, first: %s\n", counts.unexpected.load(),
                     counts.firstProblem.c_str());
        ok = false;
    }
    if (counts.badCrypto) {
        std::fprintf(stderr, "FAIL: %lu wrong results\n", counts.badCrypto.load());
        ok = false;
    }
    if (missing) {
        std::fprintf(stderr, "FAIL: some operation never succeeded on some token\n");
        ok = false;
    }
    if (fin != CKR_OK) {
        std::fprintf(stderr, "FAIL: C_Finalize 0x%lX\n", fin);
        ok = false;
    }
    return ok ? 0 : 1;
}
