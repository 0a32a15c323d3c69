// The host-side PIV driver (piv::PivApplication) through PcscTransport, pcscd and vpcd, against the
// virtual card. Results of private-key operations are checked with OpenSSL, never with our own code.
#include "tests/integration/piv_application_fixture.h"

namespace itest {
namespace {

TEST_F(PivApplicationTest, SelectsAndReportsIdentity) {
    ASSERT_TRUE(app().select());
    auto id = app().identity();
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(id->application, "PIV");
    EXPECT_FALSE(id->serial.empty());
    EXPECT_EQ(id->cardId.size(), 16u) << "CHUID GUID expected";
    EXPECT_EQ(id->label.find(':'), std::string::npos);
}

TEST_F(PivApplicationTest, PinVerifyChangeAndUnblock) {
    auto st = app().pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_FALSE(st->verified);

    auto wrong = app().verifyPin(PinKind::User, text("000000"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::PinIncorrect) << wrong.error().describe();
    EXPECT_EQ(wrong.error().retries, 2);

    ASSERT_NO_FATAL_FAILURE(verifyDefaultPin());
    st = app().pinStatus(PinKind::User);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_TRUE(st->verified);

    ASSERT_TRUE(app().changePin(PinKind::User, text("123456"), text("654321")));
    EXPECT_FALSE(app().verifyPin(PinKind::User, text("123456")));
    ASSERT_TRUE(app().verifyPin(PinKind::User, text("654321")));

    for (int i = 0; i < 3; ++i) (void)app().verifyPin(PinKind::User, text("999999"));
    auto blocked = app().verifyPin(PinKind::User, text("654321"));
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, Errc::AuthBlocked) << blocked.error().describe();

    auto unblock = app().unblockPin(text("12345678"), text("112233"));
    ASSERT_TRUE(unblock) << unblock.error().describe();
    EXPECT_TRUE(app().verifyPin(PinKind::User, text("112233")));
}

TEST_F(PivApplicationTest, ManagementKeyAuthentication) {
    Bytes wrongKey(piv::kDefaultManagementKey.begin(), piv::kDefaultManagementKey.end());
    wrongKey.back() ^= 0xFF;
    auto bad = app().authenticateAdmin(wrongKey);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::SecurityNotSatisfied) << bad.error().describe();
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
}

TEST_F(PivApplicationTest, GeneratesRsa2048SignsAndOpenSslVerifies) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    auto info = generate(0x9A, KeyAlgorithm::Rsa2048, "pub.pem");
    EXPECT_EQ(info.algorithm, KeyAlgorithm::Rsa2048);
    ASSERT_NO_FATAL_FAILURE(verifyDefaultPin());
    const Bytes data = text("signed through pcscd by the PIV driver\n");
    writeFile(path("data.txt"), std::string(data.begin(), data.end()));
    auto sig = app().sign(0x9A, pkcs1Sha256Block(data, 256));
    ASSERT_TRUE(sig) << sig.error().describe();
    ASSERT_EQ(sig->size(), 256u);
    writeFile(path("sig.bin"), std::string(sig->begin(), sig->end()));
    auto r = run({"openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.bin", "data.txt"});
    EXPECT_EQ(r.out, "Verified OK\n") << r.describe();
}

