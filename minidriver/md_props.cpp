// CardGetProperty / CardSetProperty / CardGetContainerProperty (spec §9, §6.2).
// The card is writable (key generation, certificates: md_write.cpp); cache mode NO_CACHE because neither
// a PIV nor an OpenPGP card has a place to persist cardcf.
#include <cstring>
#include <cwchar>

#include "minidriver/md_functions.h"

namespace md {
namespace {

template <typename T>
Bytes asBytes(const T& v) {
    const auto* p = reinterpret_cast<const BYTE*>(&v);
    return Bytes(p, p + sizeof(T));
}

bool is(LPCWSTR a, LPCWSTR b) { return std::wcscmp(a, b) == 0; }

DWORD output(const Bytes& value, PBYTE pbData, DWORD cbData, PDWORD pdwDataLen) {
    *pdwDataLen = static_cast<DWORD>(value.size());
    if (cbData < value.size()) return code(ERROR_INSUFFICIENT_BUFFER);
    if (!value.empty()) std::memcpy(pbData, value.data(), value.size());
    return SCARD_S_SUCCESS;
}

DWORD pinInfo(Context& ctx, DWORD pinId, PIN_INFO& info) {
    info = {};
    info.dwVersion = PIN_INFO_CURRENT_VERSION;
    info.PinCachePolicy.dwVersion = PIN_CACHE_POLICY_CURRENT_VERSION;
    info.PinCachePolicy.PinCachePolicyType = PinCacheNormal;
    info.PinType = AlphaNumericPinType;
    const CardProfile& p = ctx.profile();
    if (pinId == ROLE_EVERYONE) {
        info.PinType = EmptyPinType;
        info.PinPurpose = AuthenticationPin;
        info.PinCachePolicy.PinCachePolicyType = PinCacheNone;
        return SCARD_S_SUCCESS;
    }
    if (p.kind == CardKind::Piv) {
        switch (pinId) {
            case ROLE_USER:
                info.PinPurpose = PrimaryCardPin;
                info.dwChangePermission = CREATE_PIN_SET(ROLE_USER);
                info.dwUnblockPermission = CREATE_PIN_SET(kRolePuk);  // PIV: only the PUK unblocks the PIN
                return SCARD_S_SUCCESS;
            case kRolePuk:
                info.PinPurpose = UnblockOnlyPin;
                info.dwChangePermission = CREATE_PIN_SET(kRolePuk);
                info.PinCachePolicy.PinCachePolicyType = PinCacheNone;
                return SCARD_S_SUCCESS;
            case ROLE_ADMIN:  // the PIV management key: challenge-response
                info.PinType = ChallengeResponsePinType;
                info.PinPurpose = AdministratorPin;
                info.dwChangePermission = CREATE_PIN_SET(ROLE_ADMIN);
                return SCARD_S_SUCCESS;
            default: return code(SCARD_E_INVALID_PARAMETER);
        }
    }
    // OpenPGP: PW1 (two roles: 82 and 81), PW3, resetting code; PW1 unblocked by PW3 or the code.
    const PIN_SET unblockPw1 = CREATE_PIN_SET(ROLE_ADMIN) | CREATE_PIN_SET(p.unblockRole);
    if (pinId == ROLE_USER) {
        info.PinPurpose = PrimaryCardPin;
        info.dwChangePermission = CREATE_PIN_SET(ROLE_USER);
        info.dwUnblockPermission = unblockPw1;
        return SCARD_S_SUCCESS;
    }
    if (pinId == p.signatureRole) {
        // "PW1 valid for one signature" (C4): the CSP must ask before every signature.
        auto once = ctx.card->pinPerSignature();
        if (!once) return toScard(ctx, once.error());
        info.PinPurpose = DigitalSignaturePin;
        info.dwChangePermission = CREATE_PIN_SET(ROLE_USER) | CREATE_PIN_SET(p.signatureRole);
        info.dwUnblockPermission = unblockPw1;
        info.PinCachePolicy.PinCachePolicyType = *once ? PinCacheAlwaysPrompt : PinCacheNormal;
        return SCARD_S_SUCCESS;
    }
    if (pinId == ROLE_ADMIN) {
        info.PinPurpose = AdministratorPin;
        info.dwChangePermission = CREATE_PIN_SET(ROLE_ADMIN);
        return SCARD_S_SUCCESS;
    }
    if (pinId == p.unblockRole) {
        info.PinPurpose = UnblockOnlyPin;
        info.dwChangePermission = CREATE_PIN_SET(ROLE_ADMIN);  // PUT DATA D3 under PW3
        info.PinCachePolicy.PinCachePolicyType = PinCacheNone;
        return SCARD_S_SUCCESS;
    }
    return code(SCARD_E_INVALID_PARAMETER);
}

// Every role the card has.
PIN_SET listPins(const CardProfile& p) {
    PIN_SET s = CREATE_PIN_SET(ROLE_EVERYONE) | CREATE_PIN_SET(ROLE_USER) | CREATE_PIN_SET(ROLE_ADMIN) |
                CREATE_PIN_SET(p.unblockRole);
    if (p.signatureRole) s |= CREATE_PIN_SET(p.signatureRole);
    return s;
}

}  // namespace

DWORD WINAPI cardGetProperty(PCARD_DATA pCardData, LPCWSTR wszProperty, PBYTE pbData, DWORD cbData,
                             PDWORD pdwDataLen, DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!wszProperty || !pdwDataLen || (!pbData && cbData != 0)) return code(SCARD_E_INVALID_PARAMETER);
        const bool takesFlags = is(wszProperty, CP_CARD_KEYSIZES) || is(wszProperty, CP_CARD_PIN_INFO) ||
                                is(wszProperty, CP_CARD_PIN_STRENGTH_VERIFY) ||
                                is(wszProperty, CP_CARD_PIN_STRENGTH_CHANGE) ||
                                is(wszProperty, CP_CARD_PIN_STRENGTH_UNBLOCK);
        if (dwFlags != 0 && !takesFlags) return code(SCARD_E_INVALID_PARAMETER);
        Bytes value;
        if (is(wszProperty, CP_CARD_FREE_SPACE)) {
            CARD_FREE_SPACE_INFO info{};
            if (DWORD rc = cardQueryFreeSpace(pCardData, 0, &info)) return rc;
            value = asBytes(info);
        } else if (is(wszProperty, CP_CARD_CAPABILITIES)) {
            CARD_CAPABILITIES caps{};
            if (DWORD rc = cardQueryCapabilities(pCardData, &caps)) return rc;
            value = asBytes(caps);
        } else if (is(wszProperty, CP_CARD_KEYSIZES)) {
            CARD_KEY_SIZES sizes{};
            if (DWORD rc = cardQueryKeySizes(pCardData, dwFlags, 0, &sizes)) return rc;
            value = asBytes(sizes);
        } else if (is(wszProperty, CP_CARD_READ_ONLY)) {
            value = asBytes(BOOL(FALSE));
        } else if (is(wszProperty, CP_CARD_CACHE_MODE)) {
            value = asBytes(DWORD(CP_CACHE_MODE_NO_CACHE));
        } else if (is(wszProperty, CP_SUPPORTS_WIN_X509_ENROLLMENT)) {
            value = asBytes(BOOL(TRUE));
        } else if (is(wszProperty, CP_CARD_GUID)) {
            value = ctx.cardId;
        } else if (is(wszProperty, CP_CARD_SERIAL_NO)) {
            auto id = ctx.card->app().identity();
            if (!id) return toScard(ctx, id.error());
            value.assign(id->serial.begin(), id->serial.end());
        } else if (is(wszProperty, CP_CARD_PIN_INFO)) {
            if (pbData && cbData >= sizeof(PIN_INFO) &&
                reinterpret_cast<const PIN_INFO*>(pbData)->dwVersion != PIN_INFO_CURRENT_VERSION)
                return code(ERROR_REVISION_MISMATCH);
            PIN_INFO info;
            if (DWORD rc = pinInfo(ctx, dwFlags, info)) return rc;
            value = asBytes(info);
        } else if (is(wszProperty, CP_CARD_LIST_PINS)) {
            value = asBytes(listPins(ctx.profile()));
        } else if (is(wszProperty, CP_CARD_AUTHENTICATED_STATE)) {
            value = asBytes(ctx.authenticated);
        } else if (is(wszProperty, CP_CARD_PIN_STRENGTH_VERIFY) || is(wszProperty, CP_CARD_PIN_STRENGTH_CHANGE) ||
                   is(wszProperty, CP_CARD_PIN_STRENGTH_UNBLOCK)) {
            if (dwFlags >= MAX_PINS || !(listPins(ctx.profile()) & CREATE_PIN_SET(dwFlags)))
                return code(SCARD_E_INVALID_PARAMETER);
            value = asBytes(DWORD(CARD_PIN_STRENGTH_PLAINTEXT));
        } else if (is(wszProperty, CP_KEY_IMPORT_SUPPORT)) {
            value = asBytes(DWORD(0));
        } else if (is(wszProperty, CP_ENUM_ALGORITHMS) || is(wszProperty, CP_PADDING_SCHEMES) ||
                   is(wszProperty, CP_CHAINING_MODES) || is(wszProperty, CP_PARENT_WINDOW) ||
                   is(wszProperty, CP_PIN_CONTEXT_STRING)) {
            return code(SCARD_E_UNSUPPORTED_FEATURE);
        } else {
            return code(SCARD_E_INVALID_PARAMETER);
        }
        return output(value, pbData, cbData, pdwDataLen);
    });
}

