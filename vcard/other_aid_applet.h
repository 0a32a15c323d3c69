// Placeholder for the non-PIV applications a YubiKey also answers SELECT for (management, OTP). Selecting
// one deselects PIV and so resets its security status, which is how yubico-piv-tool logs out of keys
// older than 5.4.3; every command sent to it answers 6D00.
#pragma once

#include <string>
#include <vector>

#include "vcard/applet.h"

namespace vcard {

class OtherAidApplet final : public Applet {
  public:
    OtherAidApplet(std::string name, std::vector<core::Bytes> aids)
        : m_name(std::move(name)), m_aids(std::move(aids)) {}

    std::string_view name() const override { return m_name; }
    bool matchesAid(core::ByteView aid) const override;
    apdu::Response select() override { return swOnly(0x9000); }
    void deselect() override {}
    void resetVolatile() override {}
    bool allowsChaining(uint8_t) const override { return false; }
    apdu::Response process(const apdu::Command&) override { return swOnly(0x6D00); }

    // The Yubico management and OTP AIDs.
    static std::unique_ptr<Applet> yubicoManagement();
    static std::unique_ptr<Applet> yubicoOtp();

  private:
    std::string m_name;
    std::vector<core::Bytes> m_aids;
};

}  // namespace vcard
