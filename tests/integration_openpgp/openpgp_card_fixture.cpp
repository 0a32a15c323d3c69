#include "tests/integration_openpgp/openpgp_card_fixture.h"

#include <regex>

namespace itest {

void OpenPgpCardFixture::SetUp() {
    VcardFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "openpgp", "--once"}));
    m_home = (dir() / "gnupg").string();
    std::filesystem::create_directory(m_home);
    std::filesystem::permissions(m_home, std::filesystem::perms::owner_all);
    // The sandbox's pcscd is the only one visible here, so no PCSCLITE_CSOCK_NAME is needed.
    writeFile(std::filesystem::path(m_home) / "scdaemon.conf", "disable-ccid\npcsc-shared\n");
    writeFile(std::filesystem::path(m_home) / "gpg-agent.conf", "allow-loopback-pinentry\n");
}

void OpenPgpCardFixture::TearDown() {
    if (!m_home.empty()) gpg({"gpgconf", "--kill", "all"}, {}, 30s);
    VcardFixture::TearDown();
}

CommandResult OpenPgpCardFixture::gpg(const std::vector<std::string>& args, const std::string& input,
                                      std::chrono::milliseconds timeout) {
    CommandOptions o;
    o.timeout = timeout;
    o.workDir = dir();
    o.input = input;
    o.extraEnv = {"GNUPGHOME=" + m_home, "LC_ALL=C"};
    std::vector<std::string> argv = args;
    if (argv.empty() || (argv[0] != "gpgconf" && argv[0] != "gpg-connect-agent")) argv.insert(argv.begin(), "gpg");
    return runCommand(argv, o);
}

CommandResult OpenPgpCardFixture::generateWithGpg() {
    // Answers in the order gpg 2.2 asks through --command-fd (status keywords in brackets):
    // [cardedit.prompt] admin, generate; [cardedit.genkeys.backup_enc] n; [passphrase.enter] PW3, PW1;
    // [keygen.valid] 0; [keygen.name] [keygen.email] [keygen.comment]; [passphrase.enter] PW1 for the
    // self-signatures; [cardedit.prompt] quit. Not --batch: gpg refuses card key generation in batch mode.
    const std::string answers =
        "admin\ngenerate\nn\n12345678\n123456\n0\nCard User\ncard@example.org\n\n123456\nquit\n";
    return gpg({"--no-tty", "--pinentry-mode", "loopback", "--command-fd", "0", "--status-fd", "1", "--edit-card"},
               answers, 180s);
}

std::string OpenPgpCardFixture::cardSerial() {
    CommandResult r = gpg({"--card-status"});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    std::smatch m;
    static const std::regex kSerial("Serial number \\.+: ([0-9A-F]{8})");
    return std::regex_search(r.out, m, kSerial) ? m[1].str() : std::string();
}

}  // namespace itest
