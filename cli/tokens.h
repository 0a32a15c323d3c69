// The CLI's view of readers and tokens over core/token (a stand-in for core/client until that exists):
// enumerate, pick one token by pkcs11 URI, check a PIN with a clear message, name things as URIs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/p11_uri.h"
#include "core/token/token_manager.h"

namespace cli {

struct FoundToken {
    token::SlotState slot;
    std::shared_ptr<token::Token> token;
    token::TokenInfo info;
};

class Tokens {
public:
    Tokens();

    // Readers with card presence; exit 3 when pcscd is unreachable.
    CliResult<std::vector<token::SlotState>> readers();
    // Every token in every reader (cards without a known application are skipped; failures are noted).
    CliResult<std::vector<FoundToken>> all(std::vector<std::string>* problems = nullptr);
    // The token the URI names; without a URI the only token present. Exit 3 when none matches,
    // exit 2 when several match and the URI does not choose.
    CliResult<FoundToken> select(const std::optional<std::string>& uriText);

private:
    token::TokenManager m_manager;
};

std::string tokenUri(const token::TokenInfo& info);
std::string keyUri(const token::TokenInfo& info, uint8_t keyRef);

// The PIV management key: from --mgmt-key-fd (hex line) else the well-known default (3DES 0102..08 x3).
CliResult<core::SecureBytes> managementKey(const struct ParsedArgs& args);
// Verifies the user PIN with the card (the error says how many tries are left) and stays logged in.
CliStatus loginUser(token::Token& tok, const core::SecureBytes& pin);

}  // namespace cli
