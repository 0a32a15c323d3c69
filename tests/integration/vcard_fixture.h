// Fixture for tests through the real PC/SC stack. Runs inside pcsc-sandbox.sh (private pcscd with a vpcd
// reader); each test gets a fresh scratch directory and a fresh virtual PIV card (`mesign-vcard --init piv`)
// inserted into the sandbox's reader, and the card is removed again at teardown.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/process.h"

namespace itest {

using namespace std::chrono_literals;

// Where the sandbox tells us to plug the card in; fails the test when run outside pcsc-sandbox.sh.
struct SandboxEnv {
    std::string host;
    std::string port;
    std::string reader;
};
SandboxEnv sandboxEnv();
// mesign-vcard to run: $MESIGN_VCARD_BIN, else the one CMake built.
std::string vcardBinary();

class VcardFixture : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Inserts the card (starting mesign-vcard with `options` on the state file) and waits until pcscd
    // reports it present.
    void insertCard(const std::vector<std::string>& options = {"--init", "piv", "--once"});
    // SetUp inserts a card unless a suite says otherwise.
    virtual bool insertCardAtSetUp() const { return true; }
    BackgroundProcess& cardProcess() { return m_card; }
    // Removes the card (SIGTERM to mesign-vcard) and waits until pcscd reports the reader empty.
    // Returns mesign-vcard's exit code.
    int removeCard();
    bool waitForCard(bool present, std::chrono::milliseconds timeout = 10s);
    // A new PC/SC context for waitForCard, after pcscd was restarted.
    void reestablishPcscContext();

    const std::string& reader() const { return m_env.reader; }
    const std::filesystem::path& dir() const { return m_dir; }
    std::filesystem::path path(const std::string& name) const { return m_dir / name; }
    std::filesystem::path stateFile() const { return m_dir / "card.state"; }
    std::string vcardLog() const { return readFile(m_dir / "vcard.log"); }

    // Runs a program in the scratch directory.
    CommandResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 60s,
                      const std::string& input = {});
    // Runs a /bin/sh script in the scratch directory (for openssl pipelines); fails the test if it fails.
    CommandResult sh(const std::string& script, std::chrono::milliseconds timeout = 60s);

    SandboxEnv m_env;

private:
    std::filesystem::path m_dir;
    BackgroundProcess m_card;
    long m_context = 0;  // SCARDCONTEXT used to watch the reader
};

}  // namespace itest
