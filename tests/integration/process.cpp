#include "tests/integration/process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace itest {

namespace {

using Clock = std::chrono::steady_clock;

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::vector<char*> cStrings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

std::vector<std::string> environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const auto& x : extra) {
        const std::string name = x.substr(0, x.find('=') + 1);
        std::erase_if(env, [&](const std::string& s) { return s.starts_with(name); });
        env.push_back(x);
    }
    return env;
}

// Polls waitpid until the child exits or the deadline passes.
bool waitUntil(pid_t pid, Clock::time_point deadline, int& exitCode) {
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            exitCode = decodeStatus(status);
            return true;
        }
        if (r < 0 && errno != EINTR) {
            exitCode = -1;
            return true;
        }
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace

std::string CommandResult::describe() const {
    std::ostringstream s;
    s << "exit code " << exitCode << (timedOut ? " (timed out)" : "") << "\n--- stdout ---\n"
      << out << "\n--- stderr ---\n"
      << err;
    return s.str();
}

CommandResult runCommand(const std::vector<std::string>& argv, const CommandOptions& options) {
    CommandResult result;
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    if (!options.workDir.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.workDir.c_str());
    auto args = cStrings(argv);
    auto envStrings = environment(options.extraEnv);
    auto env = cStrings(envStrings);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        close(err[0]);
        result.err = "cannot start " + argv[0] + ": " + std::strerror(rc);
        result.exitCode = 127;
        return result;
    }
    // Feed stdin and drain stdout/stderr together so a chatty child cannot deadlock on a full pipe.
    std::size_t written = 0;
    int inFd = in[1];
    if (options.input.empty()) {
        close(inFd);
        inFd = -1;
    } else {
        fcntl(inFd, F_SETFL, O_NONBLOCK);
    }
    const auto deadline = Clock::now() + options.timeout;
    int outFd = out[0], errFd = err[0];
    char buf[65536];
    while (outFd >= 0 || errFd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            result.timedOut = true;
            kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3] = {{outFd, POLLIN, 0}, {errFd, POLLIN, 0}, {inFd, POLLOUT, 0}};
        if (poll(fds, 3, static_cast<int>(left)) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            int& fd = i == 0 ? outFd : errFd;
            if (fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fd, buf, sizeof buf);
            if (n > 0) (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR) {
                close(fd);
                fd = -1;
            }
        }
        if (inFd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(inFd, options.input.data() + written, options.input.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n < 0 || written == options.input.size()) {
                close(inFd);
                inFd = -1;
            }
        }
    }
    for (int fd : {outFd, errFd, inFd})
        if (fd >= 0) close(fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exitCode = decodeStatus(status);
    return result;
}

BackgroundProcess::~BackgroundProcess() {
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        int status = 0;
        waitpid(m_pid, &status, 0);
    }
}

bool BackgroundProcess::start(const std::vector<std::string>& argv, const std::filesystem::path& logFile) {
    if (m_pid > 0) {
        m_error = "already running";
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    auto args = cStrings(argv);
    int rc = posix_spawnp(&m_pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        m_pid = -1;
        m_error = "cannot start " + argv[0] + ": " + std::strerror(rc);
        return false;
    }
    m_exitCode = -1;
    return true;
}

bool BackgroundProcess::running() {
    if (m_pid <= 0) return false;
    int code = -1;
    if (waitUntil(m_pid, Clock::now(), code)) {
        m_pid = -1;
        m_exitCode = code;
        return false;
    }
    return true;
}

int BackgroundProcess::waitExit(std::chrono::milliseconds timeout) {
    if (m_pid <= 0) return m_exitCode;
    int code = -1;
    if (!waitUntil(m_pid, Clock::now() + timeout, code)) return -1;
    m_pid = -1;
    m_exitCode = code;
    return code;
}

int BackgroundProcess::stop(std::chrono::milliseconds grace) {
    if (m_pid <= 0) return m_exitCode;
    kill(m_pid, SIGTERM);
    int code = -1;
    if (!waitUntil(m_pid, Clock::now() + grace, code)) {
        kill(m_pid, SIGKILL);
        waitUntil(m_pid, Clock::now() + std::chrono::seconds(5), code);
    }
    m_pid = -1;
    m_exitCode = code;
    return code;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void writeFile(const std::filesystem::path& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << data;
    if (!f) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace itest
