// A fresh `mesign-vcard --init openpgp` card in the sandbox's reader, plus a private GNUPGHOME whose
// scdaemon talks to pcscd (disable-ccid, pcsc-shared) and whose gpg-agent accepts loopback PINs.
// TearDown kills gpg-agent and scdaemon of that home before the card is removed.
#pragma once

#include <string>
#include <vector>

#include "tests/integration/vcard_fixture.h"

namespace itest {

class OpenPgpCardFixture : public VcardFixture {
  protected:
    void SetUp() override;
    void TearDown() override;
    bool insertCardAtSetUp() const override { return false; }

    // gpg (or gpgconf, gpg-connect-agent) with GNUPGHOME set, in the scratch directory.
    CommandResult gpg(const std::vector<std::string>& args, const std::string& input = {},
                      std::chrono::milliseconds timeout = 120s);

    // Generates SIG, DEC and AUT keys on the card through `gpg --edit-card` (admin, generate) for
    // "Card User <card@example.org>"; returns gpg's output.
    CommandResult generateWithGpg();
    // The 8 hex digits of the serial, read from the card through `gpg --card-status`.
    std::string cardSerial();

    std::string m_home;
};

}  // namespace itest
