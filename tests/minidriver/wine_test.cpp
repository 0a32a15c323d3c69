// The cross-built mesign-minidriver.dll under wine64 (Debian 12: Wine 8, whose winscard.dll is a stub).
// End to end: md_probe.exe (tests/minidriver/wine) loads the real DLL; a test-only winscard.dll forwards
// its SCard* calls over 127.0.0.1 to the bridge on this process's thread (wine/winscard_bridge.h), which
// calls pcsc-lite against the sandbox's virtual card. What the DLL reads must equal what the native build
// reads from the same card, and its signatures must verify with OpenSSL against the card's certificates.
// Smoke: with Wine's own winscard the DLL loads and CardAcquireContext fails cleanly.
// The Wine prefix (wineboot, ~20 s) is made once per suite in the sandbox's scratch directory (wine_fixture.h;
// the OpenPGP card's tests, wine_openpgp_test.cpp, share it).
#include <openssl/rand.h>

#include <map>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_application.h"
#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_public_key.h"
#include "core/transport/pcsc_transport.h"
#include "tests/minidriver/wine/winscard_bridge.h"
#include "tests/minidriver/wine_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;

std::string hex(ByteView b) {
    return lowerHex(b);
}
std::map<std::string, std::string> parse(const std::string& out) {
    return parseProbe(out);
}

