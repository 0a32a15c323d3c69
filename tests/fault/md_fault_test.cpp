// The minidriver (minidriver/, driven as Windows' Base CSP drives it: own SCARDHANDLE, a transaction
// around the calls, the CSP allocator) through the card's faults during login (CardAuthenticatePin,
// VERIFY), signing (CardSignData with the 9A key), decryption (CardRSADecrypt with the 9D key; both
// GENERAL AUTHENTICATE), key generation (CardCreateContainerEx into 9E under ROLE_ADMIN, GENERATE) and
// certificate write (CardWriteFile kxc02, PUT DATA): the exact SCARD code, the time bound, no PIN try
// used, the state file intact (or still loadable after a write), and a fresh context that signs again.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "card-apps/piv/management_key.h"
#include "fault_fixture.h"
#include "minidriver/cardmod_v7.h"
#include "vcard/virtual_card.h"

extern "C" DWORD WINAPI CardAcquireContext(PCARD_DATA pCardData, DWORD dwFlags);

namespace fault {
namespace {

LPVOID WINAPI mdAlloc(SIZE_T n) {
    return std::malloc(n ? n : 1);
}
LPVOID WINAPI mdReAlloc(LPVOID p, SIZE_T n) {
    return std::realloc(p, n ? n : 1);
}
void WINAPI mdFree(LPVOID p) {
    std::free(p);
}
DWORD WINAPI cacheAdd(PVOID, LPWSTR, DWORD, PBYTE, DWORD) {
    return SCARD_S_SUCCESS;
}
DWORD WINAPI cacheLookup(PVOID, LPWSTR, DWORD, PBYTE*, PDWORD) {
    return DWORD(SCARD_W_CACHE_ITEM_NOT_FOUND);
}
DWORD WINAPI cacheDelete(PVOID, LPWSTR, DWORD) {
    return SCARD_S_SUCCESS;
}
wchar_t g_cardName[] = L"MeSign Token";

std::string scardName(DWORD rc) {
    switch (rc) {
        case DWORD(SCARD_S_SUCCESS):
            return "SCARD_S_SUCCESS";
        case DWORD(SCARD_W_REMOVED_CARD):
            return "SCARD_W_REMOVED_CARD";
        case DWORD(SCARD_W_RESET_CARD):
            return "SCARD_W_RESET_CARD";
        case DWORD(SCARD_E_NOT_TRANSACTED):
            return "SCARD_E_NOT_TRANSACTED";
        case DWORD(SCARD_E_UNEXPECTED):
            return "SCARD_E_UNEXPECTED";
        case DWORD(SCARD_W_SECURITY_VIOLATION):
            return "SCARD_W_SECURITY_VIOLATION";
        case DWORD(SCARD_E_COMM_DATA_LOST):
            return "SCARD_E_COMM_DATA_LOST";
        case DWORD(SCARD_F_COMM_ERROR):
            return "SCARD_F_COMM_ERROR";
        default: {
            char b[32];
            std::snprintf(b, sizeof b, "0x%08X", unsigned(rc));
            return b;
        }
    }
}

enum class MdOp { Login, Sign, Decrypt, Keygen, CertWrite };
struct MdCase {
    MdOp op;
    std::string fault;
    DWORD expected;
};

const char* mdOpName(MdOp op) {
    switch (op) {
        case MdOp::Login: return "Login";
        case MdOp::Sign: return "Sign";
        case MdOp::Decrypt: return "Decrypt";
        case MdOp::Keygen: return "Keygen";
        case MdOp::CertWrite: return "CertWrite";
    }
    return "?";
}

// The instruction the fault waits for: VERIFY, GENERAL AUTHENTICATE, GENERATE, PUT DATA.
const char* mdIns(MdOp op) {
    switch (op) {
        case MdOp::Login: return "20";
        case MdOp::Sign:
        case MdOp::Decrypt: return "87";
        case MdOp::Keygen: return "47";
        case MdOp::CertWrite: return "DB";
    }
    return "00";
}

bool mdWrites(MdOp op) {
    return op == MdOp::Keygen || op == MdOp::CertWrite;
}

void PrintTo(const MdCase& c, std::ostream* os) {
    *os << mdOpName(c.op) << " + " << c.fault;
}

std::vector<MdCase> mdCases() {
    std::vector<MdCase> v;
    for (MdOp op : {MdOp::Login, MdOp::Sign, MdOp::Decrypt, MdOp::Keygen, MdOp::CertWrite}) {
        // Card pulled (1 s off the reader): the minidriver asks PC/SC whether the card left before it
        // answers (minidriver/README.md), so the CSP gets the spec's code and starts over.
        v.push_back({op, "drop", DWORD(SCARD_W_REMOVED_CARD)});
        v.push_back({op, "garbage", DWORD(SCARD_E_UNEXPECTED)});
        v.push_back({op, "sw6f00", DWORD(SCARD_E_UNEXPECTED)});
        v.push_back({op, "slow 2000", DWORD(SCARD_S_SUCCESS)});
        // VERIFY and PUT DATA answer with a status word only: the truncated answer is the bare 9000 of a
        // command that ran. Cut data (a signature, a plaintext, a public key) is no valid response.
        const bool statusOnly = op == MdOp::Login || op == MdOp::CertWrite;
        v.push_back({op, "truncate", statusOnly ? DWORD(SCARD_S_SUCCESS) : DWORD(SCARD_E_UNEXPECTED)});
        // VERIFY runs on the reset card (the login); the others need the PIN or the management key
        // authentication the reset dropped.
        v.push_back(
            {op, "reset", op == MdOp::Login ? DWORD(SCARD_S_SUCCESS) : DWORD(SCARD_W_SECURITY_VIOLATION)});
    }
    return v;
}

Bytes des3Ecb(const Bytes& key, const Bytes& block) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    Bytes out(block.size() + 8);
    int n = 0, m = 0;
    EVP_EncryptInit_ex(ctx.get(), EVP_des_ede3_ecb(), nullptr, key.data(), nullptr);
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    EVP_EncryptUpdate(ctx.get(), out.data(), &n, block.data(), int(block.size()));
    EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m);
    out.resize(std::size_t(n + m));
    return out;
}

