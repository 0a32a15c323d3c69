#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <winscard.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace fault {

namespace {

Setup g_setup;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run through fault-card.sh");
    return v;
}

pid_t spawn(const std::vector<std::string>& args, int stdoutFd, int stderrFd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdoutFd >= 0) posix_spawn_file_actions_adddup2(&fa, stdoutFd, 1);
    if (stderrFd >= 0) posix_spawn_file_actions_adddup2(&fa, stderrFd, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("posix_spawn " + args[0] + ": " + std::strerror(rc));
    return pid;
}

void sleepSeconds(double s) {
    std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

}  // namespace

const Setup& setup() {
    return g_setup;
}

void initSetup(const char* argv0) {
    g_setup.module = env("MESIGN_FAULT_MODULE");
    g_setup.vcard = env("MESIGN_FAULT_VCARD");
    g_setup.cardDir = env("MESIGN_FAULT_CARD_DIR");
    g_setup.reader = env("MESIGN_TEST_READER");
    g_setup.port = env("MESIGN_VPCD_PORT");
    g_setup.sandboxDir = env("MESIGN_SANDBOX_DIR");
    g_setup.workDir = g_setup.cardDir / "runs";
    fs::create_directories(g_setup.workDir);
    g_setup.self = fs::absolute(argv0).string();
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Bytes readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

// ---- Vcard ----

Vcard::Vcard(const std::string& name)
    : m_state(setup().workDir / (name + ".state")),
      m_control(setup().workDir / (name + ".faults")),
      m_log(setup().workDir / (name + ".log")) {
    fs::copy_file(setup().cardDir / "card.state", m_state, fs::copy_options::overwrite_existing);
    std::ofstream(m_control, std::ios::trunc).flush();
}

Vcard::~Vcard() {
    stop();
}

void Vcard::start() {
    if (m_pid > 0) return;
    const int fd = ::open(m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    m_pid = spawn(
        {setup().vcard, "--port", setup().port, "--fault-control", m_control.string(), m_state.string()}, fd,
        fd);
    ::close(fd);
}

void Vcard::stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
}

void Vcard::kill9() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
}

void Vcard::fault(const std::string& line) {
    std::ofstream out(m_control, std::ios::app);
    out << line << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + m_control.string());
}

std::string Vcard::log() const {
    const Bytes b = readFile(m_log);
    return std::string(b.begin(), b.end());
}

// ---- raw PC/SC ----

namespace pcsc {

namespace {

struct Context {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    ~Context() {
        if (rv == SCARD_S_SUCCESS) SCardReleaseContext(ctx);
    }
};

std::string hexRv(LONG rv) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%lX", static_cast<unsigned long>(rv));
    return b;
}

}  // namespace

bool waitCard(bool present, double seconds) {
    const auto start = Clock::now();
    while (secondsSince(start) < seconds) {
        Context c;
        if (c.rv == SCARD_S_SUCCESS) {
            SCARD_READERSTATE st{};
            st.szReader = setup().reader.c_str();
            st.dwCurrentState = SCARD_STATE_UNAWARE;
            if (SCardGetStatusChange(c.ctx, 0, &st, 1) == SCARD_S_SUCCESS) {
                const bool isPresent = (st.dwEventState & SCARD_STATE_PRESENT) != 0;
                if (isPresent == present) return true;
            }
        }
        sleepSeconds(0.05);
    }
    return false;
}

std::optional<unsigned> eventCounter() {
    Context c;
    if (c.rv != SCARD_S_SUCCESS) return std::nullopt;
    SCARD_READERSTATE st{};
    st.szReader = setup().reader.c_str();
    st.dwCurrentState = SCARD_STATE_UNAWARE;
    if (SCardGetStatusChange(c.ctx, 0, &st, 1) != SCARD_S_SUCCESS) return std::nullopt;
    return unsigned(st.dwEventState >> 16);
}

std::optional<std::pair<int, int>> retries(unsigned char ref, std::string* error) {
    Context c;
    if (c.rv != SCARD_S_SUCCESS) {
        *error = "SCardEstablishContext " + hexRv(c.rv);
        return std::nullopt;
    }
    SCARDHANDLE card = 0;
    DWORD proto = 0;
    LONG rv =
        SCardConnect(c.ctx, setup().reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card, &proto);
    if (rv != SCARD_S_SUCCESS) {
        *error = "SCardConnect " + hexRv(rv);
        return std::nullopt;
    }
    auto transmit = [&](const Bytes& apdu, Bytes& rsp) {
        rsp.assign(300, 0);
        DWORD len = rsp.size();
        LONG r = SCardTransmit(card, SCARD_PCI_T1, apdu.data(), apdu.size(), nullptr, rsp.data(), &len);
        rsp.resize(r == SCARD_S_SUCCESS ? len : 0);
        return r;
    };
    std::optional<std::pair<int, int>> result;
    Bytes rsp;
    const Bytes select = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00};
    const Bytes metadata = {0x00, 0xF7, 0x00, ref, 0x00};
    rv = SCardBeginTransaction(card);
    if (rv != SCARD_S_SUCCESS) {
        *error = "SCardBeginTransaction " + hexRv(rv);
    } else if ((rv = transmit(select, rsp)) != SCARD_S_SUCCESS || rsp.size() < 2 ||
               rsp[rsp.size() - 2] != 0x90) {
        *error = "SELECT PIV failed (" + hexRv(rv) + ")";
    } else if ((rv = transmit(metadata, rsp)) != SCARD_S_SUCCESS || rsp.size() < 2 ||
               rsp[rsp.size() - 2] != 0x90) {
        *error = "GET METADATA failed (" + hexRv(rv) + ")";
    } else {
        // TLV list; tag 06 holds {total tries, tries left}.
        for (std::size_t i = 0; i + 2 <= rsp.size() - 2;) {
            const unsigned tag = rsp[i], len = rsp[i + 1];
            if (i + 2 + len > rsp.size() - 2) break;
            if (tag == 0x06 && len == 2) result = std::make_pair(int(rsp[i + 2]), int(rsp[i + 3]));
            i += 2 + len;
        }
        if (!result) *error = "no tag 06 in the PIN metadata";
    }
    if (rv == SCARD_S_SUCCESS) SCardEndTransaction(card, SCARD_LEAVE_CARD);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    return result;
}

}  // namespace pcsc

