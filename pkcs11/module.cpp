#include "pkcs11/module.h"

#include "pkcs11/ckr_map.h"
#include "pkcs11/global_state.h"

namespace p11 {

Module::Module(std::unique_ptr<token::ReaderBackend> backend) : m_tokens(std::move(backend)) {}

Module::~Module() = default;

std::vector<CK_SLOT_ID> Module::slotList(bool tokenPresent, bool refresh) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_slotSnapshot.find(tokenPresent);
        if (!refresh && it != m_slotSnapshot.end()) return it->second;
    }
    (void)m_tokens.refresh();  // pcscd unreachable: simply no readers
    m_tokens.probeCards();     // a card's further applications (PIV + OpenPGP) get their own slots
    std::vector<CK_SLOT_ID> ids;
    for (const token::SlotState& s : m_tokens.slots()) {
        if (!s.readerPresent) continue;
        if (tokenPresent) {
            if (!s.cardPresent || !m_tokens.token(s.id)) continue;  // only cards with a known application
        }
        ids.push_back(s.id);
    }
    std::lock_guard lock(m_mutex);
    m_slotSnapshot[tokenPresent] = ids;
    return ids;
}

CK_RV Module::tokenIn(CK_SLOT_ID slot, std::shared_ptr<token::Token>& out) {
    std::optional<token::SlotState> s = m_tokens.slot(slot);
    if (!s) return CKR_SLOT_ID_INVALID;
    if (!s->cardPresent) return CKR_TOKEN_NOT_PRESENT;
    auto t = m_tokens.token(slot);
    if (!t) return toCkr(t.error(), ErrorContext::Slot);
    out = std::move(*t);
    return CKR_OK;
}

CK_RV Module::openSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE& out) {
    std::shared_ptr<token::Token> tok;
    if (CK_RV rv = tokenIn(slot, tok); rv != CKR_OK) return rv;
    bool rw = (flags & CKF_RW_SESSION) != 0;
    std::lock_guard lock(m_mutex);
    std::shared_ptr<TokenContext>& ctx = m_contexts[slot];
    if (!ctx || ctx->tokenPtr() != tok) ctx = std::make_shared<TokenContext>(slot, tok);
    {
        std::lock_guard clock(ctx->mutex);
        if (!rw && ctx->login == LoginState::So) return CKR_SESSION_READ_WRITE_SO_EXISTS;
        out = nextHandle();
        ctx->sessions[out] = rw;
    }
    m_sessions[out] = std::make_shared<Session>(out, slot, flags, ctx);
    return CKR_OK;
}

CK_RV Module::session(CK_SESSION_HANDLE h, std::shared_ptr<Session>& out) {
    std::vector<std::shared_ptr<TokenContext>> idle;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_sessions.find(h);
        if (it == m_sessions.end()) return CKR_SESSION_HANDLE_INVALID;
        if (!it->second->context().token().removed()) {
            out = it->second;
            return CKR_OK;
        }
        // The card went away: every session of it is closed (specs/pkcs11.md §9).
        closeLocked(it->second, idle);
    }
    return CKR_SESSION_HANDLE_INVALID;
}

void Module::closeLocked(std::shared_ptr<Session> s, std::vector<std::shared_ptr<TokenContext>>& idle) {
    m_sessions.erase(s->handle());
    std::shared_ptr<TokenContext> ctx = s->contextPtr();
    std::lock_guard clock(ctx->mutex);
    ctx->sessions.erase(s->handle());
    std::erase_if(ctx->sessionObjects, [&](const auto& kv) { return kv.second.owner == s->handle(); });
    if (ctx->sessions.empty()) {
        // Closing the last session returns the token to the public state.
        if (ctx->login != LoginState::Public) idle.push_back(ctx);
        ctx->login = LoginState::Public;
        auto it = m_contexts.find(ctx->slot());
        if (it != m_contexts.end() && it->second == ctx) m_contexts.erase(it);
    }
}

void Module::logoutIdle(const std::vector<std::shared_ptr<TokenContext>>& idle) {
    for (const auto& ctx : idle) (void)ctx->token().logout();
}

CK_RV Module::closeSession(CK_SESSION_HANDLE h) {
    std::vector<std::shared_ptr<TokenContext>> idle;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_sessions.find(h);
        if (it == m_sessions.end()) return CKR_SESSION_HANDLE_INVALID;
        closeLocked(it->second, idle);
    }
    logoutIdle(idle);
    return CKR_OK;
}