class MdFault : public ::testing::TestWithParam<MdCase> {
  protected:
    void SetUp() override {
        m_pristine = readFile(m_card.stateFile());
        ASSERT_TRUE(pcsc::waitCard(false, 5.0)) << "a card is still in the reader";
        m_card.start();
        ASSERT_TRUE(pcsc::waitCard(true, 10.0)) << m_card.log();
        ASSERT_EQ(SCARD_S_SUCCESS, SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &m_ctx));
        acquire();
    }
    void TearDown() override {
        release();
        if (m_ctx) SCardReleaseContext(m_ctx);
        m_card.stop();
    }
    // Connect, begin the transaction and CardAcquireContext, as the CSP does; the first failing code.
    DWORD tryAcquire() {
        DWORD proto = 0;
        LONG rv = SCardConnect(m_ctx, setup().reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
                               &m_handle, &proto);
        if (rv != SCARD_S_SUCCESS) {
            m_handle = 0;
            return DWORD(rv);
        }
        BYTE atr[64];
        DWORD atrLen = sizeof atr, state = 0, nameLen = 0;
        if ((rv = SCardStatus(m_handle, nullptr, &nameLen, &state, &proto, atr, &atrLen)) != SCARD_S_SUCCESS)
            return DWORD(rv);
        m_atr.assign(atr, atr + atrLen);
        if ((rv = SCardBeginTransaction(m_handle)) != SCARD_S_SUCCESS) return DWORD(rv);
        m_data = CARD_DATA{};
        m_data.dwVersion = CARD_DATA_CURRENT_VERSION;
        m_data.pbAtr = m_atr.data();
        m_data.cbAtr = DWORD(m_atr.size());
        m_data.pwszCardName = g_cardName;
        m_data.pfnCspAlloc = mdAlloc;
        m_data.pfnCspReAlloc = mdReAlloc;
        m_data.pfnCspFree = mdFree;
        m_data.pfnCspCacheAddFile = cacheAdd;
        m_data.pfnCspCacheLookupFile = cacheLookup;
        m_data.pfnCspCacheDeleteFile = cacheDelete;
        m_data.hSCardCtx = m_ctx;
        m_data.hScard = m_handle;
        const DWORD rc = CardAcquireContext(&m_data, 0);
        m_acquired = rc == SCARD_S_SUCCESS;
        return rc;
    }
    void acquire() { ASSERT_EQ(scardName(SCARD_S_SUCCESS), scardName(tryAcquire())); }
    void release() {
        if (m_acquired) m_data.pfnCardDeleteContext(&m_data);
        m_acquired = false;
        if (m_handle) {
            SCardEndTransaction(m_handle, SCARD_LEAVE_CARD);
            SCardDisconnect(m_handle, SCARD_LEAVE_CARD);
        }
        m_handle = 0;
    }
    DWORD login() {
        std::string pin = kUserPin;
        DWORD attempts = 0;
        return m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(wszCARD_USER_USER),
                                             reinterpret_cast<PBYTE>(pin.data()), DWORD(pin.size()),
                                             &attempts);
    }
    // SHA-256 PKCS#1 v1.5 with the 9A key (container 0); `sig` big-endian.
    DWORD sign(const Bytes& data, Bytes& sig) {
        Bytes hash(32);
        unsigned n = 0;
        EVP_Digest(data.data(), data.size(), hash.data(), &n, EVP_sha256(), nullptr);
        CARD_SIGNING_INFO info{};
        info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
        info.bContainerIndex = 0;
        info.dwKeySpec = AT_KEYEXCHANGE;
        info.aiHashAlg = CALG_SHA_256;
        info.pbData = hash.data();
        info.cbData = DWORD(hash.size());
        const DWORD rc = m_data.pfnCardSignData(&m_data, &info);
        if (rc == SCARD_S_SUCCESS && info.pbSignedData) {
            sig.assign(info.pbSignedData, info.pbSignedData + info.cbSignedData);
            std::reverse(sig.begin(), sig.end());  // CAPI hands it back little-endian
            mdFree(info.pbSignedData);
        }
        return rc;
    }

    // ROLE_ADMIN as the Base CSP gets it: the card's challenge, encrypted with the management key (3DES).
    DWORD adminLogin() {
        PBYTE challenge = nullptr;
        DWORD n = 0, left = 0;
        DWORD rc = m_data.pfnCardGetChallengeEx(&m_data, ROLE_ADMIN, &challenge, &n, 0);
        if (rc != SCARD_S_SUCCESS) return rc;
        const Bytes key(piv::kDefaultManagementKey.begin(), piv::kDefaultManagementKey.end());
        Bytes response = des3Ecb(key, Bytes(challenge, challenge + n));
        mdFree(challenge);
        return m_data.pfnCardAuthenticateEx(&m_data, ROLE_ADMIN, 0, response.data(), DWORD(response.size()), nullptr,
                                            nullptr, &left);
    }
    // PKCS#1 v1.5 decryption with the 9D key (container 2); `cipher` big-endian as OpenSSL makes it.
    DWORD decrypt(const Bytes& cipher, Bytes& plain) {
        Bytes buf(cipher.rbegin(), cipher.rend());  // CAPI passes it little-endian
        CARD_RSA_DECRYPT_INFO info{};
        info.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO;
        info.bContainerIndex = 2;
        info.dwKeySpec = AT_KEYEXCHANGE;
        info.pbData = buf.data();
        info.cbData = DWORD(buf.size());
        info.dwPaddingType = CARD_PADDING_PKCS1;
        const DWORD rc = m_data.pfnCardRSADecrypt(&m_data, &info);
        if (rc == SCARD_S_SUCCESS) plain.assign(buf.begin(), buf.begin() + info.cbData);
        return rc;
    }
    // On-card P-256 key generation into 9E (container 3).
    DWORD keygen() {
        return m_data.pfnCardCreateContainerEx(&m_data, 3, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256, nullptr,
                                               ROLE_USER);
    }
    // The 9D certificate through the CSP's file interface (kxc02: the key exchange certificate of 9D).
    DWORD writeCert(Bytes cert) {
        DWORD rc = m_data.pfnCardCreateFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("kxc02"), 0,
                                            EveryoneReadUserWriteAc);
        if (rc != SCARD_S_SUCCESS) return rc;
        return m_data.pfnCardWriteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("kxc02"), 0, cert.data(),
                                       DWORD(cert.size()));
    }

    static std::string cardName() {
        std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        for (char& ch : name)
            if (ch == '/') ch = '_';
        return "md_" + name;
    }
    Vcard m_card{cardName()};
    Bytes m_pristine, m_atr;
    SCARDCONTEXT m_ctx = 0;
    SCARDHANDLE m_handle = 0;
    CARD_DATA m_data{};
    bool m_acquired = false;
};

