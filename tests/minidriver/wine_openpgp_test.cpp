// The cross-built DLL on an OpenPGP card under wine64 (same suite and Wine prefix as wine_test.cpp's PIV
// tests, wine_fixture.h): md_probe.exe's `pgp` session must read byte for byte what the native build reads
// from `mesign-vcard --init openpgp`, its signatures must verify with OpenSSL against the card's keys, and
// openpgp_win_check.exe compares the DLL's openpgp_crypto.h stand-ins (BCrypt, DER) with the Linux
// (OpenSSL) implementations answer by answer.
#include <openssl/rand.h>

#include "card-apps/openpgp/openpgp_constants.h"
#include "card-apps/openpgp/openpgp_crypto.h"
#include "card-apps/openpgp/openpgp_public_key.h"
#include "core/crypto/public_key.h"
#include "core/transport/pcsc_transport.h"
#include "tests/minidriver/openpgp_md_fixture.h"
#include "tests/minidriver/wine/winscard_bridge.h"
#include "tests/minidriver/wine_fixture.h"

namespace mdtest {
namespace {

using cardapp::KeyAlgorithm;

// Both public keys of a container as md_probe prints them (sig, kx), read through the native build.
std::pair<std::string, std::string> nativeContainer(CARD_DATA& d, BYTE index) {
    CONTAINER_INFO info{};
    info.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    EXPECT_EQ(d.pfnCardGetContainerInfo(&d, index, 0, &info), kOk) << int(index);
    std::pair<std::string, std::string> out{
        lowerHex(ByteView(info.pbSigPublicKey, info.cbSigPublicKey)),
        lowerHex(ByteView(info.pbKeyExPublicKey, info.cbKeyExPublicKey))};
    d.pfnCspFree(info.pbSigPublicKey);
    d.pfnCspFree(info.pbKeyExPublicKey);
    return out;
}

std::string nativeProperty(CARD_DATA& d, LPCWSTR prop) {
    BYTE buf[512];
    DWORD n = 0;
    EXPECT_EQ(d.pfnCardGetProperty(&d, const_cast<LPWSTR>(prop), buf, sizeof buf, &n, 0), kOk);
    return lowerHex(ByteView(buf, n));
}

TEST_F(MinidriverWineTest, OpenPgpCardReadsAsNativeAndSigns) {
    // SIG: RSA-2048 with a certificate; AUT: ECDSA P-256 with one; DEC: ECDH P-384 without (its public key
    // comes from the card's 7F49 through the DLL's spkiFromCardKey).
    const Bytes sigSpki = provisionOpenPgpKey(reader(), openpgp::key::kSig, KeyAlgorithm::Rsa2048,
                                              [&](ByteView s) { return certify(s, "pgpsig"); });
    const Bytes autSpki = provisionOpenPgpKey(reader(), openpgp::key::kAut, KeyAlgorithm::EcP256,
                                              [&](ByteView s) { return certify(s, "pgpaut"); });
    ASSERT_FALSE(provisionOpenPgpKey(reader(), openpgp::key::kDec, KeyAlgorithm::EcP384, {}).empty());
    ASSERT_FALSE(sigSpki.empty());
    ASSERT_FALSE(autSpki.empty());

    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cardid, cardcf, cmap, ksc00, ksc02;
    ASSERT_EQ(readCardFile(nullptr, "cardid", cardid), kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cardcf), kOk);
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    ASSERT_EQ(readCardFile("mscp", "ksc00", ksc00), kOk);
    ASSERT_EQ(readCardFile("mscp", "ksc02", ksc02), kOk);
    std::pair<std::string, std::string> containers[3];
    for (BYTE i : {0, 1, 2}) containers[i] = nativeContainer(m_data, i);
    EXPECT_FALSE(containers[0].first.empty());   // RSA SIG: AT_SIGNATURE
    EXPECT_FALSE(containers[1].second.empty());  // ECDH DEC: the key-exchange blob
    EXPECT_FALSE(containers[2].first.empty());   // ECDSA AUT
    const std::string guid = nativeProperty(m_data, CP_CARD_GUID);
    const std::string serial = nativeProperty(m_data, CP_CARD_SERIAL_NO);
    ASSERT_EQ(authenticate(kPw1), kOk);
    Bytes hash = sha256(Bytes{'p', 'g', 'p'});
    CARD_SIGNING_INFO si = signingInfo(0, AT_SIGNATURE, CALG_SHA_256, hash);
    ASSERT_EQ(m_data.pfnCardSignData(&m_data, &si), kOk);
    const Bytes nativeRsaSig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
    m_data.pfnCspFree(si.pbSignedData);
    release();
    ASSERT_EQ(SCardEndTransaction(m_card, SCARD_LEAVE_CARD), SCARD_S_SUCCESS);
    m_inTransaction = false;
    ASSERT_NO_FATAL_FAILURE(logoutOpenPgp(reader()));  // the DLL must present PW1 itself

