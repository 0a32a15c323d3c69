// The virtual card: ATR, power handling, the card OS with its applets, and the state file they share.
#pragma once

#include <filesystem>

#include "vcard/card_os.h"
#include "vcard/virtual_card.h"

namespace vcard {

// 3B 88 80 01 "MeSignPV" TCK: T=1 only, 8 historical bytes of our own (so no host maps it to another
// product), TCK = XOR of T0..last historical byte.
Bytes cardAtr();

class Card final : public VirtualCard, public Persistence {
  public:
    // Empty `stateFile`: an in-memory card whose changes are never written.
    explicit Card(std::filesystem::path stateFile);

    void addApplet(std::unique_ptr<Applet> applet, bool implicit = false);
    bool hasImplicitApplet() const { return m_os.hasImplicitApplet(); }

    Bytes atr() const override { return cardAtr(); }
    void powerOn() override { m_os.resetVolatile(); }
    void powerOff() override { m_os.resetVolatile(); }
    void reset() override { m_os.resetVolatile(); }
    Bytes process(ByteView apdu) override;
    std::string describe() const override;

    // Persistence: writes every applet's section to the state file (atomically).
    core::Status save() override;
    // The body save() would write (used to create the file).
    core::Result<core::SecureBytes> encodeBody() const;

  private:
    std::filesystem::path m_file;
    CardOs m_os;
};

}  // namespace vcard
