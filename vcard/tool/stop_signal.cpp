#include "vcard/tool/stop_signal.h"

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace vcardtool {

namespace {

int g_pipe[2] = {-1, -1};
volatile sig_atomic_t g_signal = 0;

extern "C" void onStopSignal(int sig) {
    g_signal = sig;
    const char byte = 1;
    // Never drained: the read end stays readable so every later wait also ends at once.
    [[maybe_unused]] ssize_t ignored = write(g_pipe[1], &byte, 1);
}

}  // namespace

bool StopSignal::install() {
    if (pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (sigaction(SIGTERM, &sa, nullptr) != 0 || sigaction(SIGINT, &sa, nullptr) != 0) return false;
    // A vanished peer must show up as an error from send(), not kill us.
    signal(SIGPIPE, SIG_IGN);
    return true;
}

int StopSignal::fd() { return g_pipe[0]; }
bool StopSignal::requested() { return g_signal != 0; }
int StopSignal::signalNumber() { return g_signal; }

}  // namespace vcardtool