    wirescard::Bridge bridge;
    const uint16_t port = bridge.start();
    ASSERT_NE(port, 0) << bridge.error();
    const auto r = probe({"pgp", dllPath(), reader(), kPw1, lowerHex(hash)}, "winscard=n",
                         {"MESIGN_WINSCARD_BRIDGE_PORT=" + std::to_string(port)});
    bridge.stop();
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    const auto out = parseProbe(r.out);
    EXPECT_GT(bridge.requests(), 10u) << "the probe's SCard calls did not go through the forwarding winscard.dll";

    for (const char* call : {"establish", "connect", "begintransaction", "acquire", "cardid.rc", "cardcf.rc",
                             "cmapfile.rc", "ksc00.rc", "ksc02.rc", "container0.rc", "container1.rc",
                             "container2.rc", "guid.rc", "serial.rc", "pin", "sign.rsa.rc", "sign.ec.rc",
                             "deletecontext", "endtransaction", "disconnect", "release"})
        EXPECT_EQ(value(out, call, "(missing)"), rc(kOk)) << call << "\n" << r.describe();
    // PW1 is valid for one signature (the card's default C4): the second SIG signature needs it again.
    EXPECT_EQ(value(out, "sign.again.rc"), rc(DWORD(SCARD_W_SECURITY_VIOLATION)));
    EXPECT_EQ(value(out, "version"), "7");
    EXPECT_EQ(value(out, "live-allocations"), "0");
    EXPECT_EQ(out.count("bad-free"), 0u);

    EXPECT_EQ(value(out, "cardid"), lowerHex(cardid));
    EXPECT_EQ(value(out, "cardcf"), lowerHex(cardcf));
    EXPECT_EQ(value(out, "cmapfile"), lowerHex(cmap));
    EXPECT_EQ(value(out, "guid"), guid);
    EXPECT_EQ(value(out, "serial"), serial);
    for (int i = 0; i < 3; ++i) {
        const std::string n = "container" + std::to_string(i);
        EXPECT_EQ(value(out, n + ".sig", "(missing)"), containers[i].first) << n;
        EXPECT_EQ(value(out, n + ".kx", "(missing)"), containers[i].second) << n;
    }

