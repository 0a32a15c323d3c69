#include "core/base/error.h"

#include <cstdio>

namespace core {

const char* errcName(Errc c) {
    switch (c) {
        case Errc::InvalidArgument: return "InvalidArgument";
        case Errc::Malformed: return "Malformed";
        case Errc::Transport: return "Transport";
        case Errc::NoService: return "NoService";
        case Errc::NoReader: return "NoReader";
        case Errc::NoCard: return "NoCard";
        case Errc::CardRemoved: return "CardRemoved";
        case Errc::CardReset: return "CardReset";
        case Errc::Timeout: return "Timeout";
        case Errc::Cancelled: return "Cancelled";
        case Errc::NotFound: return "NotFound";
        case Errc::SecurityNotSatisfied: return "SecurityNotSatisfied";
        case Errc::AuthBlocked: return "AuthBlocked";
        case Errc::PinIncorrect: return "PinIncorrect";
        case Errc::WrongLength: return "WrongLength";
        case Errc::IncorrectData: return "IncorrectData";
        case Errc::ConditionsNotSatisfied: return "ConditionsNotSatisfied";
        case Errc::NotSupported: return "NotSupported";
        case Errc::IncorrectP1P2: return "IncorrectP1P2";
        case Errc::NoSpace: return "NoSpace";
        case Errc::CardError: return "CardError";
        case Errc::Crypto: return "Crypto";
        case Errc::Io: return "Io";
        case Errc::Internal: return "Internal";
    }
    return "Unknown";
}

std::string Error::describe() const {
    std::string s = errcName(code);
    s += ": ";
    s += message;
    if (sw || retries) {
        s += " (";
        if (sw) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "SW %04X", *sw);
            s += buf;
        }
        if (retries) {
            if (sw) s += ", ";
            s += std::to_string(*retries) + (*retries == 1 ? " try left" : " tries left");
        }
        s += ")";
    }
    return s;
}

}  // namespace core
