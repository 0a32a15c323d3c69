// change-pin and unblock-pin. The PIN is checked against the token's length limits before the card sees
// it, so a typo in the length never costs a try.
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/pin_input.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kChangeHelp =
    "usage: mesign-token change-pin [TOKEN-URI] [--puk] [--pin-fd N | --pin-value PIN]\n"
    "                               [--new-pin-fd N | --new-pin-value PIN]\n"
    "Changes the user PIN (with --puk: the PUK). Without -fd options both are asked on the terminal without\n"
    "echo (the new one twice). With --puk, --pin-* give the current PUK and --new-pin-* the new PUK.\n"
    "--pin-value/--new-pin-value put secrets on the command line: insecure, for tests only.\n";
const char* kUnblockHelp =
    "usage: mesign-token unblock-pin [TOKEN-URI] [--puk-fd N | --puk-value PUK]\n"
    "                                [--new-pin-fd N | --new-pin-value PIN]\n"
    "Sets a new user PIN with the PUK (also when the PIN is blocked) and resets its tries.\n";

const std::vector<OptionSpec> kPinOptions = {{"puk", false},          {"pin-fd", true},  {"pin-value", true},
                                             {"new-pin-fd", true},    {"new-pin-value", true},
                                             {"puk-fd", true},        {"puk-value", true}};

CliStatus checkLength(const token::TokenInfo& info, const core::SecureBytes& pin, const std::string& what) {
    if (pin.size() < info.minPinLength || pin.size() > info.maxPinLength)
        return cliFail(kExitPin, "the " + what + " must be " + std::to_string(info.minPinLength) + " to " +
                                     std::to_string(info.maxPinLength) + " characters");
    return {};
}

CliStatus changePin(const ParsedArgs& args) {
    if (args.positional.size() > 1) return cliFail(kExitUsage, "change-pin takes at most one token URI");
    bool puk = args.has("puk");
    std::string what = puk ? "PUK" : "PIN";
    Tokens tokens;
    auto t = tokens.select(args.positional.empty() ? std::nullopt : std::optional(args.positional.front()));
    if (!t) return std::unexpected(t.error());
    const auto& status = puk ? t->info.soPin : t->info.userPin;
    if (status.blocked())
        return cliFail(kExitPin, what + " is blocked" + (puk ? "" : "; unblock it with the PUK: mesign-token unblock-pin"));
    auto oldSrc = secretSource(args, "pin");
    auto newSrc = secretSource(args, "new-pin");
    if (!oldSrc) return std::unexpected(oldSrc.error());
    if (!newSrc) return std::unexpected(newSrc.error());
    auto oldPin = readSecret(*oldSrc, "current " + what);
    if (!oldPin) return std::unexpected(oldPin.error());
    auto newPin = readSecret(*newSrc, "new " + what, true);
    if (!newPin) return std::unexpected(newPin.error());
    if (puk) {
        if (newPin->size() != 8) return cliFail(kExitPin, "the new PUK must be 8 characters");
        if (auto s = t->token->changeSoPin(core::view(*oldPin), core::view(*newPin)); !s) return cliFail(s.error(), "PUK");
    } else {
        if (auto s = checkLength(t->info, *newPin, "new PIN"); !s) return s;
        if (auto s = t->token->changeUserPin(core::view(*oldPin), core::view(*newPin)); !s) return cliFail(s.error(), "PIN");
    }
    std::fprintf(stderr, "mesign-token: %s changed on token \"%s\"\n", what.c_str(), t->info.label.c_str());
    return {};
}

CliStatus unblockPin(const ParsedArgs& args) {
    if (args.positional.size() > 1) return cliFail(kExitUsage, "unblock-pin takes at most one token URI");
    Tokens tokens;
    auto t = tokens.select(args.positional.empty() ? std::nullopt : std::optional(args.positional.front()));
    if (!t) return std::unexpected(t.error());
    if (t->info.soPin.blocked()) return cliFail(kExitPin, "PUK is blocked: the PIN cannot be unblocked any more");
    auto pukSrc = secretSource(args, "puk");
    auto newSrc = secretSource(args, "new-pin");
    if (!pukSrc) return std::unexpected(pukSrc.error());
    if (!newSrc) return std::unexpected(newSrc.error());
    auto puk = readSecret(*pukSrc, "PUK");
    if (!puk) return std::unexpected(puk.error());
    auto newPin = readSecret(*newSrc, "new PIN", true);
    if (!newPin) return std::unexpected(newPin.error());
    if (auto s = checkLength(t->info, *newPin, "new PIN"); !s) return s;
    if (auto s = t->token->unblockUserPin(core::view(*puk), core::view(*newPin)); !s) return cliFail(s.error(), "PUK");
    std::fprintf(stderr, "mesign-token: PIN unblocked and set on token \"%s\"\n", t->info.label.c_str());
    return {};
}

}  // namespace

int runChangePin(const Args& args) { return runSubcommand(args, kPinOptions, kChangeHelp, changePin); }
int runUnblockPin(const Args& args) { return runSubcommand(args, kPinOptions, kUnblockHelp, unblockPin); }

}  // namespace cli
