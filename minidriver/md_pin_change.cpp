// Changing and unblocking PINs. PIV: ROLE_USER is the PIN, kRolePuk (3) the PUK, which alone can unblock
// the PIN; changing the management key (ROLE_ADMIN) is not offered. OpenPGP: ROLE_USER (and the signature
// role, the same PW1) is changed with itself, ROLE_ADMIN (PW3) with itself, the resetting code
// (kRolePgpResetCode) is set by ROLE_ADMIN; PW1 is unblocked by PW3 or by the resetting code. PIN changes
// bump the cardcf PIN freshness.
#include <cwchar>

#include "minidriver/md_functions.h"

namespace md {
namespace {

bool isPgp(const Context& ctx) { return ctx.profile().kind == CardKind::OpenPgp; }

// The length rule of a role's secret.
const PinLength& lengthOf(const CardProfile& p, PIN_ID role) {
    if (role == ROLE_ADMIN) return p.adminPin;
    if (role == p.unblockRole) return p.unblockCode;
    return p.userPin;
}

DWORD change(Context& ctx, PIN_ID role, ByteView current, ByteView next, PDWORD pcAttemptsRemaining) {
    const CardProfile& p = ctx.profile();
    if (!lengthOf(p, role).ok(current.size()) || !lengthOf(p, role).ok(next.size())) return code(SCARD_E_INVALID_CHV);
    cardapp::PinKind kind = cardapp::PinKind::User;
    if (role == ROLE_ADMIN) kind = cardapp::PinKind::Admin;
    else if (role == kRolePuk && !isPgp(ctx)) kind = cardapp::PinKind::Puk;
    auto st = ctx.card->app().changePin(kind, current, next);
    if (!st) return mapPinError(ctx, st.error(), pcAttemptsRemaining);
    ++ctx.pinsFreshness;
    return SCARD_S_SUCCESS;
}

// PW1 (ROLE_USER) unblocked by the PUK / resetting code (authRole = unblockRole) or, on OpenPGP, by PW3.
DWORD unblock(Context& ctx, PIN_ID authRole, ByteView auth, ByteView newPin, PDWORD pcAttemptsRemaining) {
    const CardProfile& p = ctx.profile();
    if (!lengthOf(p, authRole).ok(auth.size()) || !p.userPin.ok(newPin.size())) return code(SCARD_E_INVALID_CHV);
    auto st = authRole == ROLE_ADMIN ? ctx.card->unblockWithAdminPin(auth, newPin)
                                     : ctx.card->app().unblockPin(auth, newPin);
    if (!st) return mapPinError(ctx, st.error(), pcAttemptsRemaining);
    ++ctx.pinsFreshness;
    return SCARD_S_SUCCESS;
}

// OpenPGP: the resetting code is written (PUT DATA D3) under PW3.
DWORD setResetCode(Context& ctx, ByteView adminPin, ByteView resetCode, PDWORD pcAttemptsRemaining) {
    const CardProfile& p = ctx.profile();
    if (!p.adminPin.ok(adminPin.size()) || !p.unblockCode.ok(resetCode.size())) return code(SCARD_E_INVALID_CHV);
    auto st = ctx.card->setUnblockCode(adminPin, resetCode);
    if (!st) return mapPinError(ctx, st.error(), pcAttemptsRemaining);
    ++ctx.pinsFreshness;
    return SCARD_S_SUCCESS;
}

}  // namespace

DWORD WINAPI cardChangeAuthenticator(PCARD_DATA pCardData, LPWSTR pwszUserId, PBYTE pbCurrentAuthenticator,
                                     DWORD cbCurrentAuthenticator, PBYTE pbNewAuthenticator, DWORD cbNewAuthenticator,
                                     DWORD cRetryCount, DWORD dwFlags, PDWORD pcAttemptsRemaining) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pwszUserId || !pbCurrentAuthenticator || !pbNewAuthenticator || cRetryCount != 0)
            return code(SCARD_E_INVALID_PARAMETER);
        PIN_ID role = ROLE_USER;
        if (std::wcscmp(pwszUserId, wszCARD_USER_ADMIN) == 0) {
            if (!isPgp(ctx)) return code(SCARD_E_UNSUPPORTED_FEATURE);  // the PIV management key
            role = ROLE_ADMIN;
        } else if (std::wcscmp(pwszUserId, wszCARD_USER_USER) != 0) {
            return code(SCARD_E_INVALID_PARAMETER);
        }
        if (dwFlags != CARD_AUTHENTICATE_PIN_PIN) return code(SCARD_E_INVALID_PARAMETER);
        return change(ctx, role, ByteView(pbCurrentAuthenticator, cbCurrentAuthenticator),
                      ByteView(pbNewAuthenticator, cbNewAuthenticator), pcAttemptsRemaining);
    });
}

