// C_GetInfo, slots, tokens, slot events and mechanism lists.
#include <algorithm>

#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/ckr_map.h"
#include "pkcs11/mechanisms.h"

namespace p11 {
namespace {

constexpr CK_ULONG kMinPin = 6, kMaxPin = 8;
constexpr int kPivDefaultRetries = 3;  // when the card does not report its maximum (no GET METADATA)

CK_FLAGS pinFlags(const cardapp::PinStatus& s, CK_FLAGS countLow, CK_FLAGS finalTry, CK_FLAGS locked) {
    if (s.retriesLeft < 0) return 0;
    if (s.retriesLeft == 0) return locked;
    if (s.retriesLeft == 1) return finalTry | countLow;
    if (s.retriesLeft < s.maxRetries.value_or(kPivDefaultRetries)) return countLow;
    return 0;
}

}  // namespace

CK_RV getInfo(CK_INFO_PTR info, CK_VERSION cryptokiVersion) {
    if (!info) return CKR_ARGUMENTS_BAD;
    *info = CK_INFO{};
    info->cryptokiVersion = cryptokiVersion;
    padCopy(info->manufacturerID, "MeSign");
    padCopy(info->libraryDescription, "MeSign Token PKCS#11 module");
    info->flags = 0;
    info->libraryVersion = CK_VERSION{0, 1};
    return CKR_OK;
}

CK_RV getSlotList(Module& m, CK_BBOOL tokenPresent, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
    if (!count) return CKR_ARGUMENTS_BAD;
    // The slot set may only change on a call with a NULL list (specs/pkcs11.md §3.2).
    std::vector<CK_SLOT_ID> ids = m.slotList(tokenPresent != CK_FALSE, list == nullptr);
    if (!list) {
        *count = ids.size();
        return CKR_OK;
    }
    if (*count < ids.size()) {
        *count = ids.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    std::copy(ids.begin(), ids.end(), list);
    *count = ids.size();
    return CKR_OK;
}

CK_RV getSlotInfo(Module& m, CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
    if (!info) return CKR_ARGUMENTS_BAD;
    // CKF_TOKEN_PRESENT is the card's state now, not at the last C_GetSlotList(NULL)/C_WaitForSlotEvent:
    // applications that poll C_GetSlotInfo (NSS without an event thread) would never see a card return.
    (void)m.tokens().refresh();
    std::optional<token::SlotState> s = m.tokens().slot(slot);
    if (!s) return CKR_SLOT_ID_INVALID;
    *info = CK_SLOT_INFO{};
    padCopy(info->slotDescription, s->reader);
    padCopy(info->manufacturerID, "Unknown");
    info->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT;
    // TOKEN_PRESENT only for a card with an application we drive.
    if (s->readerPresent && s->cardPresent && m.tokens().token(slot)) info->flags |= CKF_TOKEN_PRESENT;
    return CKR_OK;
}

CK_RV getTokenInfo(Module& m, CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    if (!info) return CKR_ARGUMENTS_BAD;
    (void)m.tokens().refresh();  // as C_GetSlotInfo: CKR_TOKEN_NOT_PRESENT only while the card is out
    std::shared_ptr<token::Token> tok;
    if (CK_RV rv = m.tokenIn(slot, tok); rv != CKR_OK) return rv;
    auto ti = tok->info();
    if (!ti) return toCkr(ti.error(), ErrorContext::Slot);
    *info = CK_TOKEN_INFO{};
    padCopy(info->label, ti->label);
    padCopy(info->manufacturerID, ti->manufacturer);
    padCopy(info->model, ti->model);
    padCopy(info->serialNumber, ti->serial);
    info->flags = CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED;
    info->flags |= pinFlags(ti->userPin, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED);
    info->flags |= pinFlags(ti->soPin, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED);
    auto [all, rw] = m.sessionCounts(slot);
    info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulSessionCount = all;
    info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulRwSessionCount = rw;
    info->ulMaxPinLen = ti->maxPinLength ? ti->maxPinLength : kMaxPin;  // OpenPGP: up to 127
    info->ulMinPinLen = std::max<CK_ULONG>(ti->minPinLength ? ti->minPinLength : kMinPin, kMinPin);
    info->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->hardwareVersion = CK_VERSION{0, 0};
    info->firmwareVersion = CK_VERSION{0, 0};
    padCopy(info->utcTime, "");
    return CKR_OK;
}

CK_RV waitForSlotEvent(Module& m, CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved) {
    if (!slot || reserved) return CKR_ARGUMENTS_BAD;
    CK_RV rv = CKR_OK;
    std::optional<CK_SLOT_ID> id = m.takeEvent((flags & CKF_DONT_BLOCK) == 0, rv);
    if (id) *slot = *id;
    return rv;
}

CK_RV getMechanismList(Module& m, CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
    if (!count) return CKR_ARGUMENTS_BAD;
    std::shared_ptr<token::Token> tok;
    if (CK_RV rv = m.tokenIn(slot, tok); rv != CKR_OK) return rv;
    auto all = mechanismsFor(tok->kind());
    if (!list) {
        *count = all.size();
        return CKR_OK;
    }
    if (*count < all.size()) {
        *count = all.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    for (std::size_t i = 0; i < all.size(); ++i) list[i] = all[i].type;
    *count = all.size();
    return CKR_OK;
}

CK_RV getMechanismInfo(Module& m, CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
    if (!info) return CKR_ARGUMENTS_BAD;
    std::shared_ptr<token::Token> tok;
    if (CK_RV rv = m.tokenIn(slot, tok); rv != CKR_OK) return rv;
    const MechanismSpec* spec = findMechanism(type, tok->kind());
    if (!spec) return CKR_MECHANISM_INVALID;
    auto objs = tok->objects();
    auto generatable = tok->generatableAlgorithms();  // no APDU once the application is selected
    *info = mechanismInfo(*spec, objs ? *objs : std::vector<token::KeyObject>{},
                          generatable ? *generatable : std::vector<cardapp::KeyAlgorithm>{});
    return CKR_OK;
}

}  // namespace p11