TEST_P(MdFault, ExactCodeBoundedNoPinTryStateIntactUsableAgain) {
    const MdCase& c = GetParam();
    const Bytes data = {'m', 'i', 'n', 'i', 'd', 'r', 'i', 'v', 'e', 'r'};
    const Bytes secret = {'s', 'e', 's', 's', 'i', 'o', 'n'};
    Bytes cipher, cert;
    if (c.op == MdOp::Sign || c.op == MdOp::Decrypt) {
        ASSERT_EQ(scardName(SCARD_S_SUCCESS), scardName(login()));
    }
    if (mdWrites(c.op)) {
        ASSERT_EQ(scardName(SCARD_S_SUCCESS), scardName(adminLogin()));
    }
    if (c.op == MdOp::Decrypt) {
        std::string error;
        cipher = encryptRsaPkcs(setup().cardDir / "9d.pub", secret, &error);
        ASSERT_FALSE(cipher.empty()) << error;
    }
    if (c.op == MdOp::CertWrite) {
        cert = readFile(setup().cardDir / "9d.crt.der");
        ASSERT_FALSE(cert.empty());
    }
    m_card.fault(c.fault + " ins=" + mdIns(c.op));
    Bytes sig, plain;
    const auto start = Clock::now();
    DWORD rc = DWORD(SCARD_E_UNEXPECTED);
    switch (c.op) {
        case MdOp::Login: rc = login(); break;
        case MdOp::Sign: rc = sign(data, sig); break;
        case MdOp::Decrypt: rc = decrypt(cipher, plain); break;
        case MdOp::Keygen: rc = keygen(); break;
        case MdOp::CertWrite: rc = writeCert(cert); break;
    }
    const double took = secondsSince(start);
    m_card.fault("clear");
    EXPECT_EQ(scardName(c.expected), scardName(rc));
    EXPECT_NE(std::string::npos, m_card.log().find("fault: ")) << "the fault never fired";
    EXPECT_LT(took, kCallBound + (c.fault.starts_with("slow") ? 2.0 : 0.0));
    if (c.fault == "drop") {
        EXPECT_LT(took, kRemovalBound) << "a pulled card must be reported within " << kRemovalBound << " s";
        std::printf("[ MEASURED ] minidriver %s + drop returned %s after %.3f s\n", mdOpName(c.op),
                    scardName(rc).c_str(), took);
    }
    if (rc == SCARD_S_SUCCESS && c.op == MdOp::Sign) {
        EXPECT_EQ("", verifySha256Rsa(setup().cardDir / "9a.pub", data, sig));
    }
    if (rc == SCARD_S_SUCCESS && c.op == MdOp::Decrypt) {
        EXPECT_TRUE(plain == secret) << "wrong plaintext";
    }

    // Usable again: the CSP drops the context and the handle, then starts over (after a drop the card
    // comes back within kReinsertBound).
    release();
    ASSERT_TRUE(pcsc::waitCard(true, kReinsertBound));
    const auto back = Clock::now();
    DWORD again = DWORD(SCARD_E_UNEXPECTED);
    // A CSP that meets an error on a fresh handle (the removal not yet seen by pcscd) starts over.
    while (secondsSince(back) < kReinsertBound) {
        again = tryAcquire();
        if (again == SCARD_S_SUCCESS) again = login();
        if (again == SCARD_S_SUCCESS) again = sign(data, sig);
        if (again == SCARD_S_SUCCESS) break;
        release();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_EQ(scardName(SCARD_S_SUCCESS), scardName(again)) << "minidriver not usable again";
    EXPECT_EQ("", verifySha256Rsa(setup().cardDir / "9a.pub", data, sig));
    release();

    std::string error;
    auto tries = pcsc::retries(0x80, &error);
    ASSERT_TRUE(tries) << error;
    EXPECT_EQ(tries->first, tries->second) << "PIN tries used";
    if (!mdWrites(c.op)) {
        EXPECT_TRUE(readFile(m_card.stateFile()) == m_pristine) << "the state file changed";
    }
    // Reload a copy, as mesign-vcard would after a restart (magic, version, SHA-256, every section).
    const fs::path copy = m_card.stateFile().string() + ".reload";
    fs::copy_file(m_card.stateFile(), copy, fs::copy_options::overwrite_existing);
    auto reloaded = vcard::openCard(copy, "");
    EXPECT_TRUE(reloaded.has_value()) << "the state file no longer loads: " << reloaded.error().message;
    fs::remove(copy);
}

std::string mdCaseName(const ::testing::TestParamInfo<MdCase>& info) {
    return std::string(mdOpName(info.param.op)) + "_" + info.param.fault.substr(0, info.param.fault.find(' '));
}

INSTANTIATE_TEST_SUITE_P(Minidriver, MdFault, ::testing::ValuesIn(mdCases()), mdCaseName);

}  // namespace
}  // namespace fault
