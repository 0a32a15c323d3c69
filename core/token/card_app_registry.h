// The card applications a Token can drive, in probing priority order (PIV first, then OpenPGP). Each is
// found by SELECTing its AID (the driver's select()); a card may hold several, each becoming its own token.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "card-apps/common/card_application.h"
#include "core/base/result.h"
#include "core/transport/transport.h"

namespace token {

enum class AppKind { Piv, OpenPgp };

enum class KeyOp { Sign, Decipher, Derive };

struct CardAppType {
    AppKind kind;
    const char* name;  // "PIV", "OpenPGP" (TokenInfo::application / model)
    // `atr`: the card's, as seen when the token was made (PIV decides extended length from it).
    std::unique_ptr<cardapp::CardApplication> (*create)(transport::Transport&, core::ByteView atr);
};

// All known applications, highest priority first.
std::span<const CardAppType> cardAppTypes();
const CardAppType& cardAppType(AppKind kind);

// The selection state of one card, shared by its tokens in this process. `current`: the AppKind (as int) we
// last selected, -1 unknown. `hasOpenPgp`: the card holds OpenPGP. When we let go of such a card with
// another application selected, we select OpenPGP again: GnuPG 2.2's scdaemon in shared mode keeps its
// OpenPGP session and never re-selects it (other clients we know re-select their own application).
// `use` is held from the selection check to the end of each card operation, so that a sibling token on
// another thread cannot select its application in between (recursive: letting go of the card may happen
// inside an operation).
struct CardSelectionState {
    std::atomic<int> current{-1};
    std::atomic<bool> hasOpenPgp{false};
    std::recursive_mutex use;
};
void restoreOpenPgpSelection(transport::Transport& t, CardSelectionState& s);

// What both drivers offer outside the cardapp interface (the dynamic_casts live here only).
bool takeStateLost(cardapp::CardApplication& app);
// VERIFY + the key operation in one transaction (keys with PIN policy "always").
core::Result<core::Bytes> keyOperationWithPin(cardapp::CardApplication& app, KeyOp op, uint8_t keyRef,
                                              core::ByteView input, core::ByteView pin);
// OpenPGP RESET RETRY COUNTER with the PW3 the card holds verified; NotSupported for other applications.
core::Status resetUserPinAsAdmin(cardapp::CardApplication& app, core::ByteView newPin);

}  // namespace token
