// The card OS's view of one card application: selected by AID, fed complete (de-chained) commands, and
// told when it loses selection or the card loses power. Implementations: PIV, OpenPGP.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/apdu/command.h"
#include "core/base/bytes.h"
#include "core/base/result.h"

namespace vcard {

// Card-wide persistence: an applet calls save() after changing its persistent state; the card writes the
// whole state file atomically. A failed save must make the applet roll back its change.
class Persistence {
  public:
    virtual ~Persistence() = default;
    virtual core::Status save() = 0;
};

class Applet {
  public:
    virtual ~Applet() = default;

    virtual std::string_view name() const = 0;
    // True when the SELECT data (full AID or an accepted partial name) designates this applet.
    virtual bool matchesAid(core::ByteView aid) const = 0;
    // Whether SELECT with P2 = 0C (no response data) is accepted; PIV answers it with 6A86.
    virtual bool acceptsSelectWithoutFci() const { return false; }
    // Called on every successful SELECT of this applet (also re-select); returns the FCI / template.
    virtual apdu::Response select() = 0;
    // Another applet was selected: drop the application security status.
    virtual void deselect() = 0;
    // Power off/on or reset: drop all volatile state.
    virtual void resetVolatile() = 0;
    // Whether command chaining (CLA bit 0x10) is allowed for this INS.
    virtual bool allowsChaining(uint8_t ins) const = 0;
    // A complete command (chains already joined). Never called for SELECT by AID or GET RESPONSE.
    virtual apdu::Response process(const apdu::Command& cmd) = 0;

    // Persistent state section for the card file: tag 0 = applet keeps nothing.
    virtual uint32_t stateTag() const { return 0; }
    virtual core::Result<core::SecureBytes> encodeState() const { return core::SecureBytes{}; }
};

inline apdu::Response swOnly(uint16_t sw) {
    return apdu::Response{{}, sw};
}
inline apdu::Response withData(core::Bytes data, uint16_t sw = 0x9000) {
    return apdu::Response{std::move(data), sw};
}

}  // namespace vcard
