#include "tests/integration/vcard_fixture.h"

#include <PCSC/winscard.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#ifndef MESIGN_VCARD_BIN
#define MESIGN_VCARD_BIN "mesign-vcard"
#endif

namespace itest {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

SandboxEnv sandboxEnv() {
    SandboxEnv e{env("MESIGN_VPCD_HOST"), env("MESIGN_VPCD_PORT"), env("MESIGN_TEST_READER")};
    return e;
}

std::string vcardBinary() {
    std::string b = env("MESIGN_VCARD_BIN");
    return b.empty() ? MESIGN_VCARD_BIN : b;
}

void VcardFixture::SetUp() {
    m_env = sandboxEnv();
    ASSERT_FALSE(m_env.port.empty() || m_env.reader.empty())
        << "integration tests must run inside tests/integration/pcsc-sandbox.sh (MESIGN_VPCD_PORT unset)";
    std::string tmpl = (std::filesystem::temp_directory_path() / "itest.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    m_dir = tmpl;
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    ASSERT_EQ(rv, SCARD_S_SUCCESS) << pcsc_stringify_error(rv);
    m_context = ctx;
    if (insertCardAtSetUp()) insertCard();
}

void VcardFixture::TearDown() {
    if (m_card.running()) {
        int rc = removeCard();
        EXPECT_EQ(rc, 0) << "mesign-vcard did not exit cleanly on SIGTERM\n" << vcardLog();
    }
    if (HasFailure()) std::cerr << "--- mesign-vcard log ---\n" << vcardLog() << "---\n";
    if (m_context) SCardReleaseContext(m_context);
    if (!m_dir.empty() && !std::getenv("MESIGN_SANDBOX_KEEP")) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
}

void VcardFixture::reestablishPcscContext() {
    if (m_context) SCardReleaseContext(m_context);
    m_context = 0;
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    ASSERT_EQ(rv, SCARD_S_SUCCESS) << pcsc_stringify_error(rv);
    m_context = ctx;
}

void VcardFixture::insertCard(const std::vector<std::string>& options) {
    std::vector<std::string> argv{vcardBinary()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"--host", m_env.host, "--port", m_env.port, stateFile().string()});
    ASSERT_TRUE(m_card.start(argv, m_dir / "vcard.log")) << m_card.error();
    ASSERT_TRUE(waitForCard(true)) << "pcscd did not report the card present\n" << vcardLog();
}

int VcardFixture::removeCard() {
    int rc = m_card.stop();
    EXPECT_TRUE(waitForCard(false)) << "pcscd still reports a card after mesign-vcard stopped";
    return rc;
}

bool VcardFixture::waitForCard(bool present, std::chrono::milliseconds timeout) {
    SCARD_READERSTATE state{};
    state.szReader = m_env.reader.c_str();
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left.count() < 0) left = 0ms;
        const auto slice = std::min<std::chrono::milliseconds>(left, 250ms);
        LONG rv = SCardGetStatusChange(m_context, static_cast<DWORD>(slice.count()), &state, 1);
        if (rv == SCARD_S_SUCCESS) {
            const bool isPresent = (state.dwEventState & SCARD_STATE_PRESENT) != 0;
            if (isPresent == present) return true;
            state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
        } else if (rv != SCARD_E_TIMEOUT) {
            ADD_FAILURE() << "SCardGetStatusChange: " << pcsc_stringify_error(rv);
            return false;
        }
        if (left.count() == 0) return false;
        // A card that died while we wait will never appear.
        if (present && !m_card.running()) return false;
    }
}

CommandResult VcardFixture::run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                const std::string& input) {
    CommandOptions o;
    o.timeout = timeout;
    o.workDir = m_dir;
    o.input = input;
    return runCommand(argv, o);
}

CommandResult VcardFixture::sh(const std::string& script, std::chrono::milliseconds timeout) {
    CommandResult r = run({"/bin/sh", "-ec", script}, timeout);
    EXPECT_EQ(r.exitCode, 0) << "script failed: " << script << "\n" << r.describe();
    return r;
}

}  // namespace itest
