// The ATRs this minidriver claims: one table for CardAcquireContext and for the INF generator
// (md_inf_gen.cpp -> mesign-minidriver.inf), so the two cannot drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace md {

struct SupportedCard {
    const char* name;       // registry card name (Calais\SmartCards\<name>)
    const uint8_t* atr;     // expected ATR after masking
    const uint8_t* mask;    // same length
    std::size_t atrLen;
    std::size_t historicalOffset;  // first historical byte (for SCFILTER\CID_<hex>)
    std::size_t historicalLen;
};

std::span<const SupportedCard> supportedCards();
// The first entry whose (atr & mask) matches, or nullptr.
const SupportedCard* findSupportedCard(std::span<const uint8_t> atr);

}  // namespace md
