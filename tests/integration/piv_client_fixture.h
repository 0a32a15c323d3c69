// Helpers shared by the tests that drive the virtual PIV card with third-party clients
// (yubico-piv-tool, OpenSC): key generation, a throwaway CA, certificates, signature checks.
#pragma once

#include <string>

#include "tests/integration/vcard_fixture.h"

namespace itest {

// Default credentials of a fresh `mesign-vcard --init piv` card.
inline constexpr const char* kPin = "123456";
inline constexpr const char* kPuk = "12345678";
inline constexpr const char* kMgmtKey = "010203040506070801020304050607080102030405060708";
inline constexpr const char* kOpenscModule = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

class PivClientFixture : public VcardFixture {
protected:
    // yubico-piv-tool on the sandbox reader (its default reader filter is "Yubikey").
    CommandResult ykpiv(std::vector<std::string> args, const std::string& input = {});
    // pkcs11-tool with OpenSC's module.
    CommandResult pkcs11(std::vector<std::string> args);

    // Generates a key in `slot` ("9a") with yubico-piv-tool; writes the public key PEM to `pubFile`.
    void generate(const std::string& slot, const std::string& algorithm, const std::string& pubFile);
    // Creates ca.pem / ca.key (once per test).
    void makeCa();
    // Issues a certificate for the public key in `pubFile` signed by the test CA.
    void issueCertificate(const std::string& pubFile, const std::string& commonName, const std::string& certFile);
    void importCertificate(const std::string& slot, const std::string& certFile);
    // generate + issue + import: the usual way a slot gets a key and certificate.
    void provisionSlot(const std::string& slot, const std::string& algorithm, const std::string& name);

    // openssl verdicts; fail the test with the tool's output otherwise.
    void expectVerified(const std::string& pubFile, const std::string& dataFile, const std::string& sigFile,
                        const std::string& digest = "sha256");
    std::string openssl(const std::vector<std::string>& args);
    int pinRetriesFromStatus();

private:
    bool m_haveCa = false;
};

}  // namespace itest
