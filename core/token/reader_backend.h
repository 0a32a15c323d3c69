// Where tokens come from: PC/SC readers (pcsc-lite) in the product, a scripted set of in-process cards in
// unit tests. The token layer never calls SCard* directly, so its logic is testable without pcscd.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/result.h"
#include "core/transport/transport.h"

namespace token {

class ObjectCache;

using core::ByteView;
using core::Bytes;

struct ReaderState {
    std::string name;
    bool present = false;    // a card is in the reader (powered or not)
    Bytes atr;
    uint32_t eventCount = 0; // changes on every insertion/removal (PC/SC: high word of dwEventState)
};

class ReaderBackend {
public:
    virtual ~ReaderBackend() = default;

    // Current readers and card presence. Errc::NoService when pcscd is unreachable (then: no readers).
    virtual core::Result<std::vector<ReaderState>> readers() = 0;
    // Blocks until a reader is added/removed or a card inserted/removed relative to `known`, or
    // `timeoutMs` elapses (-1: no limit). Returns the new states; Errc::Timeout on timeout,
    // Errc::Cancelled after cancel() (from any thread). Returns at once when the current state already
    // differs from `known`. When pcscd is gone the state is "no readers"; the PC/SC backend then retries
    // once a second until pcscd is back, the timeout or cancel(). One waiter at a time.
    virtual core::Result<std::vector<ReaderState>> waitForChange(const std::vector<ReaderState>& known,
                                                                 int timeoutMs) = 0;
    // Sticky: a cancel() while nobody waits ends the next waitForChange() at once (so a cancel racing
    // with the start of a wait is never lost); a wait that returns Cancelled consumes it.
    virtual void cancel() = 0;
    // A new connection (shared mode) to the card in `reader`.
    virtual core::Result<std::unique_ptr<transport::Transport>> connect(const std::string& reader) = 0;
    // The cross-process object cache for this backend's cards (nullptr: none). Outlives every Token.
    virtual const ObjectCache* objectCache() const { return nullptr; }
};

// pcsc-lite backend: one context for waiting (so cancel() can SCardCancel it) and one per connection.
// Its object cache comes from the environment (ObjectCache::fromEnvironment()).
std::unique_ptr<ReaderBackend> makePcscBackend();

}  // namespace token
