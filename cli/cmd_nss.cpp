// register-nss: adds MeSign's PKCS#11 module to NSS databases (what Thunderbird, Firefox and Chromium use)
// with NSS's own modutil, or removes it (--remove). Idempotent: a database that already lists the module
// with the same library is left alone; one that lists another library for the name is re-registered.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_module.h"

extern char** environ;

namespace cli {

namespace {

const char* kRegisterHelp =
    "usage: mesign-token register-nss [--db sql:DIR]... [--remove] [--name NAME] [--module PATH]\n"
    "Registers the MeSign PKCS#11 module (--module, else the installed or built one) under NAME (default\n"
    "\"MeSign Token\") in each NSS database given with --db, else in every one found: ~/.pki/nssdb and the\n"
    "profiles under ~/.thunderbird and ~/.mozilla/firefox. Uses modutil (libnss3-tools). Close Thunderbird\n"
    "and Firefox first: they keep the database open. --remove deletes the registration instead.\n"
    "Prints one line per database; exit 1 if a database could not be changed or none was found.\n";

struct Run {
    int exitCode = -1;
    std::string output;
};

// Runs PROGRAM with ARGS (no shell), stdout and stderr captured, stdin from /dev/null.
Run runProgram(const std::vector<std::string>& argv) {
    Run r;
    int fds[2];
    if (pipe(fds) != 0) return r;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        r.output = argv[0] + ": cannot run it (install libnss3-tools)";
        return r;
    }
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.output.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return r;
}

// NSS databases of this user: ~/.pki/nssdb and Mozilla profiles (a directory holding cert9.db).
std::vector<std::string> findDatabases() {
    namespace fs = std::filesystem;
    std::vector<std::string> dbs;
    const char* home = std::getenv("HOME");
    if (!home || !*home) return dbs;
    std::error_code ec;
    auto add = [&](const fs::path& dir) {
        if (fs::exists(dir / "cert9.db", ec)) dbs.push_back("sql:" + dir.string());
    };
    add(fs::path(home) / ".pki/nssdb");
    for (const char* root : {".thunderbird", ".mozilla/firefox"}) {
        fs::path base = fs::path(home) / root;
        if (!fs::is_directory(base, ec)) continue;
        std::vector<fs::path> profiles;
        for (const auto& e : fs::directory_iterator(base, ec))
            if (e.is_directory(ec)) profiles.push_back(e.path());
        std::sort(profiles.begin(), profiles.end());
        for (const auto& p : profiles) add(p);
    }
    return dbs;
}

// The library registered under NAME, from `modutil -list` (all modules: "  2. NAME" then "library name: PATH").
// Not `-list NAME`: that exits non-zero as soon as one of the module's slots has no token (an empty reader).
// nullopt: not registered; a database modutil cannot open is reported by the -add/-delete that follows.
std::optional<std::string> registeredLibrary(const std::string& db, const std::string& name) {
    Run r = runProgram({"modutil", "-dbdir", db, "-list"});
    if (r.exitCode != 0) return std::nullopt;
    std::size_t pos = 0;
    while ((pos = r.output.find(". " + name + "\n", pos)) != std::string::npos) {
        std::size_t lineStart = r.output.rfind('\n', pos);
        lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
        std::string number = r.output.substr(lineStart, pos - lineStart);
        pos += name.size() + 3;
        if (number.find_first_not_of(" 0123456789") != std::string::npos) continue;  // not a module heading
        const std::string key = "library name: ";
        auto lib = r.output.find(key, pos);
        if (lib == std::string::npos) return std::string();
        auto end = r.output.find('\n', lib);
        return r.output.substr(lib + key.size(), end == std::string::npos ? std::string::npos : end - lib - key.size());
    }
    return std::nullopt;
}

int registerNss(const Args& argv) {
    // --db may be given several times: collect them before the parser keeps only the last.
    std::vector<std::string> dbs;
    Args rest;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--db" && i + 1 < argv.size()) dbs.push_back(argv[++i]);
        else if (argv[i].starts_with("--db=")) dbs.push_back(argv[i].substr(5));
        else rest.push_back(argv[i]);
    }
    auto args = parseArgs(rest, {{"remove", false}, {"name", true}, {"module", true}, {"db", true}});
    if (!args) return report(args.error());
    if (args->help) return std::fputs(kRegisterHelp, stdout), kExitOk;
    if (!args->positional.empty()) return report(CliError{kExitUsage, "register-nss takes no arguments"});
    if (args->values.count("db")) return report(CliError{kExitUsage, "--db needs a value"});
    const std::string name = args->value("name").value_or("MeSign Token");
    const bool remove = args->has("remove");
    std::error_code ec;
    std::string module = std::filesystem::absolute(pkcs11ModulePath(*args), ec).string();
    if (!remove && !std::filesystem::exists(module, ec))
        return report(CliError{kExitFailed, "the PKCS#11 module " + module + " does not exist (--module PATH)"});
    if (dbs.empty()) dbs = findDatabases();
    if (dbs.empty())
        return report(CliError{kExitFailed, "no NSS database found in ~/.pki/nssdb, ~/.thunderbird or "
                                            "~/.mozilla/firefox (start the program once, or name one with --db)"});
    int failures = 0;
    for (const auto& db : dbs) {
        auto lib = registeredLibrary(db, name);
        Run r;
        if (remove) {
            if (!lib) {
                std::printf("%s: not registered\n", db.c_str());
                continue;
            }
            r = runProgram({"modutil", "-dbdir", db, "-delete", name, "-force"});
            if (r.exitCode == 0) std::printf("%s: removed \"%s\"\n", db.c_str(), name.c_str());
        } else {
            if (lib && *lib == module) {
                std::printf("%s: already registered (%s)\n", db.c_str(), module.c_str());
                continue;
            }
            if (lib) r = runProgram({"modutil", "-dbdir", db, "-delete", name, "-force"});
            if (!lib || r.exitCode == 0) r = runProgram({"modutil", "-dbdir", db, "-add", name, "-libfile", module, "-force"});
            if (r.exitCode == 0) std::printf("%s: registered \"%s\" (%s)\n", db.c_str(), name.c_str(), module.c_str());
        }
        if (r.exitCode != 0) {
            ++failures;
            std::string msg = r.output;
            while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
            std::fprintf(stderr, "mesign-token: %s: modutil failed: %s\n", db.c_str(), msg.c_str());
        }
    }
    return failures ? kExitFailed : kExitOk;
}

}  // namespace

int runRegisterNss(const Args& args) { return registerNss(args); }

}  // namespace cli
