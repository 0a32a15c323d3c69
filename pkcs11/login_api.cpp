// C_Login (user, SO, context-specific), C_LoginUser, C_Logout, C_InitPIN, C_SetPIN.
//
// SO convention (README.md): a "PIN" of 32/48/64 hex characters is the PIV management key (3DES/AES);
// exactly 8 characters is the PUK, which then allows C_InitPIN (unblock the PIN with that PUK).
#include <algorithm>
#include <cctype>

#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/ckr_map.h"

namespace p11 {
namespace {

constexpr CK_ULONG kMinPin = 6, kMaxPin = 8, kPukLength = 8;
constexpr CK_ULONG kOpenPgpMaxPin = 127, kOpenPgpMinAdminPin = 8;  // PW1 6..127, PW3 8..127

bool pinLengthOk(CK_ULONG len) { return len >= kMinPin && len <= kMaxPin; }

bool pinLengthOk(const token::Token& t, CK_ULONG len) {
    if (t.kind() == token::AppKind::OpenPgp) return len >= kMinPin && len <= kOpenPgpMaxPin;
    return pinLengthOk(len);
}

bool isHex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

CK_RV contextLogin(Session& s, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    std::lock_guard lock(s.mutex);
    KeyOperation* op = nullptr;
    if (s.sign) op = &*s.sign;
    else if (s.decrypt) op = &*s.decrypt;
    // Only right after *Init on a CKA_ALWAYS_AUTHENTICATE key (specs/pkcs11.md §5).
    if (!op || !op->key.alwaysAuthenticate || op->dataSeen) return CKR_OPERATION_NOT_INITIALIZED;
    if (!pin) return CKR_ARGUMENTS_BAD;
    if (!pinLengthOk(s.context().token(), len)) return CKR_PIN_LEN_RANGE;
    // Verified together with the card operation, in one transaction, at C_Sign / C_Decrypt.
    op->contextPin = core::secureCopy(bytesOf(pin, len));
    return CKR_OK;
}

CK_RV soLogin(TokenContext& ctx, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    std::string_view text(reinterpret_cast<const char*>(pin), len);
    token::SoCredential kind;
    core::SecureBytes secret;
    if (ctx.token().kind() == token::AppKind::OpenPgp) {  // SO = PW3, verified at once
        if (len < kOpenPgpMinAdminPin || len > kOpenPgpMaxPin) return CKR_PIN_LEN_RANGE;
        kind = token::SoCredential::AdminPin;
        secret = core::secureCopy(bytesOf(pin, len));
    } else if ((len == 32 || len == 48 || len == 64) && isHex(text)) {
        kind = token::SoCredential::ManagementKey;
        Bytes key;
        if (!core::fromHex(text, key)) return CKR_PIN_INVALID;
        secret = core::secureCopy(key);
        core::secureWipe(key.data(), key.size());
    } else if (len == kPukLength) {
        kind = token::SoCredential::Puk;
        secret = core::secureCopy(bytesOf(pin, len));
    } else {
        return CKR_PIN_LEN_RANGE;
    }
    if (auto r = ctx.token().loginSo(kind, core::view(secret)); !r) return toCkr(r.error(), ErrorContext::Pin);
    std::lock_guard lock(ctx.mutex);
    ctx.login = LoginState::So;
    ctx.soCredential = kind;
    return CKR_OK;
}

}  // namespace

CK_RV login(Module& m, CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (type == CKU_CONTEXT_SPECIFIC) return contextLogin(*s, pin, len);
    if (type != CKU_USER && type != CKU_SO) return CKR_USER_TYPE_INVALID;
    TokenContext& ctx = s->context();
    {
        std::lock_guard lock(ctx.mutex);
        LoginState wanted = type == CKU_USER ? LoginState::User : LoginState::So;
        if (ctx.login == wanted) return CKR_USER_ALREADY_LOGGED_IN;
        if (ctx.login != LoginState::Public) return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
        if (type == CKU_SO && ctx.anyReadOnlySession()) return CKR_SESSION_READ_ONLY_EXISTS;
    }
    if (!pin) return CKR_ARGUMENTS_BAD;  // no protected authentication path
    if (type == CKU_SO) return soLogin(ctx, pin, len);
    if (!pinLengthOk(ctx.token(), len)) return CKR_PIN_LEN_RANGE;
    if (auto r = ctx.token().loginUser(bytesOf(pin, len)); !r) return toCkr(r.error(), ErrorContext::Pin);
    std::lock_guard lock(ctx.mutex);
    ctx.login = LoginState::User;
    return CKR_OK;
}

CK_RV loginUser(Module& m, CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len,
                CK_UTF8CHAR_PTR user, CK_ULONG userLen) {
    // Cards have no user names: only an empty one is accepted.
    if (user && userLen != 0) return CKR_ARGUMENTS_BAD;
    return login(m, h, type, pin, len);
}

CK_RV logout(Module& m, CK_SESSION_HANDLE h) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    TokenContext& ctx = s->context();
    {
        std::lock_guard lock(ctx.mutex);
        if (ctx.login == LoginState::Public) return CKR_USER_NOT_LOGGED_IN;
        ctx.login = LoginState::Public;
    }
    m.dropPrivateSessionObjects(ctx);
    // The card forgets the PIN / admin authentication; a failure here cannot be repaired by the caller.
    (void)ctx.token().logout();
    return CKR_OK;
}

CK_RV initPin(Module& m, CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    TokenContext& ctx = s->context();
    {
        std::lock_guard lock(ctx.mutex);
        if (ctx.login != LoginState::So || !s->readWrite()) return CKR_USER_NOT_LOGGED_IN;
        // PIV can reset the PIN only with the PUK, not with the management key; OpenPGP with PW3 (or the
        // resetting code the token layer keeps when PW3 is blocked).
        if (ctx.soCredential == token::SoCredential::ManagementKey) return CKR_FUNCTION_NOT_SUPPORTED;
    }
    if (!pin) return CKR_ARGUMENTS_BAD;
    if (!pinLengthOk(ctx.token(), len)) return CKR_PIN_LEN_RANGE;
    if (auto r = ctx.token().unblockWithSoLogin(bytesOf(pin, len)); !r) return toCkr(r.error(), ErrorContext::Pin);
    return CKR_OK;
}

CK_RV setPin(Module& m, CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR oldPin, CK_ULONG oldLen, CK_UTF8CHAR_PTR newPin,
             CK_ULONG newLen) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!s->readWrite()) return CKR_SESSION_READ_ONLY;
    if (!oldPin || !newPin) return CKR_ARGUMENTS_BAD;
    TokenContext& ctx = s->context();
    LoginState state;
    token::SoCredential so;
    {
        std::lock_guard lock(ctx.mutex);
        state = ctx.login;
        so = ctx.soCredential;
    }
    if (!pinLengthOk(ctx.token(), oldLen) || !pinLengthOk(ctx.token(), newLen)) return CKR_PIN_LEN_RANGE;
    core::Status r;
    if (state == LoginState::So) {
        if (so == token::SoCredential::ManagementKey) return CKR_FUNCTION_NOT_SUPPORTED;  // not here
        r = ctx.token().changeSoPin(bytesOf(oldPin, oldLen), bytesOf(newPin, newLen));
    } else {
        r = ctx.token().changeUserPin(bytesOf(oldPin, oldLen), bytesOf(newPin, newLen));
    }
    return r ? CKR_OK : toCkr(r.error(), ErrorContext::Pin);
}

}  // namespace p11
