#include "tests/support/fake_reader_backend.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/token/reader_state_util.h"
#include "vcard/open_card.h"

namespace testsupport {

using core::Errc;
using core::fail;

// A connection ("SCARDHANDLE") to one insertion of a card.
class FakeConnection final : public transport::Transport {
  public:
    FakeConnection(std::shared_ptr<FakeCard> card, std::string reader, uint64_t insertion, uint64_t resets)
        : m_card(std::move(card)),
          m_reader(std::move(reader)),
          m_insertion(insertion),
          m_seenResets(resets) {}

    ~FakeConnection() override {
        std::lock_guard lock(m_card->m_mutex);
        if (m_card->m_txOwner == this) m_card->m_txOwner = nullptr;
        // pcscd powers an idle card down once its last handle is gone: the card forgets PIN and admin state.
        if (--m_card->m_connections == 0 && m_card->m_insertion == m_insertion) m_card->m_card->powerOff();
        m_card->m_cv.notify_all();
    }

    core::Result<Bytes> transmit(ByteView command) override {
        std::unique_lock lock(m_card->m_mutex);
        MESIGN_TRY(checkLocked());
        // Outside a transaction of ours, wait for another connection's transaction to end.
        m_card->m_cv.wait(lock, [&] { return !m_card->m_txOwner || m_card->m_txOwner == this || gone(); });
        MESIGN_TRY(checkLocked());
        if (m_card->m_holdIns >= 0 && command.size() > 1 && command[1] == m_card->m_holdIns) {
            m_card->m_holdIns = -1;
            m_card->m_holding = true;
            m_card->m_cv.notify_all();
            // Not woken by a removal: a test may swap cards while this operation keeps its Token busy.
            m_card->m_cv.wait(lock, [&] { return !m_card->m_holding; });
            MESIGN_TRY(checkLocked());
        }
        ++m_card->m_apdus;
        return m_card->m_card->process(command);
    }

    core::Result<Bytes> atr() override {
        std::lock_guard lock(m_card->m_mutex);
        MESIGN_TRY(checkLocked());
        return m_card->m_card->atr();
    }

    core::Status reset() override {
        std::lock_guard lock(m_card->m_mutex);
        MESIGN_TRY(checkLocked());
        m_card->m_card->reset();
        m_seenResets = ++m_card->m_resets;  // everyone else sees the reset, we do not
        return {};
    }

    core::Status beginTransaction() override {
        std::unique_lock lock(m_card->m_mutex);
        if (m_depth > 0) {
            ++m_depth;
            return {};
        }
        MESIGN_TRY(checkLocked());
        m_card->m_cv.wait(lock, [&] { return !m_card->m_txOwner || gone(); });
        MESIGN_TRY(checkLocked());
        m_card->m_txOwner = this;
        m_depth = 1;
        return {};
    }

    void endTransaction() override {
        std::lock_guard lock(m_card->m_mutex);
        if (m_depth == 0 || --m_depth > 0) return;
        if (m_card->m_txOwner == this) m_card->m_txOwner = nullptr;
        m_card->m_cv.notify_all();
    }

    std::string readerName() const override { return m_reader; }

  private:
    bool gone() const { return m_card->m_insertion != m_insertion; }
    // Removal, then a reset by someone else (reported once, like SCARD_W_RESET_CARD + SCardReconnect).
    core::Status checkLocked() {
        if (gone()) return fail(Errc::CardRemoved, "fake: the card was removed from '" + m_reader + "'");
        if (m_seenResets != m_card->m_resets) {
            m_seenResets = m_card->m_resets;
            return fail(Errc::CardReset, "fake: the card was reset by another party");
        }
        return {};
    }

    std::shared_ptr<FakeCard> m_card;
    std::string m_reader;
    uint64_t m_insertion;
    uint64_t m_seenResets;
    int m_depth = 0;
};

// ---- FakeCard ----

std::shared_ptr<FakeCard> FakeCard::createPiv() {
    auto card = vcard::createMemoryCard("piv");
    if (!card) throw std::runtime_error("cannot create a virtual PIV card: " + card.error().describe());
    return std::make_shared<FakeCard>(std::move(*card));
}

Bytes FakeCard::atr() const {
    std::lock_guard lock(m_mutex);
    return m_card->atr();
}

int FakeCard::openConnections() const {
    std::lock_guard lock(m_mutex);
    return m_connections;
}

uint64_t FakeCard::resetCount() const {
    std::lock_guard lock(m_mutex);
    return m_resets;
}

uint64_t FakeCard::apduCount() const {
    std::lock_guard lock(m_mutex);
    return m_apdus;
}

Bytes FakeCard::process(ByteView apdu) {
    std::lock_guard lock(m_mutex);
    return m_card->process(apdu);
}

void FakeCard::holdNext(uint8_t ins) {
    std::lock_guard lock(m_mutex);
    m_holdIns = ins;
}

bool FakeCard::waitHeld(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, timeout, [&] { return m_holding; });
}

void FakeCard::releaseHeld() {
    std::lock_guard lock(m_mutex);
    m_holdIns = -1;
    m_holding = false;
    m_cv.notify_all();
}

// ---- FakeReaders ----

FakeReaders::Reader* FakeReaders::findLocked(const std::string& name) {
    auto it =
        std::find_if(m_readers.begin(), m_readers.end(), [&](const Reader& r) { return r.name == name; });
    return it == m_readers.end() ? nullptr : &*it;
}

