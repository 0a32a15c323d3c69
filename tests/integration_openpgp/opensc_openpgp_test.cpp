// OpenSC against the virtual OpenPGP card: openpgp-tool (card, cardholder and key information, key
// generation, erase) and the OpenSC PKCS#11 module (slots, objects, a signature checked by OpenSSL).
#include "tests/integration_openpgp/openpgp_card_fixture.h"

namespace itest {
namespace {

constexpr const char* kModule = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

using OpenscOpenPgpTest = OpenPgpCardFixture;

TEST_F(OpenscOpenPgpTest, OpenpgpToolReadsTheCardAndGeneratesAKey) {
    CommandResult info = run({"openpgp-tool", "-C", "-U", "-K"});
    ASSERT_EQ(info.exitCode, 0) << info.describe();
    EXPECT_NE(info.out.find("AID:             d2:76:00:01:24:01:03:04:ff:00:"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("Version:         3.4"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("Manufacturer:    unmanaged S/N range"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("Sig Algorithm:   RSA2048"), std::string::npos) << info.out;

    CommandResult gen = run({"openpgp-tool", "--verify", "CHV3", "--pin", "12345678", "--gen-key", "1", "--key-type",
                             "rsa2048"});
    ASSERT_EQ(gen.exitCode, 0) << gen.describe();
    EXPECT_EQ(gen.out.find("00000000000000000000000000000000 00000000"), std::string::npos)
        << "OpenSC computed and stored the fingerprint: " << gen.out;
    CommandResult keys = run({"openpgp-tool", "-K"});
    EXPECT_EQ(keys.out.find("Sig Fingerprint: 00:00:00:00"), std::string::npos) << keys.out;
    EXPECT_NE(keys.out.find("Aut Fingerprint: 00:00:00:00"), std::string::npos) << keys.out;

    // Erase: OpenSC blocks PW1 and PW3 with wrong PINs, then TERMINATE DF and ACTIVATE FILE.
    CommandResult erase = run({"openpgp-tool", "--erase"});
    EXPECT_EQ(erase.exitCode, 0) << erase.describe();
    keys = run({"openpgp-tool", "-K"});
    EXPECT_NE(keys.out.find("Sig Fingerprint: 00:00:00:00"), std::string::npos) << keys.out;
    CommandResult pin = run({"openpgp-tool", "--verify", "CHV3", "--pin", "12345678"});
    EXPECT_EQ(pin.exitCode, 0) << "factory PW3 again: " << pin.describe();
}

TEST_F(OpenscOpenPgpTest, Pkcs11ModuleSignsWithTheSignatureKey) {
    CommandResult gen = run({"openpgp-tool", "--verify", "CHV3", "--pin", "12345678", "--gen-key", "1", "--key-type",
                             "rsa2048"});
    ASSERT_EQ(gen.exitCode, 0) << gen.describe();

    CommandResult slots = run({"pkcs11-tool", "--module", kModule, "-L"});
    ASSERT_EQ(slots.exitCode, 0) << slots.describe();
    EXPECT_NE(slots.out.find("token label        : OpenPGP card (User PIN)"), std::string::npos) << slots.out;
    EXPECT_NE(slots.out.find("token label        : OpenPGP card (User PIN (sig))"), std::string::npos) << slots.out;
    EXPECT_NE(slots.out.find("hardware version   : 3.4"), std::string::npos) << slots.out;

    // The signature key (ID 01) sits behind "User PIN (sig)", slot 1.
    CommandResult objects = run({"pkcs11-tool", "--module", kModule, "--slot", "1", "--login", "--pin", "123456", "-O"});
    ASSERT_EQ(objects.exitCode, 0) << objects.describe();
    EXPECT_NE(objects.out.find("Private Key Object; RSA"), std::string::npos) << objects.out;
    EXPECT_NE(objects.out.find("Public Key Object; RSA 2048 bits"), std::string::npos) << objects.out;
    EXPECT_NE(objects.out.find("label:      Signature key"), std::string::npos) << objects.out;

    writeFile(path("data.txt"), "signed through opensc-pkcs11.so\n");
    CommandResult sign = run({"pkcs11-tool", "--module", kModule, "--slot", "1", "--login", "--pin", "123456",
                              "--sign", "--id", "01", "-m", "SHA256-RSA-PKCS", "-i", "data.txt", "-o", "sig.bin"});
    ASSERT_EQ(sign.exitCode, 0) << sign.describe();
    CommandResult pub = run({"pkcs11-tool", "--module", kModule, "--slot", "1", "--read-object", "--type", "pubkey",
                             "--id", "01", "-o", "pub.der"});
    ASSERT_EQ(pub.exitCode, 0) << pub.describe();
    sh("openssl pkey -pubin -inform DER -in pub.der -out pub.pem && "
       "openssl dgst -sha256 -verify pub.pem -signature sig.bin data.txt");
}

}  // namespace
}  // namespace itest
