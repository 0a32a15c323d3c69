// A small option parser shared by the subcommands: "--name VALUE", "--name=VALUE", boolean "--flag",
// "-h"/"--help", "--" ends options. Each subcommand declares what it accepts; anything else is a usage error.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_error.h"

namespace cli {

struct OptionSpec {
    std::string name;       // without the dashes: "json", "pin-fd"
    bool takesValue = false;
};

struct ParsedArgs {
    std::map<std::string, std::string> values;  // options with a value (last one wins)
    std::map<std::string, std::vector<std::string>> repeated;  // every value, in order (--recipient A --recipient B)
    std::vector<std::string> flags;             // boolean options given
    std::vector<std::string> positional;
    bool help = false;

    bool has(const std::string& flag) const;
    std::optional<std::string> value(const std::string& name) const;
    // Every value given for a repeatable option, in command-line order.
    std::vector<std::string> all(const std::string& name) const;
    // A file-descriptor number (--pin-fd 3); usage error when it is not a non-negative integer.
    CliResult<std::optional<int>> fd(const std::string& name) const;
};

CliResult<ParsedArgs> parseArgs(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

// What every subcommand's entry point does: parse `args` by `specs`, print `help` for --help, else run `fn`;
// returns the exit code (an error's message printed to stderr).
int runSubcommand(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs, const char* help,
                  CliStatus (*fn)(const ParsedArgs&));

}  // namespace cli