void FakeReaders::ejectLocked(Reader& r) {
    if (!r.card) return;
    {
        std::lock_guard lock(r.card->m_mutex);
        r.card->m_insertion = 0;
        r.card->m_txOwner = nullptr;
        r.card->m_card->powerOff();
        r.card->m_cv.notify_all();
    }
    r.card.reset();
    ++r.eventCount;
}

void FakeReaders::addReader(const std::string& name) {
    std::lock_guard lock(m_mutex);
    if (findLocked(name)) throw std::logic_error("fake: reader '" + name + "' exists");
    m_readers.push_back(Reader{name, nullptr, 0});
    m_cv.notify_all();
}

void FakeReaders::removeReader(const std::string& name) {
    std::lock_guard lock(m_mutex);
    Reader* r = findLocked(name);
    if (!r) throw std::logic_error("fake: no reader '" + name + "'");
    ejectLocked(*r);
    m_readers.erase(m_readers.begin() + (r - m_readers.data()));
    m_cv.notify_all();
}

std::shared_ptr<FakeCard> FakeReaders::insertCard(const std::string& reader, std::shared_ptr<FakeCard> card) {
    if (!card) card = FakeCard::createPiv();
    std::lock_guard lock(m_mutex);
    Reader* r = findLocked(reader);
    if (!r) throw std::logic_error("fake: no reader '" + reader + "'");
    if (r->card) throw std::logic_error("fake: reader '" + reader + "' already holds a card");
    {
        std::lock_guard cardLock(card->m_mutex);
        if (card->m_insertion != 0) throw std::logic_error("fake: the card is in another reader");
        card->m_insertion = m_nextInsertion++;
        card->m_card->powerOn();
    }
    r->card = card;
    ++r->eventCount;
    m_cv.notify_all();
    return card;
}

std::shared_ptr<FakeCard> FakeReaders::removeCard(const std::string& reader) {
    std::lock_guard lock(m_mutex);
    Reader* r = findLocked(reader);
    if (!r || !r->card) throw std::logic_error("fake: no card in '" + reader + "'");
    auto card = r->card;
    ejectLocked(*r);
    m_cv.notify_all();
    return card;
}

void FakeReaders::resetCard(const std::string& reader) {
    std::shared_ptr<FakeCard> card = this->card(reader);
    if (!card) throw std::logic_error("fake: no card in '" + reader + "'");
    std::unique_lock lock(card->m_mutex);
    card->m_cv.wait(lock, [&] { return !card->m_txOwner; });
    card->m_card->reset();
    ++card->m_resets;
}

std::shared_ptr<FakeCard> FakeReaders::card(const std::string& reader) const {
    std::lock_guard lock(m_mutex);
    auto it =
        std::find_if(m_readers.begin(), m_readers.end(), [&](const Reader& r) { return r.name == reader; });
    return it == m_readers.end() ? nullptr : it->card;
}

void FakeReaders::setServiceAvailable(bool available) {
    std::lock_guard lock(m_mutex);
    m_service = available;
    m_cv.notify_all();
}

int FakeReaders::connectCount() const {
    std::lock_guard lock(m_mutex);
    return m_connects;
}

std::vector<token::ReaderState> FakeReaders::snapshotLocked() const {
    std::vector<token::ReaderState> out;
    if (!m_service) return out;
    for (const Reader& r : m_readers) {
        token::ReaderState s;
        s.name = r.name;
        s.present = r.card != nullptr;
        if (r.card) {
            std::lock_guard cardLock(r.card->m_mutex);
            s.atr = r.card->m_card->atr();
        }
        s.eventCount = r.eventCount;
        out.push_back(std::move(s));
    }
    return out;
}

core::Result<std::vector<token::ReaderState>> FakeReaders::readers() const {
    std::lock_guard lock(m_mutex);
    if (!m_service) return fail(Errc::NoService, "fake: PC/SC service not available");
    return snapshotLocked();
}

core::Result<std::vector<token::ReaderState>> FakeReaders::waitForChange(
    const std::vector<token::ReaderState>& known, int timeoutMs, bool& cancelFlag) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(timeoutMs, 0));
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (cancelFlag) {
            cancelFlag = false;
            return fail(Errc::Cancelled, "fake: wait cancelled");
        }
        auto now = snapshotLocked();
        if (!token::sameReaderStates(known, now)) return now;
        if (timeoutMs < 0) {
            m_cv.wait(lock);
        } else if (m_cv.wait_until(lock, deadline) == std::cv_status::timeout) {
            if (cancelFlag) continue;
            now = snapshotLocked();
            if (!token::sameReaderStates(known, now)) return now;
            return fail(Errc::Timeout, "fake: no reader event before the timeout");
        }
    }
}

void FakeReaders::cancel(bool& cancelFlag) {
    std::lock_guard lock(m_mutex);
    cancelFlag = true;
    m_cv.notify_all();
}

core::Result<std::unique_ptr<transport::Transport>> FakeReaders::connect(const std::string& reader) {
    std::lock_guard lock(m_mutex);
    if (!m_service) return fail(Errc::NoService, "fake: PC/SC service not available");
    Reader* r = findLocked(reader);
    if (!r) return fail(Errc::NoReader, "fake: no reader '" + reader + "'");
    if (!r->card) return fail(Errc::NoCard, "fake: no card in '" + reader + "'");
    std::lock_guard cardLock(r->card->m_mutex);
    if (r->card->m_connections++ == 0) r->card->m_card->powerOn();
    ++m_connects;
    return std::unique_ptr<transport::Transport>(
        std::make_unique<FakeConnection>(r->card, reader, r->card->m_insertion, r->card->m_resets));
}

}  // namespace testsupport
