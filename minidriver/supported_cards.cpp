#include "minidriver/supported_cards.h"

namespace md {
namespace {

// mesign-vcard's virtual card: 3B 88 80 01 "MeSignPV" 14 (T0=88: eight historical bytes). The same ATR
// whatever applications it carries (PIV, OpenPGP, both), so this entry also claims the OpenPGP-only card.
constexpr uint8_t kVcardAtr[] = {0x3B, 0x88, 0x80, 0x01, 0x4D, 0x65, 0x53, 0x69, 0x67, 0x6E, 0x50, 0x56, 0x14};
constexpr uint8_t kVcardMask[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

constexpr SupportedCard kCards[] = {
    {"MeSign Virtual PIV", kVcardAtr, kVcardMask, sizeof kVcardAtr, 4, 8},
};

}  // namespace

std::span<const SupportedCard> supportedCards() { return kCards; }

const SupportedCard* findSupportedCard(std::span<const uint8_t> atr) {
    for (const auto& c : kCards) {
        if (atr.size() != c.atrLen) continue;
        bool match = true;
        for (std::size_t i = 0; i < c.atrLen && match; ++i) match = (atr[i] & c.mask[i]) == c.atr[i];
        if (match) return &c;
    }
    return nullptr;
}

}  // namespace md
