// PIN entry points. PIV: ROLE_USER is the application PIN, ROLE_ADMIN the management key
// (challenge-response, md_admin.cpp). OpenPGP: ROLE_USER is PW1 (VERIFY 82 and 81: the other keys and
// one signature), kRolePgpSignature PW1 for the SIG key alone (81), ROLE_ADMIN PW3 (83) as a PIN.
// Session PINs are not supported (PIN strength: plaintext).
#include <cwchar>

#include "minidriver/md_functions.h"

namespace md {

DWORD mapPinError(Context& ctx, const core::Error& e, PDWORD pcAttemptsRemaining) {
    if (pcAttemptsRemaining) {
        if (e.code == core::Errc::AuthBlocked) *pcAttemptsRemaining = 0;
        else if (e.code == core::Errc::PinIncorrect && e.retries) *pcAttemptsRemaining = DWORD(*e.retries);
    }
    if (e.code == core::Errc::PinIncorrect && e.retries && *e.retries == 0) return code(SCARD_W_CHV_BLOCKED);
    if (e.code == core::Errc::IncorrectData || e.code == core::Errc::WrongLength) return code(SCARD_E_INVALID_CHV);
    return toScard(ctx, e);
}

namespace {

DWORD authenticate(Context& ctx, PIN_ID pinId, DWORD dwFlags, PBYTE pbPinData, DWORD cbPinData,
                   PBYTE* ppbSessionPin, PDWORD pcbSessionPin, PDWORD pcAttemptsRemaining) {
    constexpr DWORD kKnown =
        CARD_PIN_SILENT_CONTEXT | CARD_AUTHENTICATE_GENERATE_SESSION_PIN | CARD_AUTHENTICATE_SESSION_PIN;
    if (dwFlags & ~kKnown) return code(SCARD_E_INVALID_PARAMETER);
    if (dwFlags & (CARD_AUTHENTICATE_GENERATE_SESSION_PIN | CARD_AUTHENTICATE_SESSION_PIN))
        return code(SCARD_E_UNSUPPORTED_FEATURE);
    if (ppbSessionPin) *ppbSessionPin = nullptr;
    if (pcbSessionPin) *pcbSessionPin = 0;
    const CardProfile& profile = ctx.profile();
    if (pinId == ROLE_ADMIN && profile.adminAuth == AdminAuth::ChallengeResponse) {
        if (pcAttemptsRemaining) *pcAttemptsRemaining = CARD_DATA_VALUE_UNKNOWN;
        return adminResponse(ctx, pbPinData, cbPinData);  // challenge-response (CardGetChallengeEx first)
    }
    const bool signatureRole = profile.signatureRole != 0 && pinId == profile.signatureRole;
    if (pinId != ROLE_USER && pinId != ROLE_ADMIN && !signatureRole) return code(SCARD_E_INVALID_PARAMETER);
    if (!pbPinData || cbPinData == 0) return code(SCARD_E_INVALID_PARAMETER);
    const ByteView pin(pbPinData, cbPinData);
    // Lengths the card would refuse are refused here: no try spent (PIV 6-8, OpenPGP PW1 6+, PW3 8+).
    if (!(pinId == ROLE_ADMIN ? profile.adminPin : profile.userPin).ok(cbPinData)) return code(SCARD_E_INVALID_CHV);
    core::Status st;
    if (pinId == ROLE_ADMIN) st = ctx.card->app().verifyPin(cardapp::PinKind::Admin, pin);
    else if (signatureRole) st = ctx.card->verifySignaturePin(pin);
    else st = ctx.card->app().verifyPin(cardapp::PinKind::User, pin);
    if (!st) return mapPinError(ctx, st.error(), pcAttemptsRemaining);
    ctx.authenticated |= CREATE_PIN_SET(pinId);
    // OpenPGP ROLE_USER verifies 81 as well: good for the next signature too.
    if (pinId == ROLE_USER && profile.signatureRole != 0) ctx.authenticated |= CREATE_PIN_SET(profile.signatureRole);
    return SCARD_S_SUCCESS;
}

DWORD deauthenticate(Context& ctx) {
    // If the card cannot log out, an error makes the CSP reset the card instead (spec §6.3).
    auto st = ctx.card->app().logout();
    ctx.authenticated = PIN_SET_NONE;
    return st ? DWORD(SCARD_S_SUCCESS) : code(SCARD_E_UNSUPPORTED_FEATURE);
}

}  // namespace

DWORD WINAPI cardAuthenticatePin(PCARD_DATA pCardData, LPWSTR pwszUserId, PBYTE pbPin, DWORD cbPin,
                                 PDWORD pcAttemptsRemaining) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pwszUserId) return code(SCARD_E_INVALID_PARAMETER);
        PIN_ID role;
        if (std::wcscmp(pwszUserId, wszCARD_USER_USER) == 0) role = ROLE_USER;
        else if (std::wcscmp(pwszUserId, wszCARD_USER_ADMIN) == 0) role = ROLE_ADMIN;
        else return code(SCARD_E_INVALID_PARAMETER);
        return authenticate(ctx, role, CARD_PIN_SILENT_CONTEXT, pbPin, cbPin, nullptr, nullptr, pcAttemptsRemaining);
    });
}

DWORD WINAPI cardAuthenticateEx(PCARD_DATA pCardData, PIN_ID PinId, DWORD dwFlags, PBYTE pbPinData, DWORD cbPinData,
                                PBYTE* ppbSessionPin, PDWORD pcbSessionPin, PDWORD pcAttemptsRemaining) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        return authenticate(ctx, PinId, dwFlags, pbPinData, cbPinData, ppbSessionPin, pcbSessionPin,
                            pcAttemptsRemaining);
    });
}

DWORD WINAPI cardDeauthenticate(PCARD_DATA pCardData, LPWSTR pwszUserId, DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pwszUserId || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (std::wcscmp(pwszUserId, wszCARD_USER_USER) != 0 && std::wcscmp(pwszUserId, wszCARD_USER_ADMIN) != 0)
            return code(SCARD_E_INVALID_PARAMETER);
        return deauthenticate(ctx);
    });
}

DWORD WINAPI cardDeauthenticateEx(PCARD_DATA pCardData, PIN_SET PinId, DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (dwFlags != 0 || PinId == PIN_SET_NONE || (PinId & ~DWORD(PIN_SET_ALL_ROLES)))
            return code(SCARD_E_INVALID_PARAMETER);
        return deauthenticate(ctx);
    });
}

}  // namespace md
