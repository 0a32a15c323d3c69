#include "core/apdu/atr.h"

namespace apdu {

std::optional<core::Bytes> atrHistoricalBytes(core::ByteView atr) {
    // TS, T0, then interface bytes: each TDi's high nibble says which of TA/TB/TC/TD(i+1) follow.
    if (atr.size() < 2) return std::nullopt;
    const std::size_t k = atr[1] & 0x0F;
    std::size_t pos = 2;
    uint8_t y = atr[1] >> 4;
    for (;;) {
        for (uint8_t bit = 0x1; bit <= 0x4; bit <<= 1)
            if (y & bit) ++pos;  // TA, TB, TC
        if (!(y & 0x8)) break;
        if (pos >= atr.size()) return std::nullopt;
        y = atr[pos++] >> 4;  // TD
    }
    if (pos + k > atr.size()) return std::nullopt;
    return core::Bytes(atr.begin() + static_cast<std::ptrdiff_t>(pos),
                       atr.begin() + static_cast<std::ptrdiff_t>(pos + k));
}

std::optional<bool> atrExtendedLength(core::ByteView atr) {
    auto hist = atrHistoricalBytes(atr);
    if (!hist || hist->empty()) return std::nullopt;
    const core::Bytes& h = *hist;
    // Category 80: compact-TLV objects to the end. Category 00: the same, but the last three bytes are the
    // status indicator (not TLV). Anything else (here "MeSignPV") is proprietary.
    std::size_t end = h.size();
    if (h[0] == 0x00) {
        if (h.size() < 4) return std::nullopt;
        end -= 3;
    } else if (h[0] != 0x80) {
        return std::nullopt;
    }
    for (std::size_t pos = 1; pos < end;) {
        const uint8_t tag = h[pos] >> 4;
        const std::size_t len = h[pos] & 0x0F;
        if (pos + 1 + len > end) return std::nullopt;  // malformed: believe nothing
        if (tag == 0x7 && len >= 3) return (h[pos + 3] & 0x40) != 0;
        pos += 1 + len;
    }
    return std::nullopt;
}

}  // namespace apdu
