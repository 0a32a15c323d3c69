// The mesign-vcard program itself: command line, exit codes and messages, state across restarts,
// signals, redacted debug log, APDU latency, and riding out a pcscd restart.
#include <csignal>
#include <thread>

#include "core/transport/pcsc_transport.h"
#include "tests/integration/piv_client_fixture.h"

#ifndef MESIGN_PROJECT_VERSION
#define MESIGN_PROJECT_VERSION "unknown"
#endif

namespace itest {
namespace {

class MesignVcardTest : public PivClientFixture {
protected:
    bool insertCardAtSetUp() const override { return false; }
    CommandResult vcard(std::vector<std::string> args) {
        args.insert(args.begin(), vcardBinary());
        return run(args, 20s);
    }
};

TEST_F(MesignVcardTest, HelpAndVersion) {
    auto help = vcard({"--help"});
    EXPECT_EQ(help.exitCode, 0) << help.describe();
    EXPECT_TRUE(help.out.starts_with("Usage: mesign-vcard [OPTIONS] STATE_FILE\n")) << help.describe();
    EXPECT_NE(help.out.find("  --init piv "), std::string::npos);
    EXPECT_EQ(help.err, "");
    auto version = vcard({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_EQ(version.out, std::string("mesign-vcard ") + MESIGN_PROJECT_VERSION + "\n");
}

TEST_F(MesignVcardTest, BadCommandLinesExit2WithAReason) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "missing STATE_FILE"},
        {{"--port", "0", "x.state"}, "invalid port '0' (1-65535)"},
        {{"--port=65536", "x.state"}, "invalid port '65536' (1-65535)"},
        {{"--port"}, "--port needs a value"},
        {{"--init", "gids", "x.state"},
         "unknown card application 'gids' for --init (known: piv, openpgp, piv,openpgp)"},
        {{"--bogus", "x.state"}, "unknown option '--bogus'"},
        {{"a.state", "b.state"}, "more than one STATE_FILE given"},
    };
    for (const auto& [args, message] : cases) {
        auto r = vcard(args);
        EXPECT_EQ(r.exitCode, 2) << r.describe();
        EXPECT_EQ(r.err, "mesign-vcard: " + message + "\nTry 'mesign-vcard --help'.\n");
    }
}

TEST_F(MesignVcardTest, MissingStateFileWithoutInitExits2) {
    const std::string state = path("none.state").string();
    auto r = vcard({"--port", m_env.port, state});
    EXPECT_EQ(r.exitCode, 2) << r.describe();
    EXPECT_EQ(r.err, "mesign-vcard: cannot use card state '" + state + "': no such card: " + state +
                         " does not exist (--init piv creates a new card)\n");
    EXPECT_FALSE(std::filesystem::exists(state));
}

TEST_F(MesignVcardTest, CorruptStateFileExits2AndIsLeftUntouched) {
    const std::string state = path("bad.state").string();
    writeFile(state, "not a card\n");
    auto r = vcard({"--init", "piv", "--port", m_env.port, state});
    EXPECT_EQ(r.exitCode, 2) << r.describe();
    EXPECT_TRUE(r.err.starts_with("mesign-vcard: cannot use card state '" + state + "': ")) << r.err;
    EXPECT_NE(r.err.find("not a MeSign virtual card file (bad magic)"), std::string::npos) << r.err;
    EXPECT_EQ(readFile(state), "not a card\n");
}

TEST_F(MesignVcardTest, FirstConnectionFailureExits2) {
    // Nothing listens on this port inside the sandbox's own network namespace.
    auto r = vcard({"--init", "piv", "--port", "35999", stateFile().string()});
    EXPECT_EQ(r.exitCode, 2) << r.describe();
    EXPECT_TRUE(r.err.ends_with("\nmesign-vcard: cannot connect to vpcd at 127.0.0.1:35999: Connection refused\n"))
        << r.err;
}

TEST_F(MesignVcardTest, StateSurvivesARestartAndSigtermExitsZero) {
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "piv"}));
    auto change = ykpiv({"-a", "change-pin", "-P", kPin, "-N", "24681357"});
    ASSERT_EQ(change.exitCode, 0) << change.describe();
    EXPECT_EQ(removeCard(), 0);
    const std::string log = vcardLog();
    EXPECT_NE(log.find("mesign-vcard: connected to vpcd at 127.0.0.1:" + m_env.port +
                       "; waiting for pcscd to detect the card\n"
                       "mesign-vcard: card inserted: pcscd is talking to it\n"),
              std::string::npos)
        << log;
    EXPECT_TRUE(log.ends_with("mesign-vcard: stopping on SIGTERM: card removed\n")) << log;

    ASSERT_NO_FATAL_FAILURE(insertCard({}));  // no --init: the card exists now
    EXPECT_EQ(ykpiv({"-a", "verify-pin", "-P", kPin}).exitCode, 1);
    EXPECT_EQ(ykpiv({"-a", "verify-pin", "-P", "24681357"}).exitCode, 0);
}