// ---- pcscd ----

pid_t pcscdPid() {
    const Bytes b = readFile("/run/pcscd/pcscd.pid");
    std::string s(b.begin(), b.end());
    return static_cast<pid_t>(std::atoi(s.c_str()));
}

bool killPcscd() {
    const pid_t pid = pcscdPid();
    if (pid <= 1 || ::kill(pid, SIGKILL) != 0) return false;
    // Not our child (the sandbox started it): wait until it is gone.
    for (int i = 0; i < 200 && ::kill(pid, 0) == 0; ++i) {
        // A zombie of the sandbox shell still answers kill(0); /proc tells them apart.
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        std::getline(stat, line);
        if (line.find(") Z ") != std::string::npos) break;
        sleepSeconds(0.025);
    }
    // The sandbox shell reaps its child only when the tests end, and a new pcscd takes the zombie for a
    // running daemon ("Another pcscd seems to be running"): remove what a dead daemon leaves behind, as
    // the init system that reaps a crashed pcscd effectively does.
    std::error_code ec;
    fs::remove("/run/pcscd/pcscd.pid", ec);
    fs::remove("/run/pcscd/pcscd.comm", ec);
    return true;
}

bool startPcscd() {
    const pid_t old = pcscdPid();
    const fs::path log = setup().workDir / "pcscd-restarted.log";
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const pid_t pid =
        spawn({"/usr/sbin/pcscd", "-f", "-c", (setup().sandboxDir / "reader.conf.d").string()}, fd, fd);
    ::close(fd);
    // Left running for the rest of the suite; the sandbox's PID namespace ends it.
    for (int i = 0; i < 200; ++i) {
        // The killed daemon left its socket and pid file: ready means our pid in the file, then the socket.
        if (pcscdPid() == pid && pid != old && fs::exists("/run/pcscd/pcscd.comm")) return true;
        sleepSeconds(0.025);
    }
    return false;
}

// ---- Helper ----

Helper::Helper(std::vector<std::string> args) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    args.insert(args.begin(), {setup().self, "--pcsc-helper"});
    m_pid = spawn(args, p[1], -1);
    ::close(p[1]);
    m_out = p[0];
}

Helper::~Helper() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        wait();
    }
    if (m_out >= 0) ::close(m_out);
}

bool Helper::waitFor(const std::string& word, double seconds) {
    const auto start = Clock::now();
    while (m_buffer.find(word) == std::string::npos) {
        const double left = seconds - secondsSince(start);
        if (left <= 0) return false;
        pollfd p{m_out, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
        char buf[256];
        const ssize_t n = ::read(m_out, buf, sizeof buf);
        if (n <= 0) return m_buffer.find(word) != std::string::npos;
        m_buffer.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

int Helper::wait() {
    if (m_pid <= 0) return -1;
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int helperMain(int argc, char** argv) {
    // argv: PROG --pcsc-helper MODE [ARG]; the reader is MESIGN_TEST_READER.
    if (argc < 3) return 2;
    const std::string mode = argv[2];
    const char* reader = std::getenv("MESIGN_TEST_READER");
    if (!reader) return 2;
    SCARDCONTEXT ctx = 0;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS) return 3;
    SCARDHANDLE card = 0;
    DWORD proto = 0;
    LONG rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card, &proto);
    if (rv != SCARD_S_SUCCESS) {
        std::fprintf(stderr, "helper: SCardConnect 0x%lX\n", static_cast<unsigned long>(rv));
        return 4;
    }
    if (mode == "hold" && argc == 4) {
        if ((rv = SCardBeginTransaction(card)) != SCARD_S_SUCCESS) return 5;
        std::printf("held\n");
        std::fflush(stdout);
        sleepSeconds(std::atof(argv[3]));
        SCardEndTransaction(card, SCARD_LEAVE_CARD);
        std::printf("released\n");
    } else if (mode == "reset") {
        if ((rv = SCardReconnect(card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, SCARD_RESET_CARD, &proto)) !=
            SCARD_S_SUCCESS) {
            std::fprintf(stderr, "helper: SCardReconnect 0x%lX\n", static_cast<unsigned long>(rv));
            return 6;
        }
        std::printf("reset\n");
    } else {
        return 2;
    }
    std::fflush(stdout);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    return 0;
}

}  // namespace fault
