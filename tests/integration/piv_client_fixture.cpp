#include "tests/integration/piv_client_fixture.h"

#include <regex>

namespace itest {

CommandResult PivClientFixture::ykpiv(std::vector<std::string> args, const std::string& input) {
    args.insert(args.begin(), {"yubico-piv-tool", "-r", "MeSign Test VPCD 00 00"});
    return run(args, 60s, input);
}

CommandResult PivClientFixture::pkcs11(std::vector<std::string> args) {
    args.insert(args.begin(), {"pkcs11-tool", "--module", kOpenscModule});
    return run(args, 120s);
}

void PivClientFixture::generate(const std::string& slot, const std::string& algorithm, const std::string& pubFile) {
    auto r = ykpiv({"-a", "generate", "-s", slot, "-A", algorithm, "-o", pubFile});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.err.find("Successfully generated a new private key."), std::string::npos) << r.describe();
    // The public key must be a key OpenSSL can load.
    auto check = run({"openssl", "pkey", "-pubin", "-in", pubFile, "-noout", "-text"});
    ASSERT_EQ(check.exitCode, 0) << check.describe();
}

void PivClientFixture::makeCa() {
    if (m_haveCa) return;
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
       "-subj '/CN=MeSign Test CA' -days 2 2>/dev/null");
    m_haveCa = true;
}

void PivClientFixture::issueCertificate(const std::string& pubFile, const std::string& commonName,
                                        const std::string& certFile) {
    makeCa();
    // yubico-piv-tool 2.2.0's selfsign-certificate is broken with OpenSSL 3; a CA-issued cert for the
    // card's public key serves the same purpose.
    auto r = run({"openssl", "x509", "-new", "-force_pubkey", pubFile, "-subj", "/CN=" + commonName, "-CA",
                  "ca.pem", "-CAkey", "ca.key", "-days", "2", "-out", certFile});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
}

void PivClientFixture::importCertificate(const std::string& slot, const std::string& certFile) {
    auto r = ykpiv({"-a", "import-certificate", "-s", slot, "-i", certFile});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.err.find("Successfully imported a new certificate."), std::string::npos) << r.describe();
}

void PivClientFixture::provisionSlot(const std::string& slot, const std::string& algorithm,
                                     const std::string& name) {
    ASSERT_NO_FATAL_FAILURE(generate(slot, algorithm, "pub" + slot + ".pem"));
    ASSERT_NO_FATAL_FAILURE(issueCertificate("pub" + slot + ".pem", name, "cert" + slot + ".pem"));
    ASSERT_NO_FATAL_FAILURE(importCertificate(slot, "cert" + slot + ".pem"));
}

void PivClientFixture::expectVerified(const std::string& pubFile, const std::string& dataFile,
                                      const std::string& sigFile, const std::string& digest) {
    auto r = run({"openssl", "dgst", "-" + digest, "-verify", pubFile, "-signature", sigFile, dataFile});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_EQ(r.out, "Verified OK\n") << r.describe();
}

std::string PivClientFixture::openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv);
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    return r.out;
}

int PivClientFixture::pinRetriesFromStatus() {
    auto r = ykpiv({"-a", "status"});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    std::smatch m;
    if (!std::regex_search(r.out, m, std::regex("PIN tries left:\t(\\d+)"))) {
        ADD_FAILURE() << "no PIN tries in status\n" << r.describe();
        return -1;
    }
    return std::stoi(m[1]);
}

}  // namespace itest