    const Bytes sigCert = unhex(value(out, "ksc00"));
    const Bytes autCert = unhex(value(out, "ksc02"));
    EXPECT_EQ(sigCert, ksc00);
    EXPECT_EQ(autCert, ksc02);
    EXPECT_EQ(std::string(sigCert.begin(), sigCert.end()), itest::readFile(path("pgpsig.der")));
    EXPECT_EQ(certificateSpki(sigCert), sigSpki);
    EXPECT_EQ(certificateSpki(autCert), autSpki);
    const Bytes rsaSig = unhex(value(out, "sign.rsa"));
    ASSERT_EQ(rsaSig.size(), 256u);
    EXPECT_TRUE(verifyRsa(sigSpki, hash, reversed(rsaSig), "SHA256", false, 0));
    EXPECT_EQ(rsaSig, nativeRsaSig);  // PKCS#1 v1.5 is deterministic
    const Bytes ecSig = unhex(value(out, "sign.ec"));
    ASSERT_EQ(ecSig.size(), 64u);
    EXPECT_TRUE(verifyEcdsaRaw(autSpki, hash, ecSig));
}

TEST_F(MinidriverWineTest, OpenPgpKeyGeneratedAndCertifiedThroughTheDll) {
    // Enrolment in the DLL runs all of card-apps/openpgp's seams on the card: the v4 fingerprint (BCrypt
    // SHA-1) written to C9, the SPKI (DER), the certificate check.
    wirescard::Bridge bridge;
    const uint16_t port = bridge.start();
    ASSERT_NE(port, 0) << bridge.error();
    const std::vector<std::string> env = {"MESIGN_WINSCARD_BRIDGE_PORT=" + std::to_string(port)};
    const auto gen = probe({"pgpgen", dllPath(), reader(), kPw3}, "winscard=n", env);
    ASSERT_EQ(gen.exitCode, 0) << gen.describe();
    const auto g = parseProbe(gen.out);
    for (const char* call : {"acquire", "admin", "create", "container2.rc", "deletecontext"})
        EXPECT_EQ(value(g, call, "(missing)"), rc(kOk)) << call << "\n" << gen.describe();
    EXPECT_EQ(value(g, "badcert"), rc(DWORD(SCARD_E_INVALID_PARAMETER)));  // `30 00` is no certificate
    EXPECT_EQ(value(g, "live-allocations"), "0");
    const Bytes blob = unhex(value(g, "container2.sig"));
    ASSERT_EQ(blob.size(), 72u);  // BCRYPT_ECCKEY_BLOB header + X || Y

    // What the DLL left on the card, read natively: the key, and a fingerprint and time that OpenSSL's SHA-1
    // over the same key reproduces.
    Bytes spki;
    {
        auto ctx = transport::PcscContext::establish();
        ASSERT_TRUE(ctx);
        auto t = transport::PcscTransport::connect(*ctx, reader());
        ASSERT_TRUE(t);
        openpgp::OpenPgpApplication app(**t);
        auto data = app.applicationData();
        ASSERT_TRUE(data) << data.error().describe();
        const auto& attrs = data->attributes[2];
        ASSERT_TRUE(attrs);
        EXPECT_EQ(attrs->keyAlgorithm(), KeyAlgorithm::EcP256);
        EXPECT_EQ(attrs->algorithm, openpgp::algo::kEcdsa);
        auto pub = app.card().readPublicKey(openpgp::key::kAut, *attrs);
        ASSERT_TRUE(pub) << pub.error().describe();
        EXPECT_EQ(Bytes(blob.begin() + 8, blob.end()), Bytes(pub->point.begin() + 1, pub->point.end()));
        EXPECT_NE(data->generationTimes[2], 0u);
        auto fp = openpgp::v4Fingerprint(*pub, *attrs, data->generationTimes[2]);
        ASSERT_TRUE(fp);
        EXPECT_EQ(lowerHex(data->fingerprints[2]), lowerHex(*fp));
        auto s = openpgp::spkiFromCardKey(*pub, *attrs);
        ASSERT_TRUE(s);
        spki = *s;
    }

    const Bytes cert = certify(spki, "dllaut");
    Bytes hash = sha256(Bytes{'e', 'n', 'r', 'o', 'l'});
    const auto r = probe({"pgpcert", dllPath(), reader(), kPw3, kPw1, lowerHex(cert), lowerHex(hash)},
                         "winscard=n", env);
    bridge.stop();
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    const auto out = parseProbe(r.out);
    for (const char* call : {"acquire", "admin", "cert", "ksc02.rc", "pin", "sign.ec.rc", "deletecontext"})
        EXPECT_EQ(value(out, call, "(missing)"), rc(kOk)) << call << "\n" << r.describe();
    EXPECT_EQ(unhex(value(out, "ksc02")), cert);
    const Bytes sig = unhex(value(out, "sign.ec"));
    ASSERT_EQ(sig.size(), 64u);
    EXPECT_TRUE(verifyEcdsaRaw(certificateSpki(cert), hash, sig));
    EXPECT_EQ(value(out, "live-allocations"), "0");
}

TEST_F(MinidriverWineTest, DllOpenPgpCryptoMatchesOpenSsl) {
    sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout r2.key -out r2.der -outform DER -subj /CN=r2 "
       "2>/dev/null && "
       "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out e2.key && "
       "openssl pkey -in e2.key -pubout -outform DER -out e2.spki && "
       "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out e3.key && "
       "openssl pkey -in e3.key -pubout -outform DER -out e3.spki && "
       "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -out bp.key && "
       "openssl pkey -in bp.key -pubout -outform DER -out bp.spki && "
       "openssl genpkey -algorithm ED25519 -out ed.key && openssl pkey -in ed.key -pubout -outform DER -out ed.spki && "
       "openssl genpkey -algorithm X25519 -out x.key && openssl pkey -in x.key -pubout -outform DER -out x.spki");
    auto file = [this](const char* name) {
        const std::string s = itest::readFile(path(name));
        return Bytes(s.begin(), s.end());
    };
    std::string input;
    std::vector<std::string> expected;
    // Answers the DLL gives instead of Linux's, by request index, with the reason.
    std::map<std::size_t, std::pair<std::string, const char*>> dllMayAnswer;
    auto ask = [&](const std::string& line, const std::string& linuxAnswer) {
        input += line + "\n";
        expected.push_back(linuxAnswer);
    };
    const std::string created = "5f000000";
    auto keyCase = [&](const Bytes& attrs, const Bytes& tpl, bool dllBuildsIt, bool ec) {
        openpgp::CardPublicKey key;
        auto a = openpgp::decodeAlgorithmAttributes(attrs);
        ASSERT_TRUE(a);
        auto k = openpgp::decodePublicKeyTemplate(tpl, *a);
        auto spki = k ? openpgp::spkiFromCardKey(*k, *a) : core::Result<Bytes>(core::fail(k.error()));
        if (!dllBuildsIt)
            dllMayAnswer[expected.size()] = {"err " + std::to_string(int(core::Errc::NotSupported)),
                                             "a curve the DLL builds no SPKI for"};
        ask("spki " + lowerHex(attrs) + " " + lowerHex(tpl), answer(spki));
        if (k) {
            auto fp = openpgp::v4Fingerprint(*k, *a, 0x5F000000);
            ask("fpr " + lowerHex(attrs) + " " + lowerHex(tpl) + " " + created,
                fp ? answer(Bytes(fp->begin(), fp->end())) : answer(core::fail(fp.error())));
        }
        if (!ec || !spki) return;
        // A point moved off the curve: OpenSSL refuses it; the DLL's CNG import does on Windows, but Wine 8's
        // bcrypt imports it unchecked, so under Wine the DLL may return exactly the SPKI of that point.
        Bytes off = tpl;
        off.back() ^= 0x01;
        Bytes accepted = *spki;
        accepted.back() ^= 0x01;
        dllMayAnswer[expected.size()] = {"ok " + lowerHex(accepted), "EC point off the curve accepted (Wine)"};
        auto offKey = openpgp::decodePublicKeyTemplate(off, *a);
        ASSERT_TRUE(offKey);
        ask("spki " + lowerHex(attrs) + " " + lowerHex(off), answer(openpgp::spkiFromCardKey(*offKey, *a)));
        EXPECT_EQ(expected.back(), "err " + std::to_string(int(core::Errc::Malformed)));
    };
    auto attrsFor = [](uint8_t keyRef, KeyAlgorithm alg) {
        auto a = openpgp::encodeAlgorithmAttributes(keyRef, alg, nullptr);
        EXPECT_TRUE(a);
        return a ? *a : Bytes{};
    };
    using openpgp::key::kDec;
    using openpgp::key::kSig;
    const Bytes rsaSpki = certificateSpki(file("r2.der"));
    const Bytes rsaTpl = templateFor(rsaSpki, true);
    ASSERT_FALSE(rsaTpl.empty());
    keyCase(attrsFor(kSig, KeyAlgorithm::Rsa2048), rsaTpl, true, false);
    EXPECT_EQ(expected[expected.size() - 2], "ok " + lowerHex(rsaSpki));  // Linux gives OpenSSL's SPKI
    keyCase(attrsFor(kSig, KeyAlgorithm::Rsa3072), rsaTpl, true, false);  // wrong size: Malformed on both
    Bytes shortTpl(rsaTpl.begin(), rsaTpl.end() - 1);
    keyCase(attrsFor(kSig, KeyAlgorithm::Rsa2048), shortTpl, true, false);
    const std::pair<const char*, KeyAlgorithm> ecKeys[] = {{"e2.spki", KeyAlgorithm::EcP256},
                                                           {"e3.spki", KeyAlgorithm::EcP384}};
    for (const auto& [name, alg] : ecKeys) {
        const Bytes spki = file(name);
        keyCase(attrsFor(kSig, alg), templateFor(spki, false), true, true);  // ECDSA
        EXPECT_EQ(expected[expected.size() - 3], "ok " + lowerHex(spki)) << name;
        keyCase(attrsFor(kDec, alg), templateFor(spki, false), true, true);  // ECDH
    }
    keyCase(attrsFor(kSig, KeyAlgorithm::Ed25519), templateFor(file("ed.spki"), false), true, false);
    EXPECT_EQ(expected[expected.size() - 2], "ok " + lowerHex(file("ed.spki")));
    keyCase(attrsFor(kDec, KeyAlgorithm::X25519), templateFor(file("x.spki"), false), true, false);
    EXPECT_EQ(expected[expected.size() - 2], "ok " + lowerHex(file("x.spki")));
    // brainpoolP256r1 (ECDSA 13 + its OID): OpenSSL builds it, the DLL has no such curve (NotSupported; the
    // minidriver exposes RSA, P-256 and P-384 only).
    const Bytes bpAttrs = {0x13, 0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07};
    keyCase(bpAttrs, templateFor(file("bp.spki"), false), false, false);

