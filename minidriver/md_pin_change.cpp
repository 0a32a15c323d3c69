// Changing and unblocking PINs: ROLE_USER is the PIV PIN, kRolePuk (3) the PUK, which alone can unblock
// the PIN on a PIV card. Changing the management key (ROLE_ADMIN) is not offered. PIN changes bump the
// cardcf PIN freshness.
#include <cwchar>

#include "minidriver/md_functions.h"

namespace md {
namespace {

bool pinLengthOk(DWORD n) { return n >= 6 && n <= 8; }

DWORD change(Context& ctx, PIN_ID role, ByteView current, ByteView next, PDWORD pcAttemptsRemaining) {
    if (!pinLengthOk(DWORD(current.size())) || !pinLengthOk(DWORD(next.size()))) return code(SCARD_E_INVALID_CHV);
    const auto kind = role == ROLE_USER ? cardapp::PinKind::User : cardapp::PinKind::Puk;
    auto st = ctx.card->app().changePin(kind, current, next);
    if (!st) return mapPinError(ctx, st.error(), pcAttemptsRemaining);
    ++ctx.pinsFreshness;
    return SCARD_S_SUCCESS;
}

DWORD unblock(Context& ctx, ByteView puk, ByteView newPin, PDWORD pcAttemptsRemaining) {
    if (!pinLengthOk(DWORD(puk.size())) || !pinLengthOk(DWORD(newPin.size()))) return code(SCARD_E_INVALID_CHV);
    auto st = ctx.card->app().unblockPin(puk, newPin);
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
        if (std::wcscmp(pwszUserId, wszCARD_USER_ADMIN) == 0) return code(SCARD_E_UNSUPPORTED_FEATURE);
        if (std::wcscmp(pwszUserId, wszCARD_USER_USER) != 0 || dwFlags != CARD_AUTHENTICATE_PIN_PIN)
            return code(SCARD_E_INVALID_PARAMETER);
        return change(ctx, ROLE_USER, ByteView(pbCurrentAuthenticator, cbCurrentAuthenticator),
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
        if (dwFlags == PIN_CHANGE_FLAG_CHANGEPIN) {
            if (dwAuthenticatingPinId != dwTargetPinId) return code(SCARD_E_INVALID_PARAMETER);
            if (dwTargetPinId == ROLE_ADMIN) return code(SCARD_E_UNSUPPORTED_FEATURE);
            if (dwTargetPinId != ROLE_USER && dwTargetPinId != kRolePuk) return code(SCARD_E_INVALID_PARAMETER);
            return change(ctx, dwTargetPinId, auth, target, pcAttemptsRemaining);
        }
        if (dwFlags == PIN_CHANGE_FLAG_UNBLOCK) {
            if (dwTargetPinId != ROLE_USER) return code(SCARD_E_INVALID_PARAMETER);
            if (dwAuthenticatingPinId == ROLE_ADMIN) return code(SCARD_E_UNSUPPORTED_FEATURE);  // PIV: PUK only
            if (dwAuthenticatingPinId != kRolePuk) return code(SCARD_E_INVALID_PARAMETER);
            return unblock(ctx, auth, target, pcAttemptsRemaining);
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
        // The authentication data is the PIV PUK.
        return unblock(ctx, ByteView(pbAuthenticationData, cbAuthenticationData), ByteView(pbNewPinData, cbNewPinData),
                       nullptr);
    });
}

}  // namespace md
