// The module state: one heap object created at C_Initialize and released at C_Finalize (global_state.h
// holds the pointer). Owns the TokenManager, the session table, the per-token login contexts and the
// object-handle registry. m_mutex is a short registry lock; card I/O never happens under it.
#pragma once

#include <atomic>
#include <compare>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/token/token_manager.h"
#include "pkcs11/p11_header.h"
#include "pkcs11/session.h"

namespace p11 {

enum class ObjectKind : uint8_t { Certificate, PublicKey, PrivateKey, Profile, Data };

// What a token-object handle names; handles stay valid while the card (cardId) stays in the slot.
struct TokenObjectId {
    CK_SLOT_ID slot = 0;
    Bytes cardId;
    ObjectKind kind = ObjectKind::Profile;
    uint8_t keyRef = 0;
    uint32_t dataTag = 0;  // ObjectKind::Data: the card object's tag
    auto operator<=>(const TokenObjectId&) const = default;
};

class Module {
public:
    explicit Module(std::unique_ptr<token::ReaderBackend> backend);
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    token::TokenManager& tokens() { return m_tokens; }

    // C_GetSlotList: the slot set is re-read only when `refresh` (NULL list); otherwise the last
    // snapshot for this `tokenPresent` value is returned.
    std::vector<CK_SLOT_ID> slotList(bool tokenPresent, bool refresh);
    // The token in `slot`; CKR_SLOT_ID_INVALID / TOKEN_NOT_PRESENT / TOKEN_NOT_RECOGNIZED otherwise.
    CK_RV tokenIn(CK_SLOT_ID slot, std::shared_ptr<token::Token>& out);

    CK_RV openSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE& out);
    // CKR_SESSION_HANDLE_INVALID when unknown; a session whose card was removed is closed here.
    CK_RV session(CK_SESSION_HANDLE h, std::shared_ptr<Session>& out);
    CK_RV closeSession(CK_SESSION_HANDLE h);
    CK_RV closeAllSessions(CK_SLOT_ID slot);
    // Counts for CK_TOKEN_INFO: {all, read/write}.
    std::pair<std::size_t, std::size_t> sessionCounts(CK_SLOT_ID slot);
    // After C_Logout: private session objects of the token are destroyed.
    void dropPrivateSessionObjects(TokenContext& ctx);

    CK_OBJECT_HANDLE objectHandle(const TokenObjectId& id);
    std::optional<TokenObjectId> objectId(CK_OBJECT_HANDLE h);

    // C_WaitForSlotEvent support: events not yet returned, and a flag against concurrent waiters.
    std::optional<CK_SLOT_ID> takeEvent(bool block, CK_RV& rv);

    // C_Finalize: wakes a blocked C_WaitForSlotEvent and logs out of every token.
    void shutdown();

private:
    // By value: the map entry the caller may pass is erased inside.
    void closeLocked(std::shared_ptr<Session> s, std::vector<std::shared_ptr<TokenContext>>& idle);
    void logoutIdle(const std::vector<std::shared_ptr<TokenContext>>& idle);

    token::TokenManager m_tokens;
    std::mutex m_mutex;
    std::map<CK_SESSION_HANDLE, std::shared_ptr<Session>> m_sessions;
    std::map<CK_SLOT_ID, std::shared_ptr<TokenContext>> m_contexts;
    std::map<TokenObjectId, CK_OBJECT_HANDLE> m_handleById;
    std::map<CK_OBJECT_HANDLE, TokenObjectId> m_idByHandle;
    std::map<bool, std::vector<CK_SLOT_ID>> m_slotSnapshot;

    std::mutex m_eventMutex;
    std::deque<CK_SLOT_ID> m_events;
    std::atomic<bool> m_waiting{false};
    std::atomic<bool> m_shutdown{false};
};

}  // namespace p11
