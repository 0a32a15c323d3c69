// Child processes for integration tests: run a command to completion with a timeout (capturing stdout,
// stderr and the exit code), or keep one running in the background (mesign-vcard) and stop it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace itest {

struct CommandResult {
    int exitCode = -1;      // exit status; 128+N when killed by signal N
    bool timedOut = false;  // killed by runCommand after the timeout
    std::string out;
    std::string err;
    std::string describe() const;  // for assertion messages: exit code, stdout and stderr
};

struct CommandOptions {
    std::chrono::milliseconds timeout{60'000};
    std::string input;                      // written to stdin (then closed)
    std::filesystem::path workDir;          // empty: the test's current directory
    std::vector<std::string> extraEnv;      // "NAME=value" added to the inherited environment
};

// Runs argv[0] (searched in PATH) and waits for it, killing it (SIGKILL) after the timeout.
CommandResult runCommand(const std::vector<std::string>& argv, const CommandOptions& options = {});

// A background process whose stdout and stderr go to a log file.
class BackgroundProcess {
public:
    BackgroundProcess() = default;
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;
    ~BackgroundProcess();  // stops a still running process (SIGKILL)

    // Returns false (and sets error()) if the program cannot be started.
    bool start(const std::vector<std::string>& argv, const std::filesystem::path& logFile);
    bool running();
    // SIGTERM, then waits up to `grace`; SIGKILL after that. Returns the exit code (128+N for signal N).
    int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
    // Waits for the process to exit on its own; -1 on timeout.
    int waitExit(std::chrono::milliseconds timeout);
    pid_t pid() const { return m_pid; }
    const std::string& error() const { return m_error; }

private:
    pid_t m_pid = -1;
    int m_exitCode = -1;
    std::string m_error;
};

std::string readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, const std::string& data);

}  // namespace itest
