#include "core/apdu/status_words.h"

#include <string>

namespace apdu {

using core::Errc;

const char* swMeaning(uint16_t sw) {
    if ((sw & 0xFF00) == 0x6100) return "more data available";
    if ((sw & 0xFF00) == 0x6C00) return "wrong Le";
    if (isRetryCounter(sw)) return "verification failed";
    switch (sw) {
        case 0x9000: return "success";
        case 0x6200: return "warning, no information";
        case 0x6281: return "returned data may be corrupted";
        case 0x6282: return "end of file reached";
        case 0x6283: return "selected file invalidated";
        case 0x6285: return "selected file in termination state";
        case 0x6300: return "verification failed";
        case 0x6400: return "execution error";
        case 0x6581: return "memory failure";
        case 0x6700: return "wrong length";
        case 0x6881: return "logical channel not supported";
        case 0x6882: return "secure messaging not supported";
        case 0x6883: return "last command of the chain expected";
        case 0x6884: return "command chaining not supported";
        case 0x6982: return "security status not satisfied";
        case 0x6983: return "authentication method blocked";
        case 0x6984: return "reference data not usable";
        case 0x6985: return "conditions of use not satisfied";
        case 0x6986: return "command not allowed";
        case 0x6987: return "expected secure messaging data objects missing";
        case 0x6988: return "incorrect secure messaging data objects";
        case 0x6A80: return "incorrect parameters in the data field";
        case 0x6A81: return "function not supported";
        case 0x6A82: return "file or application not found";
        case 0x6A83: return "record not found";
        case 0x6A84: return "not enough memory space";
        case 0x6A85: return "Nc inconsistent with TLV structure";
        case 0x6A86: return "incorrect P1/P2";
        case 0x6A87: return "Nc inconsistent with P1/P2";
        case 0x6A88: return "referenced data not found";
        case 0x6A89: return "file already exists";
        case 0x6A8A: return "DF name already exists";
        case 0x6B00: return "wrong parameters P1/P2";
        case 0x6D00: return "instruction not supported";
        case 0x6E00: return "class not supported";
        case 0x6F00: return "no precise diagnosis";
        default: return "unknown status";
    }
}

static Errc errcFor(uint16_t sw) {
    if (isRetryCounter(sw) || sw == 0x6300) return Errc::PinIncorrect;
    switch (sw) {
        case 0x6700: return Errc::WrongLength;
        case 0x6982: return Errc::SecurityNotSatisfied;
        case 0x6983: return Errc::AuthBlocked;
        case 0x6985: return Errc::ConditionsNotSatisfied;
        case 0x6A80: return Errc::IncorrectData;
        case 0x6A81:
        case 0x6884:
        case 0x6D00:
        case 0x6E00: return Errc::NotSupported;
        case 0x6A82:
        case 0x6A88: return Errc::NotFound;
        case 0x6A84: return Errc::NoSpace;
        case 0x6A86:
        case 0x6B00: return Errc::IncorrectP1P2;
        default: return Errc::CardError;
    }
}

core::Error errorFromSw(uint16_t sw, std::string_view context) {
    core::Error e(errcFor(sw), std::string(context) + ": " + swMeaning(sw));
    e.sw = sw;
    if (isRetryCounter(sw)) e.retries = sw & 0x0F;
    return e;
}

}  // namespace apdu
