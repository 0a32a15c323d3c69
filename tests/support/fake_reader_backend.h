// A scripted PC/SC world for tests of core/token and everything above it (the PKCS#11 module): named readers
// holding in-process virtual cards (vcard::createMemoryCard), driven from the test. It behaves like pcsc-lite
// where the token layer can tell:
//   - insert/remove cards and add/remove readers at any time; every insertion/removal bumps the reader's
//   event
//     counter, and waitForChange() wakes within microseconds;
//   - a removed (or re-inserted) card fails its old connections with Errc::CardRemoved;
//   - resetCard() resets the card "from another process": each open connection gets Errc::CardReset once
//     (then works), and the card's volatile state (verified PIN, management-key auth) is gone;
//   - transactions are exclusive between connections (beginTransaction blocks), resetCard() waits for them;
//   - the card is powered down when its last connection closes (pcscd does that ~1 s later), so a PIN
//     verified on a closed connection is forgotten;
//   - setServiceAvailable(false) makes everything answer Errc::NoService, as if pcscd had stopped.
// Several FakeReaderBackend objects may share one FakeReaders (several processes / PC/SC contexts).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/token/reader_backend.h"
#include "vcard/virtual_card.h"

namespace testsupport {

using core::Bytes;
using core::ByteView;

class FakeConnection;

// One card: the virtual card plus what pcscd tracks for it.
class FakeCard {
  public:
    explicit FakeCard(std::unique_ptr<vcard::VirtualCard> card) : m_card(std::move(card)) {}
    // A fresh in-memory PIV card with default credentials (PIN 123456, PUK 12345678, 3DES key 0102..08 x3).
    // Throws std::runtime_error if the virtual card cannot be created (tests only).
    static std::shared_ptr<FakeCard> createPiv();

    Bytes atr() const;
    int openConnections() const;
    uint64_t resetCount() const;
    uint64_t apduCount() const;
    // Direct access for test set-up (e.g. APDUs "from another process"); takes the card's lock.
    Bytes process(ByteView apdu);
    // The next APDU with instruction `ins`, from any connection, stops before the card until releaseHeld():
    // keeps one operation (and so its Token's lock) busy while other connections go on, even across a removal
    // of the card (it then fails as removed once released). waitHeld() returns true once such an APDU waits.
    void holdNext(uint8_t ins);
    bool waitHeld(std::chrono::milliseconds timeout);
    void releaseHeld();

  private:
    friend class FakeConnection;
    friend class FakeReaders;

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::unique_ptr<vcard::VirtualCard> m_card;
    uint64_t m_insertion = 0;  // id of the current insertion; 0 when not in a reader
    uint64_t m_resets = 0;
    uint64_t m_apdus = 0;
    int m_connections = 0;
    const FakeConnection* m_txOwner = nullptr;
    int m_holdIns = -1;      // holdNext(), until an APDU takes it
    bool m_holding = false;  // an APDU waits for releaseHeld()
};

class FakeReaders {
  public:
    FakeReaders() = default;
    FakeReaders(const FakeReaders&) = delete;
    FakeReaders& operator=(const FakeReaders&) = delete;

    void addReader(const std::string& name);
    void removeReader(const std::string& name);  // its card goes with it
    // Inserts `card` (a new PIV card when null) into an existing empty reader; returns it.
    std::shared_ptr<FakeCard> insertCard(const std::string& reader, std::shared_ptr<FakeCard> card = {});
    std::shared_ptr<FakeCard> removeCard(const std::string& reader);
    // Warm reset by "another process": waits for running transactions, like SCardReconnect(RESET) would.
    void resetCard(const std::string& reader);
    std::shared_ptr<FakeCard> card(const std::string& reader) const;
    void setServiceAvailable(bool available);
    int connectCount() const;  // successful connect() calls so far, all backends

    // --- used by FakeReaderBackend ---
    core::Result<std::vector<token::ReaderState>> readers() const;
    core::Result<std::vector<token::ReaderState>> waitForChange(const std::vector<token::ReaderState>& known,
                                                                int timeoutMs, bool& cancelFlag);
    void cancel(bool& cancelFlag);
    core::Result<std::unique_ptr<transport::Transport>> connect(const std::string& reader);

  private:
    struct Reader {
        std::string name;
        std::shared_ptr<FakeCard> card;
        uint32_t eventCount = 0;
    };
    std::vector<token::ReaderState> snapshotLocked() const;
    Reader* findLocked(const std::string& name);
    static void ejectLocked(Reader& r);

    mutable std::mutex m_mutex;  // lock order: FakeReaders, then FakeCard
    std::condition_variable m_cv;
    std::vector<Reader> m_readers;
    uint64_t m_nextInsertion = 1;
    bool m_service = true;
    int m_connects = 0;
};

class FakeReaderBackend final : public token::ReaderBackend {
  public:
    explicit FakeReaderBackend(std::shared_ptr<FakeReaders> world) : m_world(std::move(world)) {}

    core::Result<std::vector<token::ReaderState>> readers() override { return m_world->readers(); }
    core::Result<std::vector<token::ReaderState>> waitForChange(const std::vector<token::ReaderState>& known,
                                                                int timeoutMs) override {
        return m_world->waitForChange(known, timeoutMs, m_cancelled);
    }
    // Sticky like the PC/SC backend: a cancel() with nobody waiting ends the next wait at once.
    void cancel() override { m_world->cancel(m_cancelled); }
    core::Result<std::unique_ptr<transport::Transport>> connect(const std::string& reader) override {
        return m_world->connect(reader);
    }

  private:
    std::shared_ptr<FakeReaders> m_world;
    bool m_cancelled = false;  // guarded by the world's mutex
};

}  // namespace testsupport