TEST_F(MinidriverWineTest, RealDllReadsAsNativeAndSignsThroughForwardedWinscard) {
    const Bytes rsaSpki = provision(0x9A, cardapp::KeyAlgorithm::Rsa2048, "auth");
    const Bytes ecSpki = provision(0x9E, cardapp::KeyAlgorithm::EcP256, "cardauth");
    ASSERT_FALSE(rsaSpki.empty());
    ASSERT_FALSE(ecSpki.empty());
    // A key without a certificate: the driver learns its public key from GET METADATA's 7F49-style template
    // (piv_public_key.h; in the DLL the DER/CNG version with its on-curve check).
    ASSERT_FALSE(provision(0x9C, cardapp::KeyAlgorithm::EcP384, "").empty());
    ASSERT_NO_FATAL_FAILURE(dropSecurityStatus());

    // What the native build of the same driver reads from this card.
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cardid, cardcf, cmap, kxc00;
    ASSERT_EQ(readCardFile(nullptr, "cardid", cardid), kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cardcf), kOk);
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    ASSERT_EQ(readCardFile("mscp", "kxc00", kxc00), kOk);
    CONTAINER_INFO rsaInfo{}, ecInfo{}, p384Info{};
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 0, 0, &rsaInfo), kOk);
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 3, 0, &ecInfo), kOk);
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 1, 0, &p384Info), kOk);
    const Bytes p384Blob(p384Info.pbSigPublicKey, p384Info.pbSigPublicKey + p384Info.cbSigPublicKey);
    m_data.pfnCspFree(p384Info.pbSigPublicKey);
    ASSERT_EQ(p384Blob.size(), 8u + 96u);  // ECS3 header + X || Y
    const Bytes rsaBlob(rsaInfo.pbKeyExPublicKey, rsaInfo.pbKeyExPublicKey + rsaInfo.cbKeyExPublicKey);
    const Bytes ecBlob(ecInfo.pbSigPublicKey, ecInfo.pbSigPublicKey + ecInfo.cbSigPublicKey);
    m_data.pfnCspFree(rsaInfo.pbKeyExPublicKey);
    m_data.pfnCspFree(ecInfo.pbSigPublicKey);
    ASSERT_EQ(authenticate("123456"), kOk);
    Bytes hash = sha256(Bytes{'w', 'i', 'n', 'e'});
    CARD_SIGNING_INFO si{};
    si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    si.bContainerIndex = 0;
    si.dwKeySpec = AT_KEYEXCHANGE;
    si.aiHashAlg = CALG_SHA_256;
    si.pbData = hash.data();
    si.cbData = DWORD(hash.size());
    ASSERT_EQ(m_data.pfnCardSignData(&m_data, &si), kOk);
    const Bytes nativeRsaSig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
    m_data.pfnCspFree(si.pbSignedData);
    release();
    ASSERT_EQ(SCardEndTransaction(m_card, SCARD_LEAVE_CARD), SCARD_S_SUCCESS);
    m_inTransaction = false;
    ASSERT_NO_FATAL_FAILURE(dropSecurityStatus());

    wirescard::Bridge bridge;
    const uint16_t port = bridge.start();
    ASSERT_NE(port, 0) << bridge.error();
    const auto r = probe({"e2e", dllPath(), reader(), "123456", hex(hash)}, "winscard=n",
                         {"MESIGN_WINSCARD_BRIDGE_PORT=" + std::to_string(port)});
    bridge.stop();
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    const auto out = parse(r.out);
    EXPECT_GT(bridge.requests(), 10u)
        << "the probe's SCard calls did not go through the forwarding winscard.dll";

    for (const char* call :
         {"establish",      "listreaders",   "connect",       "status",        "begintransaction",
          "acquire",        "cardid.rc",     "cardcf.rc",     "cmapfile.rc",   "kxc00.rc",
          "ksc03.rc",       "container0.rc", "container3.rc", "container1.rc", "capabilities.rc",
          "guid.rc",        "pin",           "sign.rsa.rc",   "sign.ec.rc",    "deletecontext",
          "endtransaction", "disconnect",    "release"})
        EXPECT_EQ(out.count(call) ? out.at(call) : "(missing)", rc(kOk)) << call << "\n" << r.describe();
    EXPECT_NE(r.out.find("reader=" + reader() + "\r\n"), std::string::npos) << "SCardListReadersA: " << r.out;
    EXPECT_EQ(out.count("atr") ? out.at("atr") : "", hex(m_atr));
    EXPECT_EQ(out.count("getprocaddress") ? out.at("getprocaddress") : "", "1");
    EXPECT_EQ(out.count("version") ? out.at("version") : "", "7");
    EXPECT_EQ(out.count("live-allocations") ? out.at("live-allocations") : "", "0");
    EXPECT_EQ(out.count("bad-free"), 0u);

    // Read-only results: byte for byte what the native driver read.
    EXPECT_EQ(out.count("cardid") ? out.at("cardid") : "", hex(cardid));
    EXPECT_EQ(out.count("guid") ? out.at("guid") : "", hex(cardid));  // CP_CARD_GUID is the cardid
    EXPECT_EQ(out.count("cardcf") ? out.at("cardcf") : "", hex(cardcf));
    EXPECT_EQ(out.count("cmapfile") ? out.at("cmapfile") : "", hex(cmap));
    EXPECT_EQ(out.count("container0.kx") ? out.at("container0.kx") : "", hex(rsaBlob));
    EXPECT_EQ(out.count("container0.sig") ? out.at("container0.sig") : "(missing)", "");
    EXPECT_EQ(out.count("container3.sig") ? out.at("container3.sig") : "", hex(ecBlob));
    EXPECT_EQ(out.count("container1.sig") ? out.at("container1.sig") : "", hex(p384Blob));
    EXPECT_EQ(out.count("capabilities") ? out.at("capabilities") : "", "1,1");
    EXPECT_EQ(out.count("readonly") ? out.at("readonly") : "", "00000000");

    // Certificates as written, and signatures checked with OpenSSL against their public keys.
    const Bytes rsaCert = unhex(out.count("kxc00") ? out.at("kxc00") : "");
    const Bytes ecCert = unhex(out.count("ksc03") ? out.at("ksc03") : "");
    EXPECT_EQ(rsaCert, kxc00);
    EXPECT_EQ(std::string(rsaCert.begin(), rsaCert.end()), itest::readFile(path("auth.der")));
    EXPECT_EQ(std::string(ecCert.begin(), ecCert.end()), itest::readFile(path("cardauth.der")));
    EXPECT_EQ(certificateSpki(rsaCert), rsaSpki);
    EXPECT_EQ(certificateSpki(ecCert), ecSpki);
    const Bytes rsaSig = unhex(out.count("sign.rsa") ? out.at("sign.rsa") : "");
    ASSERT_EQ(rsaSig.size(), 256u);
    EXPECT_TRUE(verifyRsa(certificateSpki(rsaCert), hash, reversed(rsaSig), "SHA256", false, 0));
    EXPECT_EQ(rsaSig, nativeRsaSig);  // PKCS#1 v1.5 is deterministic: same key, same digest
    const Bytes ecSig = unhex(out.count("sign.ec") ? out.at("sign.ec") : "");
    ASSERT_EQ(ecSig.size(), 64u);
    EXPECT_TRUE(verifyEcdsaRaw(certificateSpki(ecCert), hash, ecSig));
}

