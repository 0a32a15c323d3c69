// vcard create|start|stop|list: named virtual cards (mesign-vcard state files) under
// $XDG_STATE_HOME/mesign/vcards (default ~/.local/state/mesign/vcards), started in the background against a
// vpcd reader (default port 35963, the system's first vpcd slot); pid files under $XDG_RUNTIME_DIR/mesign
// (else the state directory).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_module.h"
#include "cli/progress.h"

namespace cli {

namespace {

namespace fs = std::filesystem;

const char* kVcardHelp =
    "usage: mesign-token vcard create NAME [--type piv|openpgp|piv,openpgp]\n"
    "       mesign-token vcard start NAME [--port 35963]\n"
    "       mesign-token vcard stop NAME\n"
    "       mesign-token vcard list\n"
    "Virtual cards for trying things out (PIN 123456, PUK 12345678, default management key). A started card\n"
    "is inserted into pcscd's vpcd reader (package vsmartcard-vpcd) until it is stopped.\n"
    "--vcard-bin PATH (or $MESIGN_VCARD) names the mesign-vcard program.\n";

fs::path envDir(const char* var, const char* homeRelative) {
    if (const char* v = std::getenv(var); v && *v) return fs::path(v) / "mesign";
    const char* home = std::getenv("HOME");
    return fs::path(home ? home : "/tmp") / homeRelative / "mesign";
}

fs::path cardDir() { return envDir("XDG_STATE_HOME", ".local/state") / "vcards"; }
fs::path pidFile(const std::string& name) {
    const char* run = std::getenv("XDG_RUNTIME_DIR");
    fs::path dir = run && *run ? fs::path(run) / "mesign" : cardDir();
    return dir / ("vcard-" + name + ".pid");
}

CliStatus checkName(const std::string& name) {
    if (name.empty() || name.size() > 64 || name[0] == '.' ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
        return cliFail(kExitUsage, "bad virtual card name '" + name + "' (letters, digits, '-', '_', '.')");
    return {};
}

std::string readText(const fs::path& p) {
    std::ifstream in(p);
    std::string s;
    std::getline(in, s);
    return s;
}

// The pid in the card's pid file when that process is still a mesign-vcard; 0 otherwise.
pid_t runningPid(const std::string& name) {
    pid_t pid = static_cast<pid_t>(std::atol(readText(pidFile(name)).c_str()));
    if (pid <= 0 || ::kill(pid, 0) != 0) return 0;
    std::string cmd = readText("/proc/" + std::to_string(pid) + "/cmdline");
    return cmd.find("mesign-vcard") != std::string::npos ? pid : 0;
}

CliStatus create(const std::string& name, const ParsedArgs& args) {
    std::string type = args.value("type").value_or("piv");
    if (type != "piv" && type != "openpgp" && type != "piv,openpgp")
        return cliFail(kExitUsage, "unknown --type '" + type + "' (piv, openpgp or piv,openpgp)");
    std::error_code ec;
    fs::create_directories(cardDir(), ec);
    fs::path typeFile = cardDir() / (name + ".type");
    if (fs::exists(typeFile)) return cliFail(kExitFailed, "virtual card '" + name + "' already exists");
    std::ofstream(typeFile) << type << "\n";
    if (!fs::exists(typeFile)) return cliFail(kExitFailed, "cannot write " + typeFile.string());
    std::fprintf(stderr, "mesign-token: virtual card '%s' (%s) created; 'vcard start %s' inserts it\n", name.c_str(),
                 type.c_str(), name.c_str());
    return {};
}

CliStatus start(const std::string& name, const ParsedArgs& args) {
    fs::path typeFile = cardDir() / (name + ".type");
    if (!fs::exists(typeFile)) return cliFail(kExitFailed, "no virtual card '" + name + "' (vcard create " + name + ")");
    if (pid_t pid = runningPid(name)) return cliFail(kExitFailed, "'" + name + "' runs already (pid " + std::to_string(pid) + ")");
    std::string port = args.value("port").value_or("35963");
    std::string bin = args.value("vcard-bin").value_or(std::getenv("MESIGN_VCARD") ? std::getenv("MESIGN_VCARD")
                                                                                     : installedOrBuilt("mesign-vcard", MESIGN_VCARD_DEFAULT, MESIGN_VCARD_INSTALLED));
    std::error_code ec;
    fs::create_directories(pidFile(name).parent_path(), ec);
    std::string state = (cardDir() / (name + ".state")).string(), log = (cardDir() / (name + ".log")).string();
    std::string type = readText(typeFile);
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) return cliFail(kExitFailed, std::string("pipe: ") + std::strerror(errno));
    pid_t child = ::fork();
    if (child < 0) return cliFail(kExitFailed, std::string("fork: ") + std::strerror(errno));
    if (child == 0) {
        // In the child: its own session (outlives the terminal), output to the card's log, ready pipe on fd 3.
        ::setsid();
        int logFd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        int nullFd = ::open("/dev/null", O_RDONLY);
        if (logFd < 0 || nullFd < 0) ::_exit(127);
        ::dup2(nullFd, 0);
        ::dup2(logFd, 1);
        ::dup2(logFd, 2);
        if (ready[1] == 3) ::fcntl(3, F_SETFD, 0);  // dup2 onto itself would keep O_CLOEXEC
        else ::dup2(ready[1], 3);
        ::execl(bin.c_str(), bin.c_str(), "--init", type.c_str(), "--port", port.c_str(), "--ready-fd", "3",
                state.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(ready[1]);
    std::ofstream(pidFile(name)) << child << "\n";
    Progress progress("waiting for pcscd to talk to the virtual card");
    pollfd pfd{ready[0], POLLIN, 0};
    char buf[8] = {};
    bool ok = ::poll(&pfd, 1, 10000) == 1 && ::read(ready[0], buf, sizeof buf) > 0;
    ::close(ready[0]);
    if (!ok) {
        ::kill(child, SIGTERM);
        ::waitpid(child, nullptr, 0);
        std::error_code ignored;
        fs::remove(pidFile(name), ignored);
        return cliFail(kExitNoToken, "virtual card '" + name + "' did not connect to a vpcd reader on port " + port +
                                         " (is pcscd running with vsmartcard-vpcd?); see " + log);
    }
    std::fprintf(stderr, "mesign-token: virtual card '%s' inserted (pid %d, vpcd port %s)\n", name.c_str(),
                 static_cast<int>(child), port.c_str());
    return {};
}

CliStatus stop(const std::string& name) {
    pid_t pid = runningPid(name);
    if (!pid) return cliFail(kExitFailed, "virtual card '" + name + "' is not running");
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::error_code ec;
    fs::remove(pidFile(name), ec);
    std::fprintf(stderr, "mesign-token: virtual card '%s' removed from the reader\n", name.c_str());
    return {};
}

void list() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(cardDir(), ec)) {
        if (entry.path().extension() != ".type") continue;
        std::string name = entry.path().stem().string();
        pid_t pid = runningPid(name);
        std::printf("%s\t%s\t%s\n", name.c_str(), readText(entry.path()).c_str(),
                    pid ? ("running (pid " + std::to_string(pid) + ")").c_str() : "stopped");
    }
}

}  // namespace

int runVcard(const Args& argv) {
    auto args = parseArgs(argv, {{"type", true}, {"port", true}, {"vcard-bin", true}});
    if (!args) return report(args.error());
    if (args->help || args->positional.empty()) {
        std::fputs(kVcardHelp, args->help ? stdout : stderr);
        return args->help ? kExitOk : kExitUsage;
    }
    const std::string& action = args->positional[0];
    if (action == "list") {
        list();
        return kExitOk;
    }
    if (args->positional.size() != 2) return report({kExitUsage, "vcard " + action + " needs one NAME"});
    const std::string& name = args->positional[1];
    if (auto s = checkName(name); !s) return report(s.error());
    CliStatus s;
    if (action == "create") s = create(name, *args);
    else if (action == "start") s = start(name, *args);
    else if (action == "stop") s = stop(name);
    else return report({kExitUsage, "unknown vcard action '" + action + "' (create, start, stop, list)"});
    return s ? kExitOk : report(s.error());
}

}  // namespace cli