TEST_F(PivApplicationTest, GeneratesP256SignsWithPinAndOpenSslVerifies) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    auto info = generate(0x9C, KeyAlgorithm::EcP256, "pub.pem");
    EXPECT_EQ(info.algorithm, KeyAlgorithm::EcP256);
    const Bytes data = text("ECDSA through pcscd\n");
    writeFile(path("data.txt"), std::string(data.begin(), data.end()));
    // 9C: PIN policy "always", so VERIFY and GENERAL AUTHENTICATE travel together.
    auto sig = app().signWithPin(0x9C, sha256(data), text("123456"));
    ASSERT_TRUE(sig) << sig.error().describe();
    writeFile(path("sig.der"), std::string(sig->begin(), sig->end()));
    auto r = run({"openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "data.txt"});
    EXPECT_EQ(r.out, "Verified OK\n") << r.describe();
}

TEST_F(PivApplicationTest, WritesCertificateAndListsIt) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    generate(0x9A, KeyAlgorithm::EcP256, "pub.pem");
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
       "-subj '/CN=MeSign Test CA' -days 2 2>/dev/null && "
       "openssl x509 -new -force_pubkey pub.pem -subj '/CN=Driver Test' -CA ca.pem -CAkey ca.key -days 2 "
       "-outform DER -out cert.der");
    const std::string der = readFile(path("cert.der"));
    ASSERT_TRUE(app().writeCertificate(0x9A, Bytes(der.begin(), der.end())));
    auto back = app().certificate(0x9A);
    ASSERT_TRUE(back) << back.error().describe();
    ASSERT_TRUE(back->has_value());
    EXPECT_EQ(std::string((*back)->begin(), (*back)->end()), der);
    auto keys = app().keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    auto it = std::find_if(keys->begin(), keys->end(), [](const auto& k) { return k.ref == 0x9A; });
    ASSERT_NE(it, keys->end());
    EXPECT_TRUE(it->hasCertificate);
    EXPECT_EQ(it->algorithm, KeyAlgorithm::EcP256);
}

TEST_F(PivApplicationTest, DeciphersWhatOpenSslEncrypted) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    generate(0x9D, KeyAlgorithm::Rsa2048, "pub.pem");
    sh("printf 'session key 0123456789abcdef' > plain.bin && "
       "openssl pkeyutl -encrypt -pubin -inkey pub.pem -pkeyopt rsa_padding_mode:pkcs1 -in plain.bin -out enc.bin");
    const std::string enc = readFile(path("enc.bin"));
    ASSERT_NO_FATAL_FAILURE(verifyDefaultPin());
    auto block = app().decipher(0x9D, Bytes(enc.begin(), enc.end()));
    ASSERT_TRUE(block) << block.error().describe();
    ASSERT_EQ(block->size(), 256u);
    EXPECT_EQ((*block)[0], 0x00);
    EXPECT_EQ((*block)[1], 0x02);  // PKCS#1 v1.5 encryption block: 00 02 PS 00 M
    auto sep = std::find(block->begin() + 2, block->end(), 0x00);
    ASSERT_NE(sep, block->end());
    EXPECT_EQ(std::string(sep + 1, block->end()), "session key 0123456789abcdef");
}

TEST_F(PivApplicationTest, EcdhAgreesWithOpenSsl) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    generate(0x9D, KeyAlgorithm::EcP256, "card.pem");
    sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.key && "
       "openssl pkey -in peer.key -pubout -outform DER -out peer.der && "
       "openssl pkeyutl -derive -inkey peer.key -peerkey card.pem -out z.bin");
    const std::string spki = readFile(path("peer.der"));
    ASSERT_GE(spki.size(), 65u);
    const Bytes point(spki.end() - 65, spki.end());  // uncompressed point ends the P-256 SPKI
    ASSERT_EQ(point[0], 0x04);
    ASSERT_NO_FATAL_FAILURE(verifyDefaultPin());
    auto z = app().deriveEcdh(0x9D, point);
    ASSERT_TRUE(z) << z.error().describe();
    EXPECT_EQ(std::string(z->begin(), z->end()), readFile(path("z.bin")));
}

TEST_F(PivApplicationTest, ResetByAnotherProcessIsReportedAsStateLost) {
    ASSERT_NO_FATAL_FAILURE(verifyDefaultPin());
    auto ctx = transport::PcscContext::establish();
    ASSERT_TRUE(ctx);
    auto other = transport::PcscTransport::connect(*ctx, reader());
    ASSERT_TRUE(other);
    ASSERT_TRUE((*other)->reset());
    // A read-only call is repeated after re-selecting; the verified PIN is gone.
    auto st = app().pinStatus(PinKind::User);
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_FALSE(st->verified);
    EXPECT_TRUE(app().takeStateLost());
}

}  // namespace
}  // namespace itest
