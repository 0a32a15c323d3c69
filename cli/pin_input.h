// Where PINs, PUKs and management keys come from: a line on a file descriptor (--pin-fd N), a prompt on the
// terminal without echo, or — only when the user names the insecure flag — the command line itself.
// Secrets live in core::SecureBytes (wiped on release) from the first byte read.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_error.h"
#include "cli/options.h"
#include "core/base/bytes.h"

namespace cli {

struct SecretSource {
    std::optional<int> fd;             // --NAME-fd N: one line read from N (several secrets may share one fd)
    std::optional<std::string> value;  // --NAME-value (insecure: visible in ps and shell history)
};

// Reads the source options "<name>-fd" and "<name>-value" from the parsed arguments.
CliResult<SecretSource> secretSource(const ParsedArgs& args, const std::string& name);

// Returns the secret from the source, else prompts on /dev/tty ("PIN: "); `confirm` asks twice (new PINs).
CliResult<core::SecureBytes> readSecret(const SecretSource& src, const std::string& prompt, bool confirm = false);

}  // namespace cli
