#include "minidriver/supported_cards.h"

namespace md {
namespace {

// mesign-vcard's virtual card: 3B 88 80 01 "MeSignPV" 14 (T0=88: eight historical bytes). The same ATR
// whatever applications it carries (PIV, OpenPGP, both), so this entry also claims the OpenPGP-only card.
constexpr uint8_t kVcardAtr[] = {0x3B, 0x88, 0x80, 0x01, 0x4D, 0x65, 0x53, 0x69, 0x67, 0x6E, 0x50, 0x56, 0x14};
constexpr uint8_t kVcardMask[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

// YubiKeys (PIV; the OpenPGP applet is reached when PIV is absent), ATRs as Debian's pcsc-tools lists them
// (/usr/share/pcsc/smartcard_list.txt): 4 and 5 over USB CCID (historical bytes from offset 9), 5 NFC over
// NFC (from offset 4). The full ATR is compared: the last byte is the check byte TCK.
constexpr uint8_t kYubiKey4Atr[] = {0x3B, 0xF8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15,
                                    0x59, 0x75, 0x62, 0x69, 0x6B, 0x65, 0x79, 0x34, 0xD4};
constexpr uint8_t kYubiKey5Atr[] = {0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x80, 0x73, 0xC0,
                                    0x21, 0xC0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4B, 0x65, 0x79, 0x40};
constexpr uint8_t kYubiKey5NfcAtr[] = {0x3B, 0x8D, 0x80, 0x01, 0x80, 0x73, 0xC0, 0x21, 0xC0,
                                       0x57, 0x59, 0x75, 0x62, 0x69, 0x4B, 0x65, 0x79, 0xF9};
constexpr uint8_t kFullMask[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

constexpr SupportedCard kCards[] = {
    {"MeSign Virtual PIV", kVcardAtr, kVcardMask, sizeof kVcardAtr, 4, 8},
    {"MeSign Yubico YubiKey 4", kYubiKey4Atr, kFullMask, sizeof kYubiKey4Atr, 9, 8},
    {"MeSign Yubico YubiKey 5", kYubiKey5Atr, kFullMask, sizeof kYubiKey5Atr, 9, 13},
    {"MeSign Yubico YubiKey 5 NFC", kYubiKey5NfcAtr, kFullMask, sizeof kYubiKey5NfcAtr, 4, 13},
};
static_assert(sizeof kYubiKey5Atr <= sizeof kFullMask);

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
