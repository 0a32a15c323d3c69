// TokenManager: slots from readers, tokens from cards, events from reader state changes.
//
// Slot ids start at 1, in order of first sight of a reader name or of an extra application on a probed card,
// and stay for the manager's life (a reader that comes back gets its old slots). Probing a card creates a
// Token per application found (each with its own connection); the first goes to the reader's first slot,
// the others to the reader's slot for that application. The first reader snapshot is the baseline and raises no events; after
// that a slot gets an event when its reader appears or goes, or its card is inserted or removed (PC/SC event
// counter). Threading: one mutex guards the slot table (never held during card I/O or a blocking wait);
// waitForEvents() runs on one thread at a time, and cancelWait() from any thread ends it with Cancelled.
#include "core/token/token_manager.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "core/base/log.h"
#include "core/token/reader_state_util.h"

namespace token {

using core::Errc;
using core::fail;

struct TokenManager::Impl {
    struct Slot {
        SlotState state;
        uint32_t eventCount = 0;
        std::shared_ptr<Token> token;  // for the card of `eventCount`
        bool unsupported = false;      // that card has no application we know
    };

    mutable std::mutex mutex;
    std::vector<Slot> slots;         // slots[i] has id i + 1
    std::map<std::string, Token::SharedSelection> selections;  // per reader: shared by its tokens
    std::vector<ReaderState> known;  // the last reader snapshot applied
    bool haveBaseline = false;
    std::vector<SlotId> pending;  // slots with events, no duplicates
    std::mutex waitMutex;         // one waitForEvents() at a time

