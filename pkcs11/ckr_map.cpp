#include "pkcs11/ckr_map.h"

#include <array>

namespace p11 {
namespace {

struct Row {
    core::Errc errc;
    CK_RV generic;
    CK_RV pin;   // C_Login, C_SetPIN, C_InitPIN
    CK_RV slot;  // looking up a slot's token
};

// Errc values not listed here (added later to core) map to CKR_GENERAL_ERROR.
constexpr std::array kTable{
    Row{core::Errc::InvalidArgument, CKR_ARGUMENTS_BAD, CKR_PIN_INVALID, CKR_ARGUMENTS_BAD},
    Row{core::Errc::Malformed, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR, CKR_TOKEN_NOT_RECOGNIZED},
    Row{core::Errc::Transport, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR},
    Row{core::Errc::NoService, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR},
    Row{core::Errc::NoReader, CKR_DEVICE_REMOVED, CKR_DEVICE_REMOVED, CKR_SLOT_ID_INVALID},
    Row{core::Errc::NoCard, CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_PRESENT},
    Row{core::Errc::CardRemoved, CKR_DEVICE_REMOVED, CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT},
    // Another process reset the card: the PIN state is gone and is never silently re-established.
    Row{core::Errc::CardReset, CKR_USER_NOT_LOGGED_IN, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR},
    Row{core::Errc::Timeout, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED},
    Row{core::Errc::Cancelled, CKR_FUNCTION_CANCELED, CKR_FUNCTION_CANCELED, CKR_FUNCTION_CANCELED},
    Row{core::Errc::NotFound, CKR_KEY_HANDLE_INVALID, CKR_FUNCTION_FAILED, CKR_SLOT_ID_INVALID},
    Row{core::Errc::SecurityNotSatisfied, CKR_USER_NOT_LOGGED_IN, CKR_PIN_INCORRECT, CKR_DEVICE_ERROR},
    Row{core::Errc::AuthBlocked, CKR_PIN_LOCKED, CKR_PIN_LOCKED, CKR_DEVICE_ERROR},
    Row{core::Errc::PinIncorrect, CKR_PIN_INCORRECT, CKR_PIN_INCORRECT, CKR_DEVICE_ERROR},
    Row{core::Errc::WrongLength, CKR_DATA_LEN_RANGE, CKR_PIN_LEN_RANGE, CKR_DEVICE_ERROR},
    Row{core::Errc::IncorrectData, CKR_DATA_INVALID, CKR_PIN_INVALID, CKR_DEVICE_ERROR},
    Row{core::Errc::ConditionsNotSatisfied, CKR_FUNCTION_REJECTED, CKR_FUNCTION_REJECTED, CKR_DEVICE_ERROR},
    Row{core::Errc::NotSupported, CKR_FUNCTION_NOT_SUPPORTED, CKR_FUNCTION_NOT_SUPPORTED,
        CKR_TOKEN_NOT_RECOGNIZED},
    Row{core::Errc::IncorrectP1P2, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED, CKR_DEVICE_ERROR},
    Row{core::Errc::NoSpace, CKR_DEVICE_MEMORY, CKR_DEVICE_MEMORY, CKR_DEVICE_MEMORY},
    Row{core::Errc::CardError, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR, CKR_DEVICE_ERROR},
    Row{core::Errc::Crypto, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED},
    Row{core::Errc::Io, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED, CKR_FUNCTION_FAILED},
    Row{core::Errc::Internal, CKR_GENERAL_ERROR, CKR_GENERAL_ERROR, CKR_GENERAL_ERROR},
};

}  // namespace

CK_RV toCkr(const core::Error& e, ErrorContext ctx) {
    for (const Row& r : kTable) {
        if (r.errc != e.code) continue;
        switch (ctx) {
            case ErrorContext::Generic: return r.generic;
            case ErrorContext::Pin: return r.pin;
            case ErrorContext::Slot: return r.slot;
        }
    }
    return CKR_GENERAL_ERROR;
}

}  // namespace p11
