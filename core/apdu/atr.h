// What a card says about itself in its ATR (ISO/IEC 7816-3 §8.2 structure, 7816-4 §8.1.1 historical
// bytes): only what the middleware acts on, today whether the card takes extended Lc/Le fields.
#pragma once

#include <optional>

#include "core/base/bytes.h"

namespace apdu {

// The historical bytes of an ATR, or nullopt when the ATR is too short for what its format byte announces.
std::optional<core::Bytes> atrHistoricalBytes(core::ByteView atr);

// Whether the card announces extended Lc and Le fields: the third software-function byte of the card
// capabilities (compact-TLV tag 0x7, length >= 3), bit b7. nullopt when the ATR does not say: no
// compact-TLV historical bytes (category 00 or 80), or no card capabilities with a third byte.
// A YubiKey 5 (…80 73 C0 21 C0…) says yes; our mesign-vcard's proprietary "MeSignPV" says nothing.
std::optional<bool> atrExtendedLength(core::ByteView atr);

}  // namespace apdu
