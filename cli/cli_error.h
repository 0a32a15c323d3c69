// Exit codes and the error type every subcommand returns. Messages go to stderr, results to stdout.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/base/error.h"

namespace cli {

// Documented in cli/README.md; scripts rely on them.
enum ExitCode : int {
    kExitOk = 0,
    kExitFailed = 1,   // the operation failed (card error, bad file, verification failure, ...)
    kExitUsage = 2,    // bad command line, malformed pkcs11 URI
    kExitNoToken = 3,  // no pcscd, no reader, no card, or no token matches the URI
    kExitPin = 4,      // wrong PIN/PUK, PIN blocked, PIN of the wrong length
};

struct CliError {
    int exitCode = kExitFailed;
    std::string message;
};

template <typename T>
using CliResult = std::expected<T, CliError>;
using CliStatus = std::expected<void, CliError>;

inline std::unexpected<CliError> cliFail(int code, std::string message) {
    return std::unexpected(CliError{code, std::move(message)});
}

// Maps a core error to an exit code and a sentence for people: "what: wrong PIN (2 tries left)".
CliError fromCore(const core::Error& e, std::string_view what);
inline std::unexpected<CliError> cliFail(const core::Error& e, std::string_view what) {
    return std::unexpected(fromCore(e, what));
}

}  // namespace cli