    Slot* find(SlotId id) {
        if (id == 0 || id > slots.size()) return nullptr;
        return &slots[id - 1];
    }
    void addEvent(SlotId id) {
        if (haveBaseline && std::find(pending.begin(), pending.end(), id) == pending.end())
            pending.push_back(id);
    }
    Slot* primaryOf(const std::string& reader) {
        for (Slot& s : slots)
            if (s.state.primary && s.state.reader == reader) return &s;
        return nullptr;
    }
    std::vector<SlotId> takePending() {
        std::vector<SlotId> out = std::exchange(pending, {});
        std::sort(out.begin(), out.end());
        return out;
    }
    static void dropToken(Slot& s) {
        if (s.token) s.token->markRemoved();
        s.token.reset();
        s.unsupported = false;
        if (s.state.primary) s.state.application.reset();
    }
    // Hands the tokens of one probe (application order) to the reader's slots; callers hold `mutex`.
    void assign(Slot& primary, std::vector<std::shared_ptr<Token>> found);
    // Merges a snapshot into the slot table (callers hold `mutex`).
    void apply(const std::vector<ReaderState>& now);
};

void TokenManager::Impl::apply(const std::vector<ReaderState>& now) {
    for (const ReaderState& r : now) {
        auto it = std::find_if(slots.begin(), slots.end(),
                               [&](const Slot& s) { return s.state.primary && s.state.reader == r.name; });
        if (it == slots.end()) {
            Slot s;
            s.state.id = slots.size() + 1;
            s.state.reader = r.name;
            s.state.readerPresent = false;  // handled as "reader came back" below
            slots.push_back(std::move(s));
            it = slots.end() - 1;
            MESIGN_LOG("token", Info, "slot " + std::to_string(it->state.id) + ": reader '" + r.name + "'");
        }
        for (Slot& s : slots) {  // the first slot and the reader's application slots alike
            if (s.state.reader != r.name) continue;
            const bool readerBack = !s.state.readerPresent;
            const bool cardChanged = s.state.cardPresent != r.present || s.eventCount != r.eventCount;
            if (readerBack || cardChanged) addEvent(s.state.id);
            if (cardChanged || readerBack) dropToken(s);
            s.state.readerPresent = true;
            s.state.cardPresent = r.present;
            s.state.atr = r.present ? r.atr : Bytes{};
            s.eventCount = r.eventCount;
        }
    }
    for (Slot& s : slots) {
        const bool listed = std::any_of(now.begin(), now.end(),
                                        [&](const ReaderState& r) { return r.name == s.state.reader; });
        if (listed || !s.state.readerPresent) continue;
        addEvent(s.state.id);
        dropToken(s);
        s.state.readerPresent = false;
        s.state.cardPresent = false;
        s.state.atr.clear();
    }
    known = now;
    haveBaseline = true;
}

void TokenManager::Impl::assign(Slot& primary, std::vector<std::shared_ptr<Token>> found) {
    primary.token = found.front();
    primary.state.application = found.front()->kind();
    // Copies: adding a slot below reallocates `slots`, and `primary` lives there.
    const SlotState base = primary.state;
    const uint32_t events = primary.eventCount;
    for (Slot& s : slots) {  // applications this card lacks (or holds in the first slot)
        if (s.state.primary || s.state.reader != base.reader) continue;
        s.token.reset();
        s.unsupported = true;
        s.eventCount = events;
    }
    for (std::size_t i = 1; i < found.size(); ++i) {
        const AppKind kind = found[i]->kind();
        auto it = std::find_if(slots.begin(), slots.end(), [&](const Slot& s) {
            return !s.state.primary && s.state.reader == base.reader && s.state.application == kind;
        });
        if (it == slots.end()) {
            Slot s;
            s.state = base;
            s.state.id = slots.size() + 1;
            s.state.primary = false;
            s.state.application = kind;
            slots.push_back(std::move(s));
            it = slots.end() - 1;
            MESIGN_LOG("token", Info, "slot " + std::to_string(it->state.id) + ": " + cardAppType(kind).name +
                                          " in '" + base.reader + "'");
        }
        it->eventCount = events;
        it->unsupported = false;
        it->token = found[i];
    }
}

TokenManager::TokenManager(std::unique_ptr<ReaderBackend> backend)
    : m_backend(std::move(backend)), m_impl(std::make_unique<Impl>()) {}

// Tokens handed out may outlive us (shared_ptr) but reference our backend: retire them first.
TokenManager::~TokenManager() {
    std::lock_guard lock(m_impl->mutex);
    for (auto& s : m_impl->slots) Impl::dropToken(s);
}

core::Status TokenManager::refresh() {
    try {
        auto now = m_backend->readers();
        std::lock_guard lock(m_impl->mutex);
        if (!now) {
            if (now.error().code != Errc::NoService) return fail(now.error());
            // pcscd gone: no readers (slots stay, absent) and no error, so slot lists keep working.
            MESIGN_LOG("token", Info, "no PC/SC service: " + now.error().message);
            m_impl->apply({});
            return {};
        }
        m_impl->apply(*now);
        return {};
    } catch (const std::exception& e) {
        return fail(Errc::Internal, std::string("TokenManager::refresh: ") + e.what());
    }
}

std::vector<SlotState> TokenManager::slots() const {
    std::lock_guard lock(m_impl->mutex);
    std::vector<SlotState> out;
    out.reserve(m_impl->slots.size());
    for (const auto& s : m_impl->slots) out.push_back(s.state);
    return out;
}

std::optional<SlotState> TokenManager::slot(SlotId id) const {
    std::lock_guard lock(m_impl->mutex);
    if (const auto* s = m_impl->find(id)) return s->state;
    return std::nullopt;
}

void TokenManager::probeCards() {
    for (const SlotState& s : slots())
        if (s.primary && s.readerPresent && s.cardPresent) (void)token(s.id);
}

core::Result<std::shared_ptr<Token>> TokenManager::token(SlotId id) {
    try {
        SlotId primaryId = id;
        std::string reader;
        Bytes atr;
        uint32_t forEvents = 0;
        Token::SharedSelection selection;
        {
            std::lock_guard lock(m_impl->mutex);
            Impl::Slot* s = m_impl->find(id);
            if (!s) return fail(Errc::NotFound, "no slot " + std::to_string(id));
            if (!s->state.readerPresent)
                return fail(Errc::NoReader, "the reader of slot " + std::to_string(id) + " is gone");
            if (!s->state.cardPresent) return fail(Errc::NoCard, "no card in '" + s->state.reader + "'");
            if (s->unsupported)
                return fail(Errc::NotSupported, "unsupported card in '" + s->state.reader + "'");
            if (s->token && !s->token->removed()) return s->token;
            Impl::Slot* p = s->state.primary ? s : m_impl->primaryOf(s->state.reader);
            if (!p) return fail(Errc::Internal, "slot " + std::to_string(id) + " has no reader slot");
            // An application slot's card was not probed yet: probe through the reader's first slot.
            if (p->token && !p->token->removed() && p != s)
                return fail(Errc::NotSupported, "no such application on the card in '" + s->state.reader + "'");
            primaryId = p->state.id;
            reader = p->state.reader;
            atr = p->state.atr;
            forEvents = p->eventCount;
            auto& shared = m_impl->selections[reader];
            if (!shared) shared = std::make_shared<CardSelectionState>();
            selection = shared;
        }
        // Probe without the table lock: it talks to the card. Every application, in priority order.
        std::vector<std::shared_ptr<Token>> found;
        std::optional<core::Error> failure;
        for (const CardAppType& type : cardAppTypes()) {
            auto fresh = std::make_shared<Token>(*m_backend, reader, atr, type.kind);
            fresh->shareSelection(selection);
            auto st = fresh->probe();
            if (st) {
                if (type.kind == AppKind::OpenPgp) selection->hasOpenPgp = true;
                found.push_back(std::move(fresh));
            } else {
                fresh->markRemoved();
                if (st.error().code != Errc::NotSupported && !failure) failure = st.error();
            }
        }
        std::lock_guard lock(m_impl->mutex);
        Impl::Slot* p = m_impl->find(primaryId);
        auto retire = [&] {
            for (auto& t : found) t->markRemoved();
        };
        if (!p->state.cardPresent || p->eventCount != forEvents) {
            retire();
            return fail(Errc::CardRemoved, "the card in '" + p->state.reader + "' changed while probing");
        }
        if (p->token && !p->token->removed()) {
            retire();  // another thread won the race: its tokens stay
        } else if (found.empty()) {
            if (failure) return fail(*failure);
            p->unsupported = true;
            return fail(Errc::NotSupported, "no known application on the card in '" + p->state.reader + "'");
        } else {
            m_impl->assign(*p, std::move(found));
        }
        Impl::Slot* s = m_impl->find(id);
        if (s->token && !s->token->removed()) return s->token;
        s->unsupported = true;
        return fail(Errc::NotSupported, "no such application on the card in '" + s->state.reader + "'");
    } catch (const std::exception& e) {
        return fail(Errc::Internal, std::string("TokenManager::token: ") + e.what());
    }
}

std::vector<SlotId> TokenManager::takePendingEvents() {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->takePending();
}

core::Result<std::vector<SlotId>> TokenManager::waitForEvents(int timeoutMs) {
    std::unique_lock waiting(m_impl->waitMutex, std::try_to_lock);
    if (!waiting.owns_lock())
        return fail(Errc::ConditionsNotSatisfied, "another thread is already waiting for slot events");
    try {
        using Clock = std::chrono::steady_clock;
        const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeoutMs, 0));
        for (;;) {
            std::vector<ReaderState> known;
            bool baseline = false;
            {
                std::lock_guard lock(m_impl->mutex);
                if (!m_impl->pending.empty()) return m_impl->takePending();
                baseline = m_impl->haveBaseline;
                known = m_impl->known;
            }
            if (!baseline) {  // first use: the current state is the baseline, not an event
                MESIGN_TRY(refresh());
                continue;
            }
            int ms = -1;
            if (timeoutMs >= 0) {
                auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
                ms = left > 0 ? static_cast<int>(left) : 0;
            }
            auto now = m_backend->waitForChange(known, ms);
            if (!now) {
                if (now.error().code == Errc::Timeout) {
                    std::lock_guard lock(m_impl->mutex);  // refresh() from another thread may have seen it
                    if (!m_impl->pending.empty()) return m_impl->takePending();
                }
                return fail(now.error());
            }
            std::lock_guard lock(m_impl->mutex);
            m_impl->apply(*now);
            if (!m_impl->pending.empty()) return m_impl->takePending();
            if (timeoutMs >= 0 && Clock::now() >= deadline)
                return fail(Errc::Timeout, "no slot event before the timeout");
        }
    } catch (const std::exception& e) {
        return fail(Errc::Internal, std::string("TokenManager::waitForEvents: ") + e.what());
    }
}

void TokenManager::cancelWait() {
    m_backend->cancel();
}

}  // namespace token
