#include "core/client/pin_rules.h"

namespace client {

std::string PinRules::describe() const {
    if (minLength == maxLength) return std::to_string(minLength) + " characters";
    return std::to_string(minLength) + " to " + std::to_string(maxLength) + " characters";
}

PinRules pinRules(token::AppKind kind, PinRole role) {
    if (kind == token::AppKind::OpenPgp) {
        switch (role) {
            case PinRole::User:
                return {6, 127};
            case PinRole::Admin:
            case PinRole::Puk:
            case PinRole::ResettingCode:
                return {8, 127};
        }
    }
    // PIV (SP 800-73-4): PIN and PUK 6..8 bytes.
    return {6, 8};
}

PinRole unblockRole(token::AppKind kind) {
    return kind == token::AppKind::OpenPgp ? PinRole::Admin : PinRole::Puk;
}

const char* pinRoleName(token::AppKind kind, PinRole role) {
    switch (role) {
        case PinRole::User:
            return kind == token::AppKind::OpenPgp ? "PIN (PW1)" : "PIN";
        case PinRole::Puk:
            return "PUK";
        case PinRole::Admin:
            return kind == token::AppKind::OpenPgp ? "Admin PIN (PW3)" : "PUK";
        case PinRole::ResettingCode:
            return "Resetting code";
    }
    return "PIN";
}

}  // namespace client
