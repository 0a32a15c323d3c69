#include "cli/options.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "cli/commands.h"

namespace cli {

bool ParsedArgs::has(const std::string& flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
    auto it = repeated.find(name);
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
}

CliResult<std::optional<int>> ParsedArgs::fd(const std::string& name) const {
    auto v = value(name);
    if (!v) return std::optional<int>{};
    int n = -1;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < 0)
        return cliFail(kExitUsage, "--" + name + " needs a file descriptor number, got '" + *v + "'");
    return std::optional<int>{n};
}

CliResult<ParsedArgs> parseArgs(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
    ParsedArgs out;
    bool optionsDone = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsDone || arg == "-" || !arg.starts_with("-")) {
            out.positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsDone = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            out.help = true;
            continue;
        }
        if (!arg.starts_with("--")) return cliFail(kExitUsage, "unknown option '" + arg + "'");
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == name; });
        if (spec == specs.end()) return cliFail(kExitUsage, "unknown option '--" + name + "'");
        if (!spec->takesValue) {
            if (inlineValue) return cliFail(kExitUsage, "--" + name + " takes no value");
            out.flags.push_back(name);
        } else {
            if (!inlineValue && i + 1 >= args.size()) return cliFail(kExitUsage, "--" + name + " needs a value");
            const std::string& v = inlineValue ? *inlineValue : args[++i];
            out.values[name] = v;
            out.repeated[name].push_back(v);
        }
    }
    return out;
}

int runSubcommand(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs, const char* help,
                  CliStatus (*fn)(const ParsedArgs&)) {
    auto parsed = parseArgs(args, specs);
    if (!parsed) return report(parsed.error());
    if (parsed->help) return std::fputs(help, stdout), kExitOk;
    auto s = fn(*parsed);
    return s ? kExitOk : report(s.error());
}

}  // namespace cli