TEST_F(MinidriverWineTest, StubWinscardAcquireFailsCleanly) {
    // Wine's builtin winscard.dll has no PC/SC behind it: the DLL loads, CardAcquireContext checks its
    // arguments and the ATR, and the first APDU to the made-up handle fails. Transport failures without
    // a PC/SC code are reported as SCARD_E_NOT_TRANSACTED (md_acquire.cpp), and nothing is left allocated.
    const auto r = probe({"stub", dllPath(), hex(m_atr)}, "winscard=b");
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    const auto out = parse(r.out);
    EXPECT_EQ(out.count("getprocaddress") ? out.at("getprocaddress") : "", "1") << r.describe();
    EXPECT_EQ(out.count("acquire") ? out.at("acquire") : "", rc(DWORD(SCARD_E_NOT_TRANSACTED)))
        << r.describe();
    EXPECT_EQ(out.count("live-allocations") ? out.at("live-allocations") : "", "0");

    // An ATR not in the table is refused before any card I/O.
    const auto unknown = probe({"stub", dllPath(), "3b8880014d65536967"}, "winscard=b");
    ASSERT_EQ(unknown.exitCode, 0) << unknown.describe();
    EXPECT_EQ(parse(unknown.out)["acquire"], rc(DWORD(SCARD_E_UNKNOWN_CARD)));
}

