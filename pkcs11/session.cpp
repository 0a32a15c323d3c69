#include "pkcs11/session.h"

namespace p11 {

bool TokenContext::anyReadOnlySession() const {
    for (const auto& [h, rw] : sessions)
        if (!rw) return true;
    return false;
}

std::size_t TokenContext::readWriteCount() const {
    std::size_t n = 0;
    for (const auto& [h, rw] : sessions) n += rw ? 1 : 0;
    return n;
}

LoginState Session::login() const {
    std::lock_guard lock(m_ctx->mutex);
    return m_ctx->login;
}

CK_STATE Session::state() const {
    switch (login()) {
        case LoginState::So: return CKS_RW_SO_FUNCTIONS;
        case LoginState::User: return readWrite() ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
        case LoginState::Public: break;
    }
    return readWrite() ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
}

}  // namespace p11
