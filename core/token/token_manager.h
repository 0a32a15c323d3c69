// Slots are (reader, card application) pairs with ids stable for the life of the object (ids start at 1,
// assigned in order of first sight; a removed reader keeps its slots, absent). A reader's first slot appears
// with the reader and holds the card's first application in priority order (PIV, then OpenPGP); when a
// card is probed (token() on that slot, or probeCards()) every further application on it gets a slot of
// its own for (reader, application), created on first sight and kept. Tokens are created when a card with a
// known application is present. Event waiting is built on ReaderBackend::waitForChange. The first reader
// snapshot is the baseline (no events). Thread-safe; no lock is held during card I/O or a blocking wait.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/token/token.h"

namespace token {

using SlotId = unsigned long;

struct SlotState {
    SlotId id = 0;
    std::string reader;
    bool readerPresent = true;  // false once the reader was unplugged
    bool cardPresent = false;
    Bytes atr;
    bool primary = true;                // the reader's first slot; else an extra application's slot
    std::optional<AppKind> application;  // extra slots: always; the first slot: once its card is probed
};

class TokenManager {
public:
    explicit TokenManager(std::unique_ptr<ReaderBackend> backend);
    ~TokenManager();

    // Re-reads the reader list (new readers → new slots). Sends no APDU. pcscd unreachable is not an
    // error: every slot is then reported absent. slots() does not refresh by itself.
    core::Status refresh();
    std::vector<SlotState> slots() const;
    // Probes every present card not probed yet (so that all its applications have slots). Sends APDUs.
    void probeCards();
    std::optional<SlotState> slot(SlotId id) const;
    // The token in the slot (probing the card on first use, then the same object while that card stays);
    // NotFound (no such slot) / NoReader (reader gone) / NoCard / NotSupported otherwise.
    core::Result<std::shared_ptr<Token>> token(SlotId id);

    // Slots whose card or reader changed since the last call (insert/remove), without blocking.
    std::vector<SlotId> takePendingEvents();
    // Blocks until at least one event (or timeout / cancelWait()); returns the slots with events (sorted).
    // Errc::Timeout, Errc::Cancelled; Errc::ConditionsNotSatisfied when another thread is already waiting.
    core::Result<std::vector<SlotId>> waitForEvents(int timeoutMs);
    // Ends a blocked waitForEvents() with Errc::Cancelled, from any thread (sticky: ReaderBackend::cancel).
    void cancelWait();

    ReaderBackend& backend() { return *m_backend; }

private:
    struct Impl;
    std::unique_ptr<ReaderBackend> m_backend;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace token
