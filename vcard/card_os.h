// A minimal ISO 7816-4 card operating system: APDU parsing, CLA checks, command chaining (CLA bit 0x10),
// response chaining (61xx + GET RESPONSE) and application selection by AID. Applets only see complete
// commands and complete responses.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "vcard/applet.h"

namespace vcard {

class CardOs {
  public:
    // Largest joined command chain accepted; PIV's biggest legitimate command (a 3063-byte object in
    // PUT DATA, an RSA-4096 import) is far below this.
    static constexpr std::size_t kMaxChain = 16 * 1024;

    // The first applet added with `implicit` = true is selected after every power-up/reset (PIV cards
    // are commonly default-selected; clients SELECT anyway).
    void addApplet(std::unique_ptr<Applet> applet, bool implicit = false);
    const std::vector<std::unique_ptr<Applet>>& applets() const { return m_applets; }
    bool hasImplicitApplet() const { return m_default != nullptr; }

    void resetVolatile();
    apdu::Response process(core::ByteView raw);

  private:
    struct Chain {
        uint8_t ins = 0, p1 = 0, p2 = 0;
        core::SecureBytes data;
    };

    apdu::Response dispatch(const apdu::Command& cmd);
    apdu::Response select(const apdu::Command& cmd);
    apdu::Response getResponse(const apdu::Command& cmd);
    apdu::Response deliver(apdu::Response r, std::size_t ne);
    void discardPending();

    std::vector<std::unique_ptr<Applet>> m_applets;
    Applet* m_default = nullptr;
    Applet* m_current = nullptr;
    std::optional<Chain> m_chain;
    core::SecureBytes m_pending;  // rest of a long response, served by GET RESPONSE
    std::size_t m_pendingPos = 0;
};

}  // namespace vcard
