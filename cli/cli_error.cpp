#include "cli/cli_error.h"

#include <cstdio>

#include "cli/commands.h"

namespace cli {

namespace {

std::string triesLeft(const core::Error& e) {
    if (!e.retries) return {};
    return " (" + std::to_string(*e.retries) + (*e.retries == 1 ? " try left)" : " tries left)");
}

}  // namespace

CliError fromCore(const core::Error& e, std::string_view what) {
    using core::Errc;
    std::string prefix = what.empty() ? std::string() : std::string(what) + ": ";
    switch (e.code) {
    // For PIN errors `what` names the secret ("PIN", "PUK").
    case Errc::PinIncorrect:
        return {kExitPin, "wrong " + std::string(what.empty() ? "PIN" : what) + triesLeft(e)};
    case Errc::AuthBlocked:
        return {kExitPin, std::string(what.empty() ? "PIN" : what) + " is blocked (no tries left)" +
                              (what == "PUK" ? "" : "; unblock it with the PUK: mesign-token unblock-pin")};
    case Errc::IncorrectData:
    case Errc::WrongLength:
        // PIV answers a PIN of a bad format with 6A80 / 6700.
        return {kExitPin, prefix + "rejected by the card (wrong length or format): " + e.message};
    case Errc::NoService:
        return {kExitNoToken, prefix + "the PC/SC service (pcscd) is not reachable"};
    case Errc::NoReader:
        return {kExitNoToken, prefix + "no such reader: " + e.message};
    case Errc::NoCard:
    case Errc::CardRemoved:
        return {kExitNoToken, prefix + "no token in the reader: " + e.message};
    case Errc::Io:
    case Errc::Malformed:
        return {kExitFailed, prefix + e.message};
    default:
        return {kExitFailed, prefix + e.describe()};
    }
}

int report(const CliError& e) {
    std::fprintf(stderr, "mesign-token: %s\n", e.message.c_str());
    return e.exitCode;
}

}  // namespace cli