CK_RV Module::closeAllSessions(CK_SLOT_ID slot) {
    if (!m_tokens.slot(slot)) return CKR_SLOT_ID_INVALID;
    std::vector<std::shared_ptr<TokenContext>> idle;
    {
        std::lock_guard lock(m_mutex);
        std::vector<std::shared_ptr<Session>> victims;
        for (const auto& [h, s] : m_sessions)
            if (s->slot() == slot) victims.push_back(s);
        for (const auto& s : victims) closeLocked(s, idle);
    }
    logoutIdle(idle);
    return CKR_OK;
}

std::pair<std::size_t, std::size_t> Module::sessionCounts(CK_SLOT_ID slot) {
    std::lock_guard lock(m_mutex);
    std::size_t all = 0, rw = 0;
    for (const auto& [h, s] : m_sessions) {
        if (s->slot() != slot) continue;
        ++all;
        rw += s->readWrite() ? 1 : 0;
    }
    return {all, rw};
}

void Module::dropPrivateSessionObjects(TokenContext& ctx) {
    std::lock_guard clock(ctx.mutex);
    std::erase_if(ctx.sessionObjects, [](const auto& kv) { return kv.second.attributes.boolean(CKA_PRIVATE); });
}

CK_OBJECT_HANDLE Module::objectHandle(const TokenObjectId& id) {
    std::lock_guard lock(m_mutex);
    auto it = m_handleById.find(id);
    if (it != m_handleById.end()) return it->second;
    CK_OBJECT_HANDLE h = nextHandle();
    m_handleById.emplace(id, h);
    m_idByHandle.emplace(h, id);
    return h;
}

std::optional<TokenObjectId> Module::objectId(CK_OBJECT_HANDLE h) {
    std::lock_guard lock(m_mutex);
    auto it = m_idByHandle.find(h);
    if (it == m_idByHandle.end()) return std::nullopt;
    return it->second;
}

std::optional<CK_SLOT_ID> Module::takeEvent(bool block, CK_RV& rv) {
    // `look`: ask PC/SC first (insertions/removals since the last look); not after a wait that just
    // applied the new states, which would cost two more round trips to a pcscd busy with the event.
    auto pop = [this](bool look) -> std::optional<CK_SLOT_ID> {
        std::lock_guard lock(m_eventMutex);
        if (look) (void)m_tokens.refresh();
        for (token::SlotId id : m_tokens.takePendingEvents()) m_events.push_back(id);
        if (m_events.empty()) return std::nullopt;
        CK_SLOT_ID id = m_events.front();
        m_events.pop_front();
        return id;
    };
    rv = CKR_OK;
    if (auto id = pop(true)) return id;
    if (!block) {
        rv = CKR_NO_EVENT;
        return std::nullopt;
    }
    // One blocking waiter at a time (concurrent waiters are undefined by the spec).
    if (m_waiting.exchange(true)) {
        rv = CKR_FUNCTION_FAILED;
        return std::nullopt;
    }
    std::optional<CK_SLOT_ID> result;
    while (!m_shutdown) {
        // A bounded wait closes the race between the m_shutdown check and cancelWait().
        auto r = m_tokens.waitForEvents(1000);
        if (m_shutdown) break;
        if (!r) {
            if (r.error().code == core::Errc::Timeout) continue;
            if (r.error().code == core::Errc::Cancelled) break;
            rv = toCkr(r.error());
            break;
        }
        {
            std::lock_guard lock(m_eventMutex);
            for (token::SlotId id : *r) m_events.push_back(id);
        }
        if ((result = pop(false))) break;
    }
    m_waiting = false;
    if (!result && rv == CKR_OK) rv = CKR_CRYPTOKI_NOT_INITIALIZED;
    return result;
}

void Module::shutdown() {
    m_shutdown = true;
    m_tokens.cancelWait();
    std::vector<std::shared_ptr<TokenContext>> idle;
    {
        std::lock_guard lock(m_mutex);
        std::vector<std::shared_ptr<Session>> all;
        for (const auto& [h, s] : m_sessions) all.push_back(s);
        for (const auto& s : all) closeLocked(s, idle);
    }
    logoutIdle(idle);
}

}  // namespace p11
