#include "tests/minidriver/wine_fixture.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "core/apdu/tlv.h"

namespace mdtest {
namespace {

using namespace std::chrono_literals;

std::filesystem::path g_prefix;  // WINEPREFIX shared by the suite
std::string g_prefixError;

std::string wine64() {
    return MESIGN_WINE64;
}
std::filesystem::path mingwDir() {
    return MESIGN_MINGW_BUILD_DIR;
}

// A Linux path as Wine's Z: drive sees it.
std::string winePath(const std::filesystem::path& p) {
    std::string s = "Z:" + p.string();
    for (char& c : s)
        if (c == '/') c = '\\';
    return s;
}

std::vector<std::string> wineEnv(const std::string& overrides) {
    return {"WINEPREFIX=" + g_prefix.string(), "WINEDEBUG=-all", "DISPLAY=", "WINEDLLOVERRIDES=" + overrides};
}

}  // namespace

std::map<std::string, std::string> parseProbe(const std::string& out) {
    std::map<std::string, std::string> m;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (auto eq = line.find('='); eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return m;
}

std::string value(const std::map<std::string, std::string>& m, const std::string& name,
                  const std::string& fallback) {
    auto it = m.find(name);
    return it == m.end() ? fallback : it->second;
}

std::string lowerHex(ByteView b) {
    std::string s = core::toHex(b);
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Bytes unhex(const std::string& s) {
    Bytes out;
    EXPECT_TRUE(core::fromHex(s, out)) << s;
    return out;
}

std::string rc(DWORD v) {
    char b[16];
    std::snprintf(b, sizeof b, "%08lx", static_cast<unsigned long>(v));
    return b;
}

std::string answer(const core::Result<Bytes>& r) {
    return r ? "ok " + lowerHex(*r) : "err " + std::to_string(static_cast<int>(r.error().code));
}

Bytes certificateSpki(ByteView cert) {
    const unsigned char* p = cert.data();
    X509* x = d2i_X509(nullptr, &p, long(cert.size()));
    if (!x) return {};
    unsigned char* der = nullptr;
    const int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    Bytes out(der, der + (n > 0 ? n : 0));
    OPENSSL_free(der);
    X509_free(x);
    return out;
}

Bytes templateFor(ByteView spki, bool rsa) {
    const unsigned char* p = spki.data();
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, long(spki.size()));
    if (!key) return {};
    Bytes out;
    auto put = [&out](uint8_t tag, ByteView v) {
        const Bytes tlv = apdu::encodeTlv(tag, v);
        out.insert(out.end(), tlv.begin(), tlv.end());
    };
    if (rsa) {
        const std::pair<uint8_t, const char*> parts[] = {{0x81, OSSL_PKEY_PARAM_RSA_N},
                                                         {0x82, OSSL_PKEY_PARAM_RSA_E}};
        for (const auto& [tag, name] : parts) {
            BIGNUM* bn = nullptr;
            EVP_PKEY_get_bn_param(key, name, &bn);
            Bytes v(std::size_t(BN_num_bytes(bn)));
            BN_bn2bin(bn, v.data());
            BN_free(bn);
            put(tag, v);
        }
    } else {
        Bytes v(200);
        std::size_t n = 0;
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, v.data(), v.size(), &n);
        v.resize(n);
        put(0x86, v);
    }
    EVP_PKEY_free(key);
    return out;
}

void MinidriverWineTest::SetUpTestSuite() {
    if (!std::filesystem::exists(wine64())) {
        g_prefixError = wine64() + " not found: install wine64 (scripts/install-deps.sh)";
        return;
    }
    const char* scratch = std::getenv("MESIGN_SANDBOX_DIR");
    g_prefix = std::filesystem::path(scratch ? scratch : "/tmp") / "wineprefix";
    const auto t0 = std::chrono::steady_clock::now();
    itest::CommandOptions o;
    o.timeout = 240s;
    o.extraEnv = wineEnv("");
    auto r = itest::runCommand({wine64(), "wineboot", "-i"}, o);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    std::printf("wineboot -i: %lld ms (exit %d)\n", static_cast<long long>(ms.count()), r.exitCode);
    if (r.exitCode != 0) g_prefixError = "wineboot failed: " + r.describe();
}

void MinidriverWineTest::TearDownTestSuite() {
    if (g_prefix.empty()) return;
    itest::CommandOptions o;
    o.timeout = 30s;
    o.extraEnv = wineEnv("");
    itest::runCommand({std::filesystem::path(wine64()).replace_filename("wineserver64").string(), "-k"}, o);
    std::error_code ec;
    std::filesystem::remove_all(g_prefix, ec);
}

void MinidriverWineTest::SetUp() {
    MinidriverTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(g_prefixError.empty()) << g_prefixError;
    for (const char* f : {"mesign-minidriver.dll", "wine/md_probe.exe", "wine/winscard.dll",
                          "wine/piv_win_check.exe", "wine/openpgp_win_check.exe"})
        ASSERT_TRUE(std::filesystem::exists(mingwDir() / f))
            << (mingwDir() / f) << " missing: run minidriver/cross-build.sh (ctest minidriver.cross-build)";
}

std::vector<std::string> MinidriverWineTest::cardOptions() const {
    const auto* t = ::testing::UnitTest::GetInstance()->current_test_info();
    if (t && std::string_view(t->name()).starts_with("OpenPgp")) return {"--init", "openpgp", "--once"};
    return MinidriverTest::cardOptions();
}

itest::CommandResult MinidriverWineTest::probe(const std::vector<std::string>& args,
                                               const std::string& overrides,
                                               const std::vector<std::string>& env) {
    std::vector<std::string> argv = {wine64(), (mingwDir() / "wine/md_probe.exe").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    itest::CommandOptions o;
    o.timeout = 120s;
    o.extraEnv = wineEnv(overrides);
    o.extraEnv.insert(o.extraEnv.end(), env.begin(), env.end());
    o.workDir = dir();
    return itest::runCommand(argv, o);
}

std::vector<std::string> MinidriverWineTest::check(const char* exe, const std::string& input) {
    const std::string in = std::string(exe) + ".in";
    itest::writeFile(path(in), input);
    std::vector<std::string> argv = {"sh", "-c", "exec \"$0\" \"$1\" < \"$2\"", wine64(),
                                     (mingwDir() / "wine" / exe).string(), in};
    itest::CommandOptions o;
    o.timeout = 120s;
    o.extraEnv = wineEnv("");
    o.workDir = dir();
    auto r = itest::runCommand(argv, o);
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    std::vector<std::string> got;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        got.push_back(line);
    }
    return got;
}

std::string MinidriverWineTest::dllPath() const {
    return winePath(mingwDir() / "mesign-minidriver.dll");
}

}  // namespace mdtest