TEST_F(MesignVcardTest, SigintExitsZero) {
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "piv"}));
    ASSERT_EQ(kill(cardProcess().pid(), SIGINT), 0);
    EXPECT_EQ(cardProcess().waitExit(5s), 0);
    EXPECT_TRUE(waitForCard(false));
    EXPECT_TRUE(vcardLog().ends_with("mesign-vcard: stopping on SIGINT: card removed\n")) << vcardLog();
}

TEST_F(MesignVcardTest, VerboseLogShowsPowerEventsAndApdusButNeverThePin) {
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "piv", "--once", "-v"}));
    ASSERT_EQ(ykpiv({"-a", "verify-pin", "-P", kPin}).exitCode, 0);
    EXPECT_EQ(removeCard(), 0);
    const std::string log = vcardLog();
    EXPECT_NE(log.find(" vcard debug: power on\n"), std::string::npos) << log;
    EXPECT_NE(log.find(" vcard debug: > 00 A4 04 00 Lc=5 A000000308\n"), std::string::npos) << log;
    EXPECT_NE(log.find(" vcard debug: > 00 20 00 80 Lc=8 <redacted 8 bytes>\n"), std::string::npos) << log;
    EXPECT_EQ(log.find("313233343536"), std::string::npos) << "PIN digits in the log:\n" << log;
    EXPECT_EQ(log.find("31 32 33 34 35 36"), std::string::npos) << "PIN digits in the log:\n" << log;
}

// vpcd sends every APDU in two TCP segments; without TCP_NODELAY + TCP_QUICKACK each exchange stalls
// ~40 ms on delayed ACKs. 100 SELECTs must therefore take well under 100 * 40 ms.
TEST_F(MesignVcardTest, ApduRoundTripsDoNotStallOnDelayedAcks) {
    ASSERT_NO_FATAL_FAILURE(insertCard());
    auto ctx = transport::PcscContext::establish();
    ASSERT_TRUE(ctx);
    auto t = transport::PcscTransport::connect(*ctx, reader());
    ASSERT_TRUE(t) << t.error().describe();
    const core::Bytes select = core::hexBytes("00A4040009A0000003080000100000");
    ASSERT_TRUE((*t)->transmit(select));
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        auto r = (*t)->transmit(select);
        ASSERT_TRUE(r) << r.error().describe();
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, 1000ms) << "100 SELECTs took "
                               << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
}

// Restarts the sandbox's pcscd, so it runs in a ctest entry of its own.
class MesignVcardReconnectTest : public PivClientFixture {
protected:
    bool insertCardAtSetUp() const override { return false; }
    void TearDown() override {
        PivClientFixture::TearDown();
        m_pcscd.stop();
    }
    static bool waitForPath(const std::filesystem::path& p, bool present, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::filesystem::exists(p) != present) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(25ms);
        }
        return true;
    }
    bool waitForLog(const std::string& text, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (vcardLog().find(text) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(25ms);
        }
        return true;
    }
    BackgroundProcess m_pcscd;
};

TEST_F(MesignVcardReconnectTest, CardComesBackAfterPcscdRestarts) {
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "piv"}));
    const std::filesystem::path socket = "/run/pcscd/pcscd.comm";
    std::string pid = readFile("/run/pcscd/pcscd.pid");
    std::erase(pid, '\0');
    ASSERT_EQ(kill(std::stoi(pid), SIGTERM), 0);
    ASSERT_TRUE(waitForPath(socket, false, 10s)) << "pcscd did not stop";
    EXPECT_TRUE(waitForLog("mesign-vcard: connection to vpcd closed: card removed\n", 5s)) << vcardLog();
    EXPECT_TRUE(waitForLog("unavailable (Connection refused); retrying\n", 5s)) << vcardLog();
    EXPECT_TRUE(cardProcess().running());

    const char* sandbox = std::getenv("MESIGN_SANDBOX_DIR");
    ASSERT_NE(sandbox, nullptr);
    ASSERT_TRUE(m_pcscd.start({"pcscd", "-f", "-c", std::string(sandbox) + "/reader.conf.d"}, path("pcscd.log")));
    ASSERT_TRUE(waitForPath(socket, true, 10s)) << readFile(path("pcscd.log"));
    ASSERT_NO_FATAL_FAILURE(reestablishPcscContext());
    ASSERT_TRUE(waitForCard(true)) << vcardLog();
    auto status = ykpiv({"-a", "status"});
    EXPECT_EQ(status.exitCode, 0) << status.describe();
}

}  // namespace
}  // namespace itest
