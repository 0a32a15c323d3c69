#include "cli/p11_module.h"

#include <cstdlib>
#include <filesystem>

#include "cli/progress.h"

namespace cli {

std::string pkcs11ModulePath(const ParsedArgs& args) {
    if (auto m = args.value("module")) return *m;
    if (const char* env = std::getenv("MESIGN_PKCS11_MODULE"); env && *env) return env;
    return installedOrBuilt(MESIGN_PKCS11_MODULE_FROM_BINDIR, MESIGN_PKCS11_MODULE_DEFAULT,
                            MESIGN_PKCS11_MODULE_INSTALLED);
}

std::string installedOrBuilt(const char* fromBinDir, const char* buildTree, const char* installed) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // An installed mesign-token finds its module beside it, wherever the tree was installed (or staged).
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path candidate = (self.parent_path() / fromBinDir).lexically_normal();
        if (fs::exists(candidate, ec)) return candidate.string();
    }
    if (fs::exists(buildTree, ec)) return buildTree;
    return installed;
}

CliResult<std::unique_ptr<client::P11Signer>> openTokenKey(const std::string& modulePath,
                                                           const std::string& serial, uint8_t ckaId,
                                                           const core::SecureBytes& pin) {
    Progress progress("opening the token through the PKCS#11 module");
    auto key = client::P11Signer::open(modulePath, serial, ckaId, core::view(pin));
    if (key) return std::move(*key);
    const core::Error& e = key.error();
    // The PIN was verified by core/token just before, so a failing module login is reported as such.
    switch (e.code) {
        case core::Errc::NoCard:
            return cliFail(kExitNoToken, e.message);
        case core::Errc::PinIncorrect:
            return cliFail(kExitPin, e.message);
        default:
            return cliFail(kExitFailed, e.message);
    }
}

}  // namespace cli
