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
#include "minidriver/md_profile.h"

namespace md {

using core::Bytes;
using core::ByteView;

// The card behind one context: the application plus whatever owns its transport. Created by
// openCard() (md_card_open_piv.cpp: PIV over the caller's SCARDHANDLE, both builds; else OpenPGP,
// md_card_open_openpgp.cpp, native build only).
class Card {
public:
    virtual ~Card() = default;
    virtual cardapp::CardApplication& app() = 0;
    // PIV unless the application says otherwise (md_card_open_openpgp.cpp).
    virtual const CardProfile& profile() const { return pivProfile(); }
    // Raw APDUs for what the task interface lacks (PIV admin challenge-response).
    virtual transport::Transport& rawTransport() = 0;
    // Last PC/SC error seen on the caller's handle (0 if none), to report the caller's own code.
    virtual LONG lastPcscError() const = 0;

    // OpenPGP operations the task interface lacks (NotSupported elsewhere):
    // VERIFY 81 alone (PW1 for signatures);
    virtual core::Status verifySignaturePin(ByteView pin);
    // VERIFY 83 + RESET RETRY COUNTER 02 (PW1 unblocked by PW3);
    virtual core::Status unblockWithAdminPin(ByteView adminPin, ByteView newPin);
    // VERIFY 83 + PUT DATA D3 (the resetting code set);
    virtual core::Status setUnblockCode(ByteView adminPin, ByteView code);
    // RSA decipher with the PKCS#1 v1.5 padding removed by the card;
    virtual core::Result<Bytes> decipherPlain(uint8_t keyRef, ByteView cipher);
    // "PW1 valid for one signature" (C4 byte 1 = 00).
    virtual core::Result<bool> pinPerSignature();
};
core::Result<std::unique_ptr<Card>> openCard(SCARDCONTEXT ctx, SCARDHANDLE handle);
// The next application to try when the card has no PIV: OpenPGP natively; the DLL has none yet
// (NotFound; win/md_card_open_other_win.cpp).
core::Result<std::unique_ptr<Card>> openOtherCard(SCARDHANDLE handle);

// One container = one key of the application at a fixed index (PIV 0: 9A, 1: 9C, 2: 9D, 3: 9E;
// OpenPGP 0: SIG, 1: DEC, 2: AUT), so container indices and names stay stable across insertions
// without storing anything on the card.
struct Container {
    BYTE index = 0;
    uint8_t keyRef = 0;
    DWORD keySpec = 0;  // AT_KEYEXCHANGE / AT_SIGNATURE / AT_ECDSA_P* / AT_ECDHE_P*
    unsigned bits = 0;  // RSA modulus bits or curve size
    cardapp::KeyInfo key;
};
// The most containers any profile has (cmapfile sizes come from the card's profile).
inline constexpr BYTE kMaxContainers = 4;

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

    const CardProfile& profile() const { return card->profile(); }
    BYTE maxContainers() const { return card->profile().maxContainers(); }
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
