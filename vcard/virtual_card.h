// A virtual card as pcscd's vpcd driver (or an in-process transport) sees it: an ATR, power control, and
// APDUs in / responses out. process() never throws and always answers with at least a status word.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace vcard {

using core::ByteView;
using core::Bytes;

class VirtualCard {
public:
    virtual ~VirtualCard() = default;
    virtual Bytes atr() const = 0;
    virtual void powerOn() = 0;   // cold reset: volatile state dropped
    virtual void powerOff() = 0;  // volatile state dropped
    virtual void reset() = 0;     // warm reset: volatile state dropped
    virtual Bytes process(ByteView apdu) = 0;
    virtual std::string describe() const = 0;  // "PIV card, state /path/card.json"
};

// Opens the card stored in `stateFile`. If the file does not exist and `initApps` is non-empty ("piv",
// "openpgp", or "piv,openpgp" for one card carrying both, PIV implicitly selected), a new card with
// default credentials is created and saved first. A corrupt or foreign file gives
// Errc::Malformed / Errc::Io with a clear message and is left untouched.
core::Result<std::unique_ptr<VirtualCard>> openCard(const std::filesystem::path& stateFile,
                                                    const std::string& initApps);

}  // namespace vcard
