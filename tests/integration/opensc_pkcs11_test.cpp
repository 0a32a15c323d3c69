// OpenSC's PKCS#11 module (through pkcs11-tool) against the virtual card: the path most applications
// take. Keys are generated and certified with yubico-piv-tool first (OpenSC lists PIV keys by their
// certificates); every signature is verified with OpenSSL against the card's public key.
#include "tests/integration/piv_client_fixture.h"

namespace itest {
namespace {

class OpenscPkcs11Test : public PivClientFixture {
protected:
    // PIV slot -> PKCS#11 CKA_ID used by OpenSC.
    static std::string idOf(const std::string& slot) {
        if (slot == "9a") return "01";
        if (slot == "9c") return "02";
        if (slot == "9d") return "03";
        return "04";
    }
    CommandResult signWith(const std::string& slot, const std::string& mechanism, const std::string& out,
                           const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--login", "--pin", kPin, "--sign", "--id", idOf(slot), "-m", mechanism,
                                      "-i", "data.bin", "-o", out};
        args.insert(args.end(), extra.begin(), extra.end());
        return pkcs11(args);
    }
    void makeData() { sh("openssl rand -out data.bin 1000"); }
};

TEST_F(OpenscPkcs11Test, ListsTheSlotWithThePivToken) {
    auto r = pkcs11({"-L"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.out.find("Slot 0 (0x0): MeSign Test VPCD 00 00\n  token label        : "), std::string::npos)
        << r.describe();
    EXPECT_NE(r.out.find("  token model        : PKCS#15 emulated\n"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find("Slot 1 (0x4): MeSign Test VPCD 00 01\n  (empty)\n"), std::string::npos) << r.describe();
}

TEST_F(OpenscPkcs11Test, ListsKeysAndCertificatesOfProvisionedSlots) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "RSA2048", "PKCS11 Auth"));
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9c", "ECCP256", "PKCS11 Sign"));
    auto r = pkcs11({"-O", "--login", "--pin", kPin});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    for (const char* expected :
         {"Private Key Object; RSA \n  label:      PIV AUTH key\n  ID:         01\n",  // sic: trailing blank
          "Private Key Object; EC\n  label:      SIGN key\n  ID:         02\n",
          "Public Key Object; RSA 2048 bits\n  label:      PIV AUTH pubkey\n  ID:         01\n",
          "Certificate Object; type = X.509 cert\n  label:      Certificate for PIV Authentication\n"
          "  subject:    DN: CN=PKCS11 Auth\n",
          "Certificate Object; type = X.509 cert\n  label:      Certificate for Digital Signature\n"
          "  subject:    DN: CN=PKCS11 Sign\n",
          "  Access:     always authenticate, sensitive, always sensitive, never extractable, local\n",
          "  EC_PARAMS:  06082a8648ce3d030107\n"})
        EXPECT_NE(r.out.find(expected), std::string::npos) << "missing: " << expected << "\n" << r.describe();
}

TEST_F(OpenscPkcs11Test, RsaPkcsSignaturesWith9aAnd9cVerify) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "RSA2048", "RSA 9A"));
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9c", "RSA2048", "RSA 9C"));
    makeData();
    for (std::string slot : {"9a", "9c"}) {
        SCOPED_TRACE(slot);
        auto r = signWith(slot, "SHA256-RSA-PKCS", "sig" + slot + ".bin");
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        expectVerified("pub" + slot + ".pem", "data.bin", "sig" + slot + ".bin");
    }
}

TEST_F(OpenscPkcs11Test, EcdsaSignaturesWith9aAnd9cVerify) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "ECCP256", "EC 9A"));
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9c", "ECCP256", "EC 9C"));
    makeData();
    for (std::string slot : {"9a", "9c"}) {
        SCOPED_TRACE(slot);
        auto r = signWith(slot, "ECDSA-SHA256", "sig" + slot + ".bin", {"--signature-format", "openssl"});
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        expectVerified("pub" + slot + ".pem", "data.bin", "sig" + slot + ".bin");
    }
}

TEST_F(OpenscPkcs11Test, RawRsaPkcsSignatureOfDigestInfoVerifies) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "RSA2048", "Raw RSA"));
    makeData();
    // RSA-PKCS over a DigestInfo built by OpenSSL: the card applies only the PKCS#1 v1.5 padding.
    sh("openssl dgst -sha256 -binary data.bin > hash.bin && "
       "printf '\\060\\061\\060\\015\\006\\011\\140\\206\\110\\001\\145\\003\\004\\002\\001\\005\\000\\004\\040' "
       "> di.bin && cat hash.bin >> di.bin");
    auto r = pkcs11({"--login", "--pin", kPin, "--sign", "--id", "01", "-m", "RSA-PKCS", "-i", "di.bin", "-o",
                     "sig.bin"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    expectVerified("pub9a.pem", "data.bin", "sig.bin");
}

TEST_F(OpenscPkcs11Test, DecryptsWith9d) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9d", "RSA2048", "Key Management"));
    sh("openssl rand -hex 24 > plain.txt && "
       "openssl pkeyutl -encrypt -pubin -inkey pub9d.pem -in plain.txt -out enc.bin");
    auto r = pkcs11({"--login", "--pin", kPin, "--decrypt", "--id", "03", "-m", "RSA-PKCS", "-i", "enc.bin", "-o",
                     "dec.txt"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_EQ(readFile(path("dec.txt")), readFile(path("plain.txt")));
}

TEST_F(OpenscPkcs11Test, BuiltInSelfTestPasses) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "RSA2048", "Test Auth"));
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9c", "ECCP256", "Test Sign"));
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9d", "RSA2048", "Test Decrypt"));
    auto r = pkcs11({"--test", "--login", "--pin", kPin});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.out.find("No errors"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace itest
