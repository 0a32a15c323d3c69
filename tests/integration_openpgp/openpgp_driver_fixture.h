// The host OpenPGP driver (openpgp::OpenPgpApplication) through PcscTransport, pcscd and vpcd, against a
// fresh `mesign-vcard --init openpgp` card per test. Private-key results are checked with OpenSSL
// (host_crypto.h), never with our own code.
#pragma once

#include <memory>
#include <string_view>

#include "card-apps/openpgp/openpgp_application.h"
#include "core/transport/pcsc_transport.h"
#include "tests/integration/vcard_fixture.h"
#include "tests/integration_openpgp/host_crypto.h"

namespace itest {

using cardapp::KeyAlgorithm;
using cardapp::PinKind;
using core::Bytes;
using core::ByteView;
using core::Errc;

inline Bytes text(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

inline const Bytes kPw1 = text("123456");
inline const Bytes kPw3 = text("12345678");

class OpenPgpDriverFixture : public VcardFixture {
  protected:
    void SetUp() override;
    void TearDown() override;
    bool insertCardAtSetUp() const override { return false; }

    openpgp::OpenPgpApplication& app() { return *m_app; }
    // A second driver on its own PC/SC connection: proves that what it reads comes from the card.
    // Kept until TearDown.
    openpgp::OpenPgpApplication& freshDriver();
    // PW3, then GENERATE in `keyRef` (the driver writes the attributes first); returns the SPKI.
    Bytes generate(uint8_t keyRef, KeyAlgorithm alg);
    openpgp::ApplicationData appData();

  private:
    std::shared_ptr<transport::PcscContext> m_context;
    std::unique_ptr<transport::PcscTransport> m_transport;
    std::unique_ptr<openpgp::OpenPgpApplication> m_app;
    std::vector<std::unique_ptr<transport::PcscTransport>> m_otherTransports;
    std::vector<std::unique_ptr<openpgp::OpenPgpApplication>> m_otherApps;
};

}  // namespace itest