DWORD WINAPI cardChangeAuthenticatorEx(PCARD_DATA pCardData, DWORD dwFlags, PIN_ID dwAuthenticatingPinId,
                                       PBYTE pbAuthenticatingPinData, DWORD cbAuthenticatingPinData,
                                       PIN_ID dwTargetPinId, PBYTE pbTargetData, DWORD cbTargetData, DWORD cRetryCount,
                                       PDWORD pcAttemptsRemaining) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pbAuthenticatingPinData || !pbTargetData || cRetryCount != 0) return code(SCARD_E_INVALID_PARAMETER);
        const ByteView auth(pbAuthenticatingPinData, cbAuthenticatingPinData), target(pbTargetData, cbTargetData);
        const CardProfile& p = ctx.profile();
        const bool pgp = isPgp(ctx);
        if (dwFlags == PIN_CHANGE_FLAG_CHANGEPIN) {
            if (pgp && dwAuthenticatingPinId == ROLE_ADMIN && dwTargetPinId == p.unblockRole)
                return setResetCode(ctx, auth, target, pcAttemptsRemaining);
            if (dwAuthenticatingPinId != dwTargetPinId) return code(SCARD_E_INVALID_PARAMETER);
            if (dwTargetPinId == ROLE_ADMIN && !pgp) return code(SCARD_E_UNSUPPORTED_FEATURE);
            // OpenPGP: the signature role is the same PW1 as ROLE_USER; the resetting code is set by PW3 only.
            const bool known = dwTargetPinId == ROLE_USER || dwTargetPinId == ROLE_ADMIN ||
                               (pgp ? dwTargetPinId == p.signatureRole : dwTargetPinId == kRolePuk);
            if (!known) return code(SCARD_E_INVALID_PARAMETER);
            return change(ctx, dwTargetPinId, auth, target, pcAttemptsRemaining);
        }
        if (dwFlags == PIN_CHANGE_FLAG_UNBLOCK) {
            if (dwTargetPinId != ROLE_USER) return code(SCARD_E_INVALID_PARAMETER);
            if (dwAuthenticatingPinId == ROLE_ADMIN && !pgp) return code(SCARD_E_UNSUPPORTED_FEATURE);  // PIV: PUK only
            if (dwAuthenticatingPinId != p.unblockRole && dwAuthenticatingPinId != ROLE_ADMIN)
                return code(SCARD_E_INVALID_PARAMETER);
            return unblock(ctx, dwAuthenticatingPinId, auth, target, pcAttemptsRemaining);
        }
        return code(SCARD_E_INVALID_PARAMETER);
    });
}

DWORD WINAPI cardUnblockPin(PCARD_DATA pCardData, LPWSTR pwszUserId, PBYTE pbAuthenticationData,
                            DWORD cbAuthenticationData, PBYTE pbNewPinData, DWORD cbNewPinData, DWORD cRetryCount,
                            DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pwszUserId || !pbAuthenticationData || !pbNewPinData || cRetryCount != 0)
            return code(SCARD_E_INVALID_PARAMETER);
        if (std::wcscmp(pwszUserId, wszCARD_USER_USER) != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (dwFlags == CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE) return code(SCARD_E_UNSUPPORTED_FEATURE);
        if (dwFlags != CARD_AUTHENTICATE_PIN_PIN) return code(SCARD_E_INVALID_PARAMETER);
        // The authentication data is the administrator's secret: the PIV PUK, the OpenPGP PW3.
        const PIN_ID authRole = isPgp(ctx) ? PIN_ID(ROLE_ADMIN) : ctx.profile().unblockRole;
        return unblock(ctx, authRole, ByteView(pbAuthenticationData, cbAuthenticationData),
                       ByteView(pbNewPinData, cbNewPinData), nullptr);
    });
}

}  // namespace md
