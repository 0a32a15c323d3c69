// Where the CLI finds the PKCS#11 module (and companion programs), and a token's private key through it:
// client::P11Signer (libp11 loading our module, shared with the tray) with the CLI's exit codes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cli/cli_error.h"
#include "cli/options.h"
#include "core/base/bytes.h"
#include "core/client/p11_signer.h"

namespace cli {

// --module PATH, else $MESIGN_PKCS11_MODULE, else the installed module relative to this program (bin/ ->
// lib/pkcs11/), else the build tree's, else the install path compiled in.
std::string pkcs11ModulePath(const ParsedArgs& args);
// That lookup for any companion file: relative to this program's directory, the build tree's, the install
// path.
std::string installedOrBuilt(const char* fromBinDir, const char* buildTree, const char* installed);

// Logs in (user PIN) to the token with `serial` through the module and opens the private key with CKA_ID
// `ckaId`. Exit 3 when the module does not show the token, 4 when the login fails, else 1.
CliResult<std::unique_ptr<client::P11Signer>> openTokenKey(const std::string& modulePath,
                                                           const std::string& serial, uint8_t ckaId,
                                                           const core::SecureBytes& pin);

// The last OpenSSL error as text (for messages), clearing the queue.
inline std::string opensslError() {
    return client::opensslErrorText();
}

}  // namespace cli
