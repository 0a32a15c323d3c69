// C_OpenSession, C_CloseSession, C_CloseAllSessions, C_GetSessionInfo, C_SessionCancel.
#include "pkcs11/api.h"

namespace p11 {

CK_RV openSession(Module& m, CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out) {
    if (!out) return CKR_ARGUMENTS_BAD;
    if (!(flags & CKF_SERIAL_SESSION)) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    // Notification callbacks are never called (allowed: the module makes no surrender calls).
    return m.openSession(slot, flags, *out);
}

CK_RV closeSession(Module& m, CK_SESSION_HANDLE h) { return m.closeSession(h); }

CK_RV closeAllSessions(Module& m, CK_SLOT_ID slot) { return m.closeAllSessions(slot); }

CK_RV getSessionInfo(Module& m, CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info) {
    if (!info) return CKR_ARGUMENTS_BAD;
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    *info = CK_SESSION_INFO{};
    info->slotID = s->slot();
    info->state = s->state();
    info->flags = s->flags() & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
    info->ulDeviceError = 0;
    return CKR_OK;
}

// 3.0: ends the operations named by the flags; inactive ones are ignored, flags 0 is a no-op.
CK_RV sessionCancel(Module& m, CK_SESSION_HANDLE h, CK_FLAGS flags) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (flags & CKF_SIGN) s->sign.reset();
    if (flags & CKF_DECRYPT) s->decrypt.reset();
    if (flags & CKF_FIND_OBJECTS) s->find.reset();
    return CKR_OK;
}

}  // namespace p11
