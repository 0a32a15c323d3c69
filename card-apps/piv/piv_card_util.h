// Internal helpers shared by the piv_card_*.cpp files (not part of the driver's API).
#pragma once

#include <string>
#include <string_view>

#include "card-apps/piv/piv_constants.h"
#include "core/apdu/command.h"
#include "core/apdu/tlv.h"
#include "core/base/result.h"

namespace piv::detail {

// The member `itemTag` of a card's 7C dynamic authentication template; the whole answer must be that
// template. Anything else (wrong outer tag, missing member, bad TLV) is Malformed.
inline core::Result<core::Bytes> dynamicAuthItem(core::ByteView answer, uint32_t itemTag,
                                                 std::string_view context) {
    auto templ = apdu::unwrap(answer, tag::kDynamicAuth);
    if (!templ)
        return core::fail(core::Errc::Malformed, std::string(context) + ": answer is not a 7C template");
    auto item = apdu::find(*templ, itemTag);
    if (!item)
        return core::fail(core::Errc::Malformed,
                          std::string(context) + ": 7C template lacks the expected item");
    return core::Bytes(item->begin(), item->end());
}

// Wipes a command's data (PINs, keys) when it goes out of scope; the Channel's own copies are its
// business (it logs them redacted).
class WipeOnExit {
  public:
    explicit WipeOnExit(apdu::Command& cmd) : m_cmd(cmd) {}
    ~WipeOnExit() { core::secureWipe(m_cmd.data.data(), m_cmd.data.size()); }
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;

  private:
    apdu::Command& m_cmd;
};

}  // namespace piv::detail