DWORD WINAPI cardSetProperty(PCARD_DATA pCardData, LPCWSTR wszProperty, PBYTE pbData, DWORD cbDataLen, DWORD dwFlags) {
    return guarded(pCardData, [&](Context&) -> DWORD {
        if (!wszProperty || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (is(wszProperty, CP_PARENT_WINDOW)) {
            if (!pbData || cbDataLen != sizeof(HWND)) return code(SCARD_E_INVALID_PARAMETER);
            return SCARD_S_SUCCESS;  // we never show UI
        }
        if (is(wszProperty, CP_PIN_CONTEXT_STRING)) return SCARD_S_SUCCESS;
        for (LPCWSTR known : {CP_CARD_FREE_SPACE, CP_CARD_CAPABILITIES, CP_CARD_KEYSIZES, CP_CARD_READ_ONLY,
                              CP_CARD_CACHE_MODE, CP_SUPPORTS_WIN_X509_ENROLLMENT, CP_CARD_GUID, CP_CARD_SERIAL_NO,
                              CP_CARD_PIN_INFO, CP_CARD_LIST_PINS, CP_CARD_AUTHENTICATED_STATE,
                              CP_CARD_PIN_STRENGTH_VERIFY, CP_CARD_PIN_STRENGTH_CHANGE, CP_CARD_PIN_STRENGTH_UNBLOCK,
                              CP_KEY_IMPORT_SUPPORT, CP_ENUM_ALGORITHMS, CP_PADDING_SCHEMES, CP_CHAINING_MODES})
            if (is(wszProperty, known)) return code(SCARD_E_UNSUPPORTED_FEATURE);  // fixed by the card
        return code(SCARD_E_INVALID_PARAMETER);
    });
}

DWORD WINAPI cardGetContainerProperty(PCARD_DATA pCardData, BYTE bContainerIndex, LPCWSTR wszProperty, PBYTE pbData,
                                      DWORD cbData, PDWORD pdwDataLen, DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!wszProperty || !pdwDataLen || !pbData || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (is(wszProperty, CCP_CONTAINER_INFO)) {
            *pdwDataLen = sizeof(CONTAINER_INFO);
            if (cbData < sizeof(CONTAINER_INFO)) return code(ERROR_INSUFFICIENT_BUFFER);
            return cardGetContainerInfo(pCardData, bContainerIndex, 0, reinterpret_cast<PCONTAINER_INFO>(pbData));
        }
        if (is(wszProperty, CCP_PIN_IDENTIFIER)) {
            if (bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_NO_KEY_CONTAINER);
            auto list = ctx.loadContainers();
            if (!list) return toScard(ctx, list.error());
            const Container* c = ctx.findContainer(bContainerIndex);
            if (!c) return code(SCARD_E_NO_KEY_CONTAINER);
            return output(asBytes(ctx.profile().pinRole(c->keyRef)), pbData, cbData, pdwDataLen);
        }
        return code(SCARD_E_INVALID_PARAMETER);
    });
}

}  // namespace md
