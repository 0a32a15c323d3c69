// Loads the module once, before any test, from the configured path, and checks the profile name. A missing
// module or profile fails the whole run loudly; nothing is skipped.
#include <gtest/gtest.h>

#include "config.h"
#include "p11_loader.h"
#include "profile.h"

namespace p11test {

namespace {

std::unique_ptr<Module> g_module;

class P11Environment : public ::testing::Environment {
  public:
    void SetUp() override {
        const Config& c = config();
        ASSERT_FALSE(c.modulePath.empty()) << "no module: set MESIGN_P11_MODULE or pass --p11-module=PATH";
        ASSERT_NE(findProfile(c.profileName), nullptr)
            << "unknown profile '" << c.profileName
            << "': set MESIGN_P11_PROFILE or --p11-profile= to softhsm or mesign";
        std::string error;
        g_module = Module::load(c.modulePath, &error);
        ASSERT_NE(g_module, nullptr) << c.modulePath << ": " << error;
        std::printf("p11_conformance: module %s (%s list %d.%d), profile %s\n", c.modulePath.c_str(),
                    g_module->functions30() != nullptr ? "3.0 interface" : "C_GetFunctionList",
                    g_module->functions()->version.major, g_module->functions()->version.minor,
                    c.profileName.c_str());
    }
};

// gtest owns ::testing::Environment objects registered here and deletes them at exit.
[[maybe_unused]] ::testing::Environment* const g_environment =
    ::testing::AddGlobalTestEnvironment(new P11Environment);

}  // namespace

const Module& module() {
    return *g_module;
}

}  // namespace p11test
