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
    std::unique_ptr<cardapp::CardApplication> (*create)(transport::Transport&);
};

// All known applications, highest priority first.
std::span<const CardAppType> cardAppTypes();
const CardAppType& cardAppType(AppKind kind);

// The selection state of one card, shared by its tokens in this process. `current`: the AppKind (as int) we
// last selected, -1 unknown. `foundOpenPgp`: OpenPGP was selected when we first touched the card (GET DATA 4F
// answered with its AID); we select it again when we let go of the card, because GnuPG 2.2's scdaemon in
// shared mode keeps its OpenPGP session and never re-selects it after another program selected PIV.
struct CardSelectionState {
    std::atomic<int> current{-1};
    std::mutex mutex;  // guards the two below
    bool probed = false;
    bool foundOpenPgp = false;
};
// Called on a fresh connection before any SELECT (once per card).
void probeInitialSelection(transport::Transport& t, CardSelectionState& s);
// On letting go of a connection: re-selects OpenPGP if it was found selected and is no longer.
void restoreInitialSelection(transport::Transport& t, CardSelectionState& s);

// What both drivers offer outside the cardapp interface (the dynamic_casts live here only).
bool takeStateLost(cardapp::CardApplication& app);
// VERIFY + the key operation in one transaction (keys with PIN policy "always").
core::Result<core::Bytes> keyOperationWithPin(cardapp::CardApplication& app, KeyOp op, uint8_t keyRef,
                                              core::ByteView input, core::ByteView pin);

}  // namespace token
