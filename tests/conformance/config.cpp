#include "config.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

namespace p11test {

namespace {

std::vector<std::string> commandLine() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    std::string::size_type start = 0;
    while (start < all.size()) {
        auto end = all.find('\0', start);
        if (end == std::string::npos) end = all.size();
        args.push_back(all.substr(start, end - start));
        start = end + 1;
    }
    return args;
}

std::string setting(const std::vector<std::string>& args, const std::string& flag, const char* envName,
                    const std::string& fallback) {
    const std::string prefix = "--" + flag + "=";
    for (const auto& arg : args)
        if (arg.starts_with(prefix)) return arg.substr(prefix.size());
    if (const char* env = std::getenv(envName); env != nullptr && *env != '\0') return env;
    return fallback;
}

Config readConfig() {
    const auto args = commandLine();
    Config c;
    c.modulePath = setting(args, "p11-module", "MESIGN_P11_MODULE", "");
    c.profileName = setting(args, "p11-profile", "MESIGN_P11_PROFILE", "");
    c.slotLabel = setting(args, "p11-slot-label", "MESIGN_P11_SLOT_LABEL", "");
    c.userPin = setting(args, "p11-user-pin", "MESIGN_P11_USER_PIN", "123456");
    c.soPin = setting(args, "p11-so-pin", "MESIGN_P11_SO_PIN", "12345678");
    c.dataPin = setting(args, "p11-data-pin", "MESIGN_P11_DATA_PIN", "");
    return c;
}

}  // namespace

const Config& config() {
    static const Config instance = readConfig();
    return instance;
}

}  // namespace p11test