    const Bytes cert = file("r2.der");
    ask("cert " + lowerHex(cert), "ok ");
    Bytes trailing = cert, leading{0xFF};
    trailing.push_back(0x00);  // 00 and FF: padding to BER-TLV (core/apdu), not to DER
    leading.insert(leading.end(), cert.begin(), cert.end());
    const std::string invalid = "err " + std::to_string(int(core::Errc::InvalidArgument));
    for (const Bytes& bad : {Bytes(cert.begin(), cert.end() - 1), trailing, leading, Bytes{0x30, 0x00}, rsaSpki, Bytes{}}) {
        EXPECT_FALSE(openpgp::checkCertificate(bad));
        ask("cert " + lowerHex(bad), invalid);
    }

    Bytes rs(64), rs96(96);
    ASSERT_EQ(RAND_bytes(rs.data(), int(rs.size())), 1);
    ASSERT_EQ(RAND_bytes(rs96.data(), int(rs96.size())), 1);
    rs[0] |= 0x80;  // r needs a sign byte
    rs[32] = 0x00;  // s has a leading zero
    rs[33] = 0x01;
    Bytes zeros(64, 0x00);
    for (const Bytes& v : {rs, rs96, zeros, Bytes(rs.begin(), rs.end() - 1), Bytes{}})
        ask("ecdsa " + lowerHex(v), answer(crypto::ecdsaRawToDer(v)));

    const std::size_t randFrom = expected.size();
    ask("rand 20", "");
    ask("rand 20", "");
    ask("rand 00", "ok ");

    const std::vector<std::string> got = check("openpgp_win_check.exe", input);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < randFrom; ++i) {
        if (auto alt = dllMayAnswer.find(i); alt != dllMayAnswer.end() && got[i] != expected[i]) {
            EXPECT_EQ(got[i], alt->second.first) << "request " << i;
            std::printf("note: request %zu: %s\n", i, alt->second.second);
            continue;
        }
        EXPECT_EQ(got[i], expected[i]) << "request " << i;
    }
    // BCryptGenRandom: 32 bytes each time, two different answers.
    EXPECT_EQ(got[randFrom].size(), 3u + 64u) << got[randFrom];
    EXPECT_EQ(got[randFrom].rfind("ok ", 0), 0u);
    EXPECT_NE(got[randFrom], got[randFrom + 1]);
    EXPECT_EQ(got[randFrom + 2], "ok ");
}

}  // namespace
}  // namespace mdtest
