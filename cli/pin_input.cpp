#include "cli/pin_input.h"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cli {

namespace {

// Reads one line byte by byte so that nothing past the newline is consumed (the next secret may follow).
CliResult<core::SecureBytes> readLine(int fd, const std::string& what) {
    core::SecureBytes line;
    line.reserve(64);
    for (;;) {
        char c = 0;
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return cliFail(kExitUsage, "cannot read the " + what + " from file descriptor " +
                                                  std::to_string(fd) + ": " + std::strerror(errno));
        if (n == 0 || c == '\n') break;
        if (line.size() >= 256) return cliFail(kExitUsage, "the " + what + " line is too long");
        line.push_back(static_cast<uint8_t>(c));
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return cliFail(kExitUsage, "no " + what + " on file descriptor " + std::to_string(fd));
    return line;
}

// The terminal state to restore when Ctrl-C (or SIGTERM) ends the program during a prompt.
int g_promptTty = -1;
termios g_savedTermios{};

void restoreAndReraise(int sig) {
    ::tcsetattr(g_promptTty, TCSAFLUSH, &g_savedTermios);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// One prompt on the terminal with echo off; echo is restored even when reading fails or is interrupted.
CliResult<core::SecureBytes> promptOnce(int tty, const std::string& prompt, const std::string& what) {
    termios saved{};
    if (::tcgetattr(tty, &saved) != 0) return cliFail(kExitUsage, "cannot switch off echo on the terminal");
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    g_promptTty = tty;
    g_savedTermios = saved;
    auto oldInt = ::signal(SIGINT, restoreAndReraise);
    auto oldTerm = ::signal(SIGTERM, restoreAndReraise);
    // Echo off before the prompt appears: whatever is typed after it must not be flushed or shown.
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
    (void)!::write(tty, prompt.data(), prompt.size());
    auto line = readLine(tty, what);
    ::tcsetattr(tty, TCSAFLUSH, &saved);
    ::signal(SIGINT, oldInt);
    ::signal(SIGTERM, oldTerm);
    return line;
}

}  // namespace

CliResult<SecretSource> secretSource(const ParsedArgs& args, const std::string& name) {
    SecretSource src;
    auto fd = args.fd(name + "-fd");
    if (!fd) return std::unexpected(fd.error());
    src.fd = *fd;
    src.value = args.value(name + "-value");
    if (src.fd && src.value) return cliFail(kExitUsage, "give either --" + name + "-fd or --" + name + "-value");
    return src;
}

CliResult<core::SecureBytes> readSecret(const SecretSource& src, const std::string& prompt, bool confirm) {
    std::string what = prompt;
    if (src.value) {
        if (src.value->empty()) return cliFail(kExitUsage, "empty " + what);
        return core::secureFromString(*src.value);
    }
    if (src.fd) return readLine(*src.fd, what);
    int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0)
        return cliFail(kExitUsage, "no terminal to ask for the " + what +
                                       " (give it on a file descriptor, e.g. --pin-fd 3 3<pinfile)");
    auto first = promptOnce(tty, prompt + ": ", what);
    if (first && confirm) {
        auto again = promptOnce(tty, "Repeat the " + prompt + ": ", what);
        if (!again) first = std::move(again);
        else if (!core::equalConstantTime(core::view(*first), core::view(*again)))
            first = cliFail(kExitUsage, "the two entries of the " + what + " differ");
    }
    ::close(tty);
    return first;
}

}  // namespace cli
