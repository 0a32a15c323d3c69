// The world around the module under fault: the mesign-vcard process (with --fault-control), the fault
// commands, raw PC/SC probes (PIN retries, card presence), pcscd itself, and a helper process that
// plays "another application" (holds a transaction, resets the card). All inside pcsc-sandbox.sh.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fault {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<unsigned char>;

// Settings from the environment (fault-card.sh and pcsc-sandbox.sh); a missing one is fatal.
struct Setup {
    std::string module;   // MESIGN_FAULT_MODULE: libmesign-pkcs11.so
    std::string vcard;    // MESIGN_FAULT_VCARD: mesign-vcard
    fs::path cardDir;     // MESIGN_FAULT_CARD_DIR: provisioned card.state, 9a.pub, 9d.pub, 9d.crt.der
    fs::path workDir;     // a scratch directory for this run
    std::string reader;   // MESIGN_TEST_READER
    std::string port;     // MESIGN_VPCD_PORT
    fs::path sandboxDir;  // MESIGN_SANDBOX_DIR (pcscd's reader.conf.d lives here)
    std::string self;     // this program (for the helper mode)
};
const Setup& setup();
void initSetup(const char* argv0);

double secondsSince(Clock::time_point start);
Bytes readFile(const fs::path& path);

// A running mesign-vcard on a private copy of the provisioned card.
class Vcard {
  public:
    explicit Vcard(const std::string& name);  // copies the pristine state to workDir/name.state
    ~Vcard();
    void start();
    void stop();   // SIGTERM: the card saves and leaves (card removed)
    void kill9();  // SIGKILL: the process dies mid-whatever
    bool running() const { return m_pid > 0; }
    void fault(const std::string& line);  // appends one control line
    const fs::path& stateFile() const { return m_state; }
    std::string log() const;

  private:
    fs::path m_state, m_control, m_log;
    pid_t m_pid = -1;
};

// Raw PC/SC (own context) on the test reader.
namespace pcsc {
// Waits until pcscd reports the card present (true) / absent (false); false on timeout.
bool waitCard(bool present, double seconds);
// The reader's event counter (bits 16-31 of dwEventState): pcscd adds one per removal and per insertion
// it saw.
std::optional<unsigned> eventCounter();
// {max, left} of the PIV PIN (ref 80) or PUK (81) via GET METADATA, without VERIFY.
std::optional<std::pair<int, int>> retries(unsigned char ref, std::string* error);
}  // namespace pcsc

// pcscd: kill -9 the sandbox's daemon, start a fresh one with the same reader configuration.
pid_t pcscdPid();
bool killPcscd();
bool startPcscd();

// "Another application": this program run as `--pcsc-helper MODE ...` in a child process.
class Helper {
  public:
    // hold SECONDS: connect, SCardBeginTransaction, print "held", sleep, end the transaction.
    // reset: connect and SCardReconnect(SCARD_RESET_CARD), print "reset".
    explicit Helper(std::vector<std::string> args);
    ~Helper();
    bool waitFor(const std::string& word, double seconds);  // reads the helper's stdout
    int wait();                                             // exit status
  private:
    pid_t m_pid = -1;
    int m_out = -1;
    std::string m_buffer;
};
int helperMain(int argc, char** argv);

}  // namespace fault
