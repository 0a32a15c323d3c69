// Per-CARD_DATA state of the minidriver (lives in pfnCspAlloc'd memory at pvVendorSpecific) and the
// helpers every entry point shares: argument guard, error mapping, caller-allocator output.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "card-apps/common/card_application.h"
#include "core/transport/transport.h"
#include "minidriver/cardmod_v7.h"

namespace md {

using core::Bytes;
using core::ByteView;

// The card behind one context: the application plus whatever owns its transport. Created by
// openCard() (md_card_open_piv.cpp: PIV over the caller's SCARDHANDLE, both builds).
class Card {
public:
    virtual ~Card() = default;
    virtual cardapp::CardApplication& app() = 0;
    // Raw APDUs for what the task interface lacks (PIV admin challenge-response).
    virtual transport::Transport& rawTransport() = 0;
    // Last PC/SC error seen on the caller's handle (0 if none), to report the caller's own code.
    virtual LONG lastPcscError() const = 0;
};
core::Result<std::unique_ptr<Card>> openCard(SCARDCONTEXT ctx, SCARDHANDLE handle);

// One container = one PIV key slot at a fixed index (0: 9A, 1: 9C, 2: 9D, 3: 9E), so container
// indices and names stay stable across insertions without storing anything on the card.
struct Container {
    BYTE index = 0;
    uint8_t keyRef = 0;
    DWORD keySpec = 0;  // AT_KEYEXCHANGE / AT_SIGNATURE / AT_ECDSA_P* / AT_ECDHE_P*
    unsigned bits = 0;  // RSA modulus bits or curve size
    cardapp::KeyInfo key;
};
inline constexpr uint8_t kSlotRefs[] = {0x9A, 0x9C, 0x9D, 0x9E};
inline constexpr BYTE kMaxContainers = sizeof kSlotRefs;

// PIV PUK as an extra role (ids 3-7 are free for the card): unblock-only.
inline constexpr PIN_ID kRolePuk = 3;

struct Context {
    PCARD_DATA data = nullptr;
    DWORD version = 0;
    std::unique_ptr<Card> card;
    Bytes cardId;  // 16 bytes
    std::optional<std::vector<Container>> containers;  // read once per context, refreshed on changes
    // cardcf counters: we bump them whenever we change the card ourselves.
    BYTE pinsFreshness = 0;
    WORD containersFreshness = 0;
    WORD filesFreshness = 0;
    PIN_SET authenticated = PIN_SET_NONE;
    std::optional<Bytes> containerMap;
    // Key spec asked for at CardCreateContainer(Ex), by index: overrides the slot's default role
    // (e.g. AT_SIGNATURE for RSA in 9A) for this context; not persisted on the card.
    std::map<BYTE, DWORD> requestedSpecs;  // cmapfile as last written by the CSP (kept for this context)
    std::vector<Bytes> agreements;  // ECDH secrets by bSecretAgreementIndex; empty = free slot
    // Management-key algorithm of the pending ROLE_ADMIN challenge (0: none pending); the response
    // must go out under the same algorithm and block size.
    uint8_t adminAlg = 0;

    core::Result<const std::vector<Container>*> loadContainers();
    const Container* findContainer(BYTE index);  // nullptr: no key there (after loadContainers)
    core::Status loadCardId();
};

// Context of a CARD_DATA, or nullptr if pCardData / pvVendorSpecific is unusable.
Context* contextOf(PCARD_DATA pCardData);
// Maps a library error to the spec's code (wrong PIN, blocked, removed...).
DWORD toScard(const Context& ctx, const core::Error& e);
// Copies `bytes` into a new pfnCspAlloc buffer; nullptr if the allocator fails.
PBYTE allocCopy(const Context& ctx, ByteView bytes);

// Runs `body` for an entry point: checks pCardData, catches every exception (none may cross the C ABI).
template <typename F>
DWORD guarded(PCARD_DATA pCardData, F&& body) noexcept {
    Context* ctx = contextOf(pCardData);
    if (!ctx) return static_cast<DWORD>(SCARD_E_INVALID_PARAMETER);
    try {
        return body(*ctx);
    } catch (const std::bad_alloc&) {
        return static_cast<DWORD>(SCARD_E_NO_MEMORY);
    } catch (...) {
        return static_cast<DWORD>(SCARD_E_UNEXPECTED);
    }
}

inline DWORD code(LONG c) { return static_cast<DWORD>(c); }

// Fills the version-dependent function table (md_table.cpp).
void fillFunctionTable(PCARD_DATA pCardData, DWORD version);

// CardAcquireContext logic; the exported symbol (md_entry_win.cpp / the test) forwards here.
DWORD acquireContext(PCARD_DATA pCardData, DWORD dwFlags) noexcept;

}  // namespace md
