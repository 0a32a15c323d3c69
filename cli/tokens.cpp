#include "cli/tokens.h"

#include "cli/options.h"
#include "cli/pin_input.h"
#include "cli/progress.h"
#include "core/token/reader_backend.h"

namespace cli {

Tokens::Tokens() : m_manager(token::makePcscBackend()) {}

CliResult<std::vector<token::SlotState>> Tokens::readers() {
    // TokenManager treats a missing pcscd as "no readers"; the CLI must say why nothing is there.
    if (auto r = m_manager.backend().readers(); !r) return cliFail(r.error(), "cannot list readers");
    if (auto s = m_manager.refresh(); !s) return cliFail(s.error(), "cannot list readers");
    std::vector<token::SlotState> present;
    for (auto& s : m_manager.slots())
        if (s.readerPresent) present.push_back(s);
    return present;
}

CliResult<std::vector<FoundToken>> Tokens::all(std::vector<std::string>* problems) {
    auto slots = readers();
    if (!slots) return std::unexpected(slots.error());
    std::vector<FoundToken> found;
    Progress progress("reading the tokens");
    for (auto& s : *slots) {
        if (!s.cardPresent) continue;
        auto tok = m_manager.token(s.id);
        if (!tok) {
            if (problems && tok.error().code != core::Errc::NotSupported)
                problems->push_back(s.reader + ": " + fromCore(tok.error(), "").message);
            continue;
        }
        auto info = (*tok)->info();
        if (!info) {
            if (problems) problems->push_back(s.reader + ": " + fromCore(info.error(), "").message);
            continue;
        }
        found.push_back({s, *tok, *info});
    }
    return found;
}

CliResult<FoundToken> Tokens::select(const std::optional<std::string>& uriText) {
    std::optional<P11Uri> uri;
    if (uriText) {
        auto parsed = parseP11Uri(*uriText);
        if (!parsed) return std::unexpected(parsed.error());
        uri = *parsed;
    }
    auto tokens = all();
    if (!tokens) return std::unexpected(tokens.error());
    std::vector<FoundToken> matches;
    for (auto& t : *tokens) {
        if (uri && ((uri->token && *uri->token != t.info.label) || (uri->serial && *uri->serial != t.info.serial) ||
                    (uri->manufacturer && *uri->manufacturer != t.info.manufacturer) ||
                    (uri->model && *uri->model != t.info.model)))
            continue;
        matches.push_back(t);
    }
    if (matches.empty()) {
        if (tokens->empty()) return cliFail(kExitNoToken, "no token found (is the token inserted?)");
        return cliFail(kExitNoToken, "no token matches " + *uriText + " (see 'mesign-token list')");
    }
    if (matches.size() > 1)
        return cliFail(kExitUsage, "several tokens are present; name one with its pkcs11 URI (see 'mesign-token list')");
    return matches.front();
}

std::string tokenUri(const token::TokenInfo& info) {
    return "pkcs11:model=" + percentEncode(info.model) + ";manufacturer=" + percentEncode(info.manufacturer) +
           ";serial=" + percentEncode(info.serial) + ";token=" + percentEncode(info.label);
}

std::string keyUri(const token::TokenInfo& info, uint8_t keyRef) {
    auto id = ckaIdForKeyRef(keyRef);
    std::string uri = tokenUri(info);
    if (id) uri += ";id=" + percentEncode(std::string(1, static_cast<char>(*id)));
    return uri;
}

CliResult<core::SecureBytes> managementKey(const ParsedArgs& args) {
    auto src = secretSource(args, "mgmt-key");
    if (!src) return std::unexpected(src.error());
    if (!src->fd && !src->value) {
        core::Bytes def = core::hexBytes("010203040506070801020304050607080102030405060708");
        return core::secureCopy(def);
    }
    auto hex = readSecret(*src, "management key");
    if (!hex) return std::unexpected(hex.error());
    core::Bytes raw;
    std::string text(hex->begin(), hex->end());
    bool ok = core::fromHex(text, raw);
    core::SecureBytes key = core::secureCopy(raw);
    std::fill(raw.begin(), raw.end(), 0);
    std::fill(text.begin(), text.end(), '\0');
    if (!ok || (key.size() != 16 && key.size() != 24 && key.size() != 32))
        return cliFail(kExitUsage, "the management key must be 32, 48 or 64 hexadecimal digits");
    return key;
}

CliStatus loginUser(token::Token& tok, const core::SecureBytes& pin) {
    if (auto s = tok.loginUser(core::view(pin)); !s) return cliFail(s.error(), "PIN");
    return {};
}

}  // namespace cli
