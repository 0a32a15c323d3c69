// Spare connections (issue 9): a one-APDU private-key operation that finds the token busy runs on a
// connection of its own instead of queueing behind the lock. pcscd serves each connection in its own thread,
// so the round trips of several signatures overlap; the card still runs one command at a time.
//
// Why this is safe without the lock: the spare sends exactly the APDU the main path sends without a
// transaction (PivApplication::keyOpWithoutTransaction) and the card guards it the same way: a reset fails
// the transmit, another selected application refuses the instruction, a PIN that is no longer verified
// gives 6982. Any failure sends the operation down the main path, which recovers and reports as before.
// Only a key the main path used this way in the current login and card generation qualifies, and only
// while we are logged in and our application is the one selected; a new spare must find the same card.
#include "core/base/log.h"
#include "core/token/token_impl.h"

namespace token {

namespace {

piv::KeyOp pivOp(KeyOp op) {
    switch (op) {
        case KeyOp::Sign: return piv::KeyOp::Sign;
        case KeyOp::Decipher: return piv::KeyOp::Decipher;
        case KeyOp::Derive: return piv::KeyOp::Derive;
    }
    return piv::KeyOp::Sign;
}

}  // namespace

core::Result<Bytes> Token::Impl::keyOperationEntry(KeyOp op, uint8_t keyRef, ByteView input,
                                                   std::optional<ByteView> pin) {
    return noThrow([&]() -> core::Result<Bytes> {
        std::unique_lock lock(mutex, std::try_to_lock);
        if (!lock.owns_lock()) {
            // A context PIN needs VERIFY right before the operation: only the main path does that.
            if (!pin)
                if (auto r = keyOperationOnSpare(op, keyRef, input)) return std::move(*r);
            lock.lock();
        }
        auto r = keyOperation(op, keyRef, input, pin);
        if (r && !pin) noteDirectOp(op, keyRef, input.size());
        return r;
    });
}

void Token::Impl::noteDirectOp(KeyOp op, uint8_t keyRef, std::size_t inputSize) {
    piv::PivApplication* p = piv();
    std::optional<piv::PivApplication::DirectKeyOp> how;
    if (p && login.load() == LoginState::User && !removed.load()) how = p->directKeyOp(keyRef, inputSize);
    if (how && !identity) how.reset();  // a new spare is checked against it
    std::lock_guard lock(spareMutex);
    if (how) {
        directOps[{op, keyRef}] = DirectOp{*how, generation.load()};
        if (!directIdentity || directIdentity->cardId != identity->cardId) directIdentity = identity;
    } else {
        directOps.erase({op, keyRef});
    }
}

std::optional<Bytes> Token::Impl::keyOperationOnSpare(KeyOp op, uint8_t keyRef, ByteView input) {
    if (removed.load() || login.load() != LoginState::User) return std::nullopt;
    if (selection && selection->current.load() != static_cast<int>(kind)) return std::nullopt;
    std::unique_ptr<transport::Transport> spare;
    piv::PivApplication::DirectKeyOp how;
    cardapp::ApplicationIdentity expected;
    uint64_t epoch = 0;
    {
        std::lock_guard lock(spareMutex);
        auto it = directOps.find({op, keyRef});
        if (it == directOps.end() || it->second.generation != generation.load()) return std::nullopt;
        how = it->second.how;
        if (!directIdentity) return std::nullopt;
        // The recipe holds for this input size only if it is still one APDU (EC hashes up to 128 bytes).
        if (!cardapp::isRsa(how.alg) && input.size() > 128) return std::nullopt;
        if (!spares.empty()) {
            spare = std::move(spares.back());
            spares.pop_back();
        } else if (sparesOpen >= Token::kSpareConnections) {
            return std::nullopt;
        } else {
            ++sparesOpen;  // reserved; connected below, outside the lock
            expected = *directIdentity;
        }
        epoch = spareEpoch;
    }
    if (!spare) {
        // A new connection reaches whatever card is in the reader now: only the one the keys belong to will do.
        auto t = backend.connect(reader);
        if (!t || !piv::PivApplication::sameCardOn(**t, expected)) {
            MESIGN_LOG("token", Debug, "no spare connection to '" + reader + "': " +
                                           (t ? std::string("another card") : t.error().message));
            std::lock_guard lock(spareMutex);
            --sparesOpen;
            return std::nullopt;
        }
        spare = std::move(*t);
        MESIGN_LOG("token", Debug, "spare connection to '" + reader + "' opened");
    }
    std::optional<Bytes> r = piv::PivApplication::runDirectKeyOp(*spare, how, pivOp(op), input);
    std::unique_ptr<transport::Transport> closing;
    {
        std::lock_guard lock(spareMutex);
        if (r && epoch == spareEpoch) {
            spares.push_back(std::move(spare));
        } else {
            // A failed spare may have met a reset or a removal: the main path sorts that out; start afresh.
            closing = std::move(spare);
            --sparesOpen;
        }
    }
    return r;  // `closing` disconnects here, outside the lock
}

void Token::Impl::forgetDirectOps() {
    std::lock_guard lock(spareMutex);
    directOps.clear();
    directIdentity.reset();
}

void Token::Impl::closeSpares() {
    std::vector<std::unique_ptr<transport::Transport>> closing;
    {
        std::lock_guard lock(spareMutex);
        directOps.clear();
        directIdentity.reset();
        closing.swap(spares);
        sparesOpen -= static_cast<int>(closing.size());
        ++spareEpoch;
    }
}

}  // namespace token
