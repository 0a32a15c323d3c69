// yubico-piv-tool 2.2.0 (Yubico's own client, written against real YubiKeys) driving the virtual card.
#include "tests/integration/piv_client_fixture.h"

namespace itest {
namespace {

class YubicoPivToolTest : public PivClientFixture {};

TEST_F(YubicoPivToolTest, StatusOfAFreshCardShowsThreePinTries) {
    auto r = ykpiv({"-a", "status"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.out.find("PIN tries left:\t3\n"), std::string::npos) << r.describe();
    EXPECT_EQ(r.out.find("Slot 9a:"), std::string::npos) << "a fresh card has no certificates\n" << r.describe();
}

TEST_F(YubicoPivToolTest, GeneratesRsa2048Key) {
    ASSERT_NO_FATAL_FAILURE(generate("9a", "RSA2048", "pub.pem"));
    EXPECT_NE(openssl({"pkey", "-pubin", "-in", "pub.pem", "-noout", "-text"}).find("Public-Key: (2048 bit)"),
              std::string::npos);
}

TEST_F(YubicoPivToolTest, GeneratesEccP256Key) {
    ASSERT_NO_FATAL_FAILURE(generate("9a", "ECCP256", "pub.pem"));
    auto text = openssl({"pkey", "-pubin", "-in", "pub.pem", "-noout", "-text"});
    EXPECT_NE(text.find("ASN1 OID: prime256v1"), std::string::npos) << text;
}

TEST_F(YubicoPivToolTest, ImportedCertificateReadsBackAndShowsInStatus) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "ECCP256", "MeSign YK Test"));
    auto read = ykpiv({"-a", "read-certificate", "-s", "9a"});
    ASSERT_EQ(read.exitCode, 0) << read.describe();
    EXPECT_EQ(read.out, readFile(path("cert9a.pem")));

    auto status = ykpiv({"-a", "status"});
    ASSERT_EQ(status.exitCode, 0) << status.describe();
    EXPECT_NE(status.out.find("Slot 9a:\t\n\tAlgorithm:\tECCP256\n\tSubject DN:\tCN=MeSign YK Test\n"
                              "\tIssuer DN:\tCN=MeSign Test CA\n"),
              std::string::npos)
        << status.describe();
}

TEST_F(YubicoPivToolTest, TestSignatureWithRsaAndEcKeys) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9a", "RSA2048", "RSA signer"));
    auto rsa = ykpiv({"-a", "verify-pin", "-P", kPin, "-a", "test-signature", "-s", "9a", "-i", "cert9a.pem"});
    ASSERT_EQ(rsa.exitCode, 0) << rsa.describe();
    EXPECT_NE(rsa.err.find("Successful RSA verification."), std::string::npos) << rsa.describe();

    ASSERT_NO_FATAL_FAILURE(provisionSlot("9c", "ECCP256", "EC signer"));
    auto ec = ykpiv({"-a", "verify-pin", "-P", kPin, "-a", "test-signature", "-s", "9c", "-i", "cert9c.pem"});
    ASSERT_EQ(ec.exitCode, 0) << ec.describe();
    EXPECT_NE(ec.err.find("Successful ECDSA verification."), std::string::npos) << ec.describe();
}

TEST_F(YubicoPivToolTest, TestDecipherWithRsaAndEcdh) {
    ASSERT_NO_FATAL_FAILURE(provisionSlot("9d", "RSA2048", "RSA decrypter"));
    auto rsa = ykpiv({"-a", "verify-pin", "-P", kPin, "-a", "test-decipher", "-s", "9d", "-i", "cert9d.pem"});
    ASSERT_EQ(rsa.exitCode, 0) << rsa.describe();
    EXPECT_NE(rsa.err.find("Successfully performed RSA decryption!"), std::string::npos) << rsa.describe();

    ASSERT_NO_FATAL_FAILURE(provisionSlot("9d", "ECCP256", "ECDH"));
    auto ec = ykpiv({"-a", "verify-pin", "-P", kPin, "-a", "test-decipher", "-s", "9d", "-i", "cert9d.pem"});
    ASSERT_EQ(ec.exitCode, 0) << ec.describe();
    EXPECT_NE(ec.err.find("Successfully performed ECDH exchange with card."), std::string::npos) << ec.describe();
}

TEST_F(YubicoPivToolTest, VerifyPinAcceptsDefaultAndRejectsWrongPinWithRetries) {
    auto ok = ykpiv({"-a", "verify-pin", "-P", kPin});
    ASSERT_EQ(ok.exitCode, 0) << ok.describe();
    EXPECT_NE(ok.err.find("Successfully verified PIN."), std::string::npos) << ok.describe();

    auto bad = ykpiv({"-a", "verify-pin", "-P", "654321"});
    EXPECT_EQ(bad.exitCode, 1) << bad.describe();
    EXPECT_NE(bad.err.find("Pin verification failed, 2 tries left before pin is blocked."), std::string::npos)
        << bad.describe();
    EXPECT_EQ(pinRetriesFromStatus(), 2);

    // A correct PIN restores the counter.
    ASSERT_EQ(ykpiv({"-a", "verify-pin", "-P", kPin}).exitCode, 0);
    EXPECT_EQ(pinRetriesFromStatus(), 3);
}

TEST_F(YubicoPivToolTest, ChangePinThenOldPinFailsAndNewPinWorks) {
    auto change = ykpiv({"-a", "change-pin", "-P", kPin, "-N", "24681357"});
    ASSERT_EQ(change.exitCode, 0) << change.describe();
    EXPECT_NE(change.err.find("Successfully changed the pin code."), std::string::npos) << change.describe();
    EXPECT_EQ(ykpiv({"-a", "verify-pin", "-P", kPin}).exitCode, 1);
    auto ok = ykpiv({"-a", "verify-pin", "-P", "24681357"});
    EXPECT_EQ(ok.exitCode, 0) << ok.describe();
}

TEST_F(YubicoPivToolTest, BlockedPinIsUnblockedWithPuk) {
    for (int left = 2; left >= 0; --left) {
        auto bad = ykpiv({"-a", "verify-pin", "-P", "000000"});
        EXPECT_EQ(bad.exitCode, 1) << bad.describe();
    }
    auto blocked = ykpiv({"-a", "verify-pin", "-P", kPin});
    EXPECT_EQ(blocked.exitCode, 1) << blocked.describe();
    EXPECT_NE(blocked.err.find("Pin code blocked, use unblock-pin action to unblock."), std::string::npos)
        << blocked.describe();
    EXPECT_EQ(pinRetriesFromStatus(), 0);

    auto unblock = ykpiv({"-a", "unblock-pin", "-P", kPuk, "-N", "112233"});
    ASSERT_EQ(unblock.exitCode, 0) << unblock.describe();
    EXPECT_NE(unblock.err.find("Successfully unblocked the pin code."), std::string::npos) << unblock.describe();
    EXPECT_EQ(pinRetriesFromStatus(), 3);
    EXPECT_EQ(ykpiv({"-a", "verify-pin", "-P", "112233"}).exitCode, 0);
}

TEST_F(YubicoPivToolTest, WrongManagementKeyIsRefused) {
    // -k takes its value only attached ("--key=..."); a separate word would make it prompt.
    // The last byte differs in more than the DES parity bit, so this really is another key.
    auto r = ykpiv({"--key=0102030405060708010203040506070801020304050607FF", "-a", "generate", "-s", "9a", "-A",
                    "ECCP256"});
    EXPECT_EQ(r.exitCode, 1) << r.describe();
    EXPECT_NE(r.err.find("Failed authentication with the application."), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace itest