TEST_F(MinidriverWineTest, DllPivCryptoMatchesOpenSsl) {
    // Keys of every PIV algorithm (and an RSA-1536 PIV cannot hold) from the openssl tool.
    sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout r2.key -out r2.der -outform DER -subj /CN=r2 "
       "2>/dev/null && "
       "openssl req -x509 -newkey rsa:3072 -nodes -keyout r3.key -out r3.der -outform DER -subj /CN=r3 "
       "2>/dev/null && "
       "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout e2.key -out e2.der "
       "-outform DER -subj /CN=e2 2>/dev/null && "
       "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout e3.key -out e3.der "
       "-outform DER -subj /CN=e3 2>/dev/null && "
       "openssl req -x509 -newkey ed25519 -nodes -keyout ed.key -out ed.der -outform DER -subj /CN=ed "
       "2>/dev/null && "
       "openssl genpkey -algorithm X25519 -out x.key && openssl pkey -in x.key -pubout -outform DER -out "
       "x.spki && "
       "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1536 -out r15.key && "
       "openssl pkey -in r15.key -pubout -outform DER -out r15.spki");
    auto file = [this](const char* name) {
        const std::string s = itest::readFile(path(name));
        return Bytes(s.begin(), s.end());
    };
    using cardapp::KeyAlgorithm;
    std::string input;
    std::vector<std::string> expected;
    // Answers the DLL may give under Wine instead of Linux's, by request index, with the reason (Wine 8's
    // bcrypt lacks what Windows' CNG has: see the off-curve case below).
    std::map<std::size_t, std::pair<std::string, const char*>> wineMayAnswer;
    auto ask = [&](const std::string& line, const std::string& linuxAnswer) {
        input += line + "\n";
        expected.push_back(linuxAnswer);
    };
    auto tpl = [&](KeyAlgorithm a, const Bytes& t) {
        char id[3];
        std::snprintf(id, sizeof id, "%02x", piv::algorithmId(a));
        ask(std::string("tpl ") + id + " " + hex(t), answer(piv::spkiFromPublicKeyTemplate(t, a)));
    };
    auto alg = [&](const Bytes& spki) {
        auto a = piv::algorithmFromSpki(spki);
        ask("alg " + hex(spki), a ? answer(Bytes{piv::algorithmId(*a)}) : answer(core::fail(a.error())));
    };
    const std::pair<const char*, KeyAlgorithm> certs[] = {{"r2.der", KeyAlgorithm::Rsa2048},
                                                          {"r3.der", KeyAlgorithm::Rsa3072},
                                                          {"e2.der", KeyAlgorithm::EcP256},
                                                          {"e3.der", KeyAlgorithm::EcP384},
                                                          {"ed.der", KeyAlgorithm::Ed25519}};
    for (const auto& [name, a] : certs) {
        const Bytes cert = file(name);
        auto spki = piv::spkiFromCertificate(cert);
        ASSERT_TRUE(spki) << name;
        ask("cert " + hex(cert), answer(spki));
        alg(*spki);
        Bytes t = templateFor(*spki, cardapp::isRsa(a));
        ASSERT_FALSE(t.empty()) << name;
        tpl(a, t);
        // Broken variants: an RSA modulus one bit short; an EC point moved off the curve; a truncated
        // template.
        Bytes bad = t;
        if (cardapp::isRsa(a)) {
            bad[4] &= 0x7F;  // 81 82 LL LL, then the modulus
        } else {
            bad.back() ^= 0x01;
            if (cardapp::isEc(a)) {
                // Off the curve: OpenSSL refuses it (Malformed). The DLL asks CNG to import the point, which
                // validates it on Windows; Wine 8's bcrypt imports it unchecked, so under Wine the DLL may
                // instead return exactly the SPKI of that point.
                Bytes accepted = *spki;
                accepted.back() ^= 0x01;
                wineMayAnswer[expected.size()] = {"ok " + hex(accepted), "EC point off the curve accepted"};
            }
        }
        tpl(a, bad);
        if (a != KeyAlgorithm::Ed25519) {  // any 32 bytes are an Ed25519 public key
            EXPECT_EQ(expected.back(), "err " + std::to_string(int(core::Errc::Malformed)));
        }
        tpl(a, Bytes(t.begin(), t.end() - 1));
    }
    // The management key's ECB block (BCrypt in the DLL): each algorithm both ways, then wrong sizes.
    for (uint8_t a : {piv::alg::kTdes, piv::alg::kAes128, piv::alg::kAes192, piv::alg::kAes256}) {
        Bytes key(piv::managementKeyLength(a)), block(piv::managementBlockSize(a));
        ASSERT_EQ(RAND_bytes(key.data(), int(key.size())), 1);
        ASSERT_EQ(RAND_bytes(block.data(), int(block.size())), 1);
        for (bool enc : {true, false}) {
            char line[8];
            std::snprintf(line, sizeof line, "%02x", a);
            auto r = piv::managementCipher(a, key, block, enc);
            ASSERT_TRUE(r) << r.error().describe();
            ask(std::string("ecb ") + line + " " + hex(key) + " " + hex(block) + (enc ? " e" : " d"),
                r ? answer(Bytes(r->begin(), r->end())) : answer(core::fail(r.error())));
        }
        auto wrongKey = piv::managementCipher(a, Bytes(key.size() + 8, 1), block, true);
        ask("ecb " + hex(Bytes{a}) + " " + hex(Bytes(key.size() + 8, 1)) + " " + hex(block) + " e",
            answer(core::fail(wrongKey.error())));
        auto wrongBlock = piv::managementCipher(a, key, Bytes(block.size() + 1, 2), true);
        ask("ecb " + hex(Bytes{a}) + " " + hex(key) + " " + hex(Bytes(block.size() + 1, 2)) + " e",
            answer(core::fail(wrongBlock.error())));
    }
    const Bytes x = file("x.spki");
    alg(x);
    tpl(KeyAlgorithm::X25519, templateFor(x, false));
    alg(file("r15.spki"));                     // NotSupported on both
    alg(Bytes{0x30, 0x03, 0x02, 0x01, 0x00});  // not an SPKI
    ask("cert " + hex(Bytes{0x30, 0x00}), answer(piv::spkiFromCertificate(Bytes{0x30, 0x00})));
    // DER has no padding: a leading FF or 00 is refused by both (the DLL's BER-TLV reader would skip it).
    for (uint8_t pad : {0xFF, 0x00}) {
        Bytes padded = file("r2.der");
        padded.insert(padded.begin(), pad);
        auto refused = piv::spkiFromCertificate(padded);
        EXPECT_FALSE(refused) << "OpenSSL took a certificate after a padding byte";
        ask("cert " + hex(padded), answer(refused));
        Bytes spki = *piv::spkiFromCertificate(file("r2.der"));
        spki.insert(spki.begin(), pad);
        alg(spki);
    }

    const std::vector<std::string> got = check("piv_win_check.exe", input);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (auto alt = wineMayAnswer.find(i); alt != wineMayAnswer.end()) {
            if (got[i] != expected[i]) {
                EXPECT_EQ(got[i], alt->second.first) << "request " << i;
                std::printf("note: request %zu: %s (Wine)\n", i, alt->second.second);
            }
            continue;
        }
        EXPECT_EQ(got[i], expected[i]) << "request " << i;
    }
    EXPECT_EQ(wineMayAnswer.size(), 2u);  // the two off-curve points
}

}  // namespace
}  // namespace mdtest
