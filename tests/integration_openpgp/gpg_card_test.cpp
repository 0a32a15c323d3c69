// gpg 2.2 / scdaemon against the virtual OpenPGP card: card status, PIN counters, key generation on the
// card through --edit-card, a detached signature verified by gpg, decryption of a message encrypted to
// the card's key.
#include <regex>

#include "tests/integration_openpgp/openpgp_card_fixture.h"

namespace itest {
namespace {

class GpgCardTest : public OpenPgpCardFixture {
  protected:
    // A detached signature verified by gpg, then a message encrypted to the card and decrypted by it.
    void signVerifyEncryptDecrypt(const std::string& message);
};

int signatureCounter(const std::string& status) {
    std::smatch m;
    static const std::regex kCounter("Signature counter : ([0-9]+)");
    return std::regex_search(status, m, kCounter) ? std::stoi(m[1].str()) : -1;
}

TEST_F(GpgCardTest, CardStatusShowsSerialManufacturerAndPinCounters) {
    CommandResult r = gpg({"--card-status"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    const std::string serial = cardSerial();
    ASSERT_EQ(serial.size(), 8u) << r.out;
    EXPECT_NE(r.out.find("Application ID ...: D276000124010304FF00" + serial + "0000"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Application type .: OpenPGP"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Version ..........: 3.4"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Manufacturer .....: unmanaged S/N range"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Signature PIN ....: forced"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Key attributes ...: rsa2048 rsa2048 rsa2048"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Max. PIN lengths .: 127 127 127"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("PIN retry counter : 3 0 3"), std::string::npos) << r.out;
    EXPECT_EQ(signatureCounter(r.out), 0) << r.out;
    EXPECT_NE(r.out.find("Signature key ....: [none]"), std::string::npos) << r.out;

    // A wrong PIN through the card menu's "verify" costs one PW1 try; the right one restores it.
    CommandResult v = gpg({"--no-tty", "--pinentry-mode", "loopback", "--command-fd", "0", "--edit-card"},
                          "verify\n111111\nquit\n");
    r = gpg({"--card-status"});
    EXPECT_NE(r.out.find("PIN retry counter : 2 0 3"), std::string::npos) << r.out << v.describe();
    v = gpg({"--no-tty", "--pinentry-mode", "loopback", "--command-fd", "0", "--edit-card"}, "verify\n123456\nquit\n");
    r = gpg({"--card-status"});
    EXPECT_NE(r.out.find("PIN retry counter : 3 0 3"), std::string::npos) << r.out << v.describe();
}

void GpgCardTest::signVerifyEncryptDecrypt(const std::string& message) {
    writeFile(path("msg.txt"), message);
    CommandResult sign = gpg({"--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "123456", "-u",
                              "card@example.org", "--detach-sign", "-o", "msg.sig", "msg.txt"});
    ASSERT_EQ(sign.exitCode, 0) << sign.describe();
    CommandResult verify = gpg({"--verify", "msg.sig", "msg.txt"});
    EXPECT_EQ(verify.exitCode, 0) << verify.describe();
    EXPECT_NE(verify.err.find("Good signature from \"Card User <card@example.org>\""), std::string::npos)
        << verify.describe();
    CommandResult enc = gpg({"--batch", "--yes", "--trust-model", "always", "-r", "card@example.org", "-e", "-o",
                             "msg.gpg", "msg.txt"});
    ASSERT_EQ(enc.exitCode, 0) << enc.describe();
    CommandResult dec = gpg({"--batch", "--pinentry-mode", "loopback", "--passphrase", "123456", "-d", "msg.gpg"});
    EXPECT_EQ(dec.exitCode, 0) << dec.describe();
    EXPECT_EQ(dec.out, message);
}

TEST_F(GpgCardTest, Curve25519KeysAfterChangingTheKeyAttributes) {
    // key-attr: for each slot "2" (ECC), "1" (Curve 25519), then PW3 for that change.
    CommandResult attr = gpg({"--no-tty", "--pinentry-mode", "loopback", "--command-fd", "0", "--status-fd", "1",
                              "--edit-card"},
                             "admin\nkey-attr\n2\n1\n12345678\n2\n1\n12345678\n2\n1\n12345678\nquit\n");
    EXPECT_EQ(attr.out.find("SC_OP_FAILURE"), std::string::npos) << attr.describe();
    CommandResult status = gpg({"--card-status"});
    ASSERT_NE(status.out.find("Key attributes ...: ed25519 cv25519 ed25519"), std::string::npos) << status.out;
    CommandResult gen = generateWithGpg();
    ASSERT_NE(gen.out.find("[GNUPG:] KEY_CREATED B "), std::string::npos) << gen.describe();
    CommandResult keys = gpg({"--list-keys"});
    EXPECT_NE(keys.out.find("ed25519"), std::string::npos) << keys.out;
    EXPECT_NE(keys.out.find("cv25519"), std::string::npos) << keys.out;
    signVerifyEncryptDecrypt("EdDSA signature and X25519 decryption on the card\n");
}

TEST_F(GpgCardTest, GeneratedKeysSignAndDecrypt) {
    const std::string serial = cardSerial();
    CommandResult gen = generateWithGpg();
    ASSERT_EQ(gen.exitCode, 0) << gen.describe();
    ASSERT_NE(gen.out.find("[GNUPG:] KEY_CREATED B "), std::string::npos) << gen.describe();

    CommandResult keys = gpg({"--list-secret-keys"});
    EXPECT_NE(keys.out.find("Card serial no. = FF00 " + serial), std::string::npos) << keys.describe();
    CommandResult status = gpg({"--card-status"});
    EXPECT_EQ(status.out.find("Signature key ....: [none]"), std::string::npos) << status.out;
    EXPECT_EQ(status.out.find("Encryption key....: [none]"), std::string::npos) << status.out;
    EXPECT_EQ(status.out.find("Authentication key: [none]"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("General key info..: pub  rsa2048/"), std::string::npos) << status.out;
    const int before = signatureCounter(status.out);
    EXPECT_GE(before, 1) << "self-signatures were made by the card";

    const std::string message = "signed and encrypted by the MeSign virtual OpenPGP card\n";
    writeFile(path("msg.txt"), message);
    CommandResult sign = gpg({"--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "123456", "-u",
                              "card@example.org", "--detach-sign", "-o", "msg.sig", "msg.txt"});
    ASSERT_EQ(sign.exitCode, 0) << sign.describe();
    CommandResult verify = gpg({"--verify", "msg.sig", "msg.txt"});
    EXPECT_EQ(verify.exitCode, 0) << verify.describe();
    EXPECT_NE(verify.err.find("Good signature from \"Card User <card@example.org>\""), std::string::npos)
        << verify.describe();
    EXPECT_EQ(signatureCounter(gpg({"--card-status"}).out), before + 1);
    writeFile(path("msg.txt"), message + "tampered\n");
    EXPECT_NE(gpg({"--verify", "msg.sig", "msg.txt"}).exitCode, 0);

    writeFile(path("plain.txt"), message);
    CommandResult enc = gpg({"--batch", "--yes", "--trust-model", "always", "-r", "card@example.org", "-e", "-o",
                             "msg.gpg", "plain.txt"});
    ASSERT_EQ(enc.exitCode, 0) << enc.describe();
    CommandResult dec = gpg({"--batch", "--pinentry-mode", "loopback", "--passphrase", "123456", "-d", "msg.gpg"});
    EXPECT_EQ(dec.exitCode, 0) << dec.describe();
    EXPECT_EQ(dec.out, message);
}

}  // namespace
}  // namespace itest
