#include "cli/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace cli {

namespace {
std::atomic<bool> g_quiet{false};
// Steps inside a step (the card's signature inside a PDF signature) leave the line to the outer one.
std::atomic<int> g_depth{0};
}  // namespace

void setProgressQuiet(bool quiet) {
    g_quiet = quiet;
}

Progress::Progress(std::string message)
    : m_message(std::move(message)), m_start(std::chrono::steady_clock::now()) {
    if (g_depth.fetch_add(1) > 0 || g_quiet) return;
    m_thread = std::thread([this] { run(); });
}

void Progress::run() {
    using namespace std::chrono;
    std::unique_lock lock(m_mutex);
    if (m_cv.wait_for(lock, seconds(1), [this] { return m_done; })) return;
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    if (!tty) {
        std::fprintf(stderr, "mesign-token: %s…\n", m_message.c_str());
        return;
    }
    auto elapsed = [this] { return duration_cast<seconds>(steady_clock::now() - m_start).count(); };
    // "\r" + erase-line: the same line is rewritten with the seconds so far.
    for (;;) {
        std::fprintf(stderr, "\r\033[Kmesign-token: %s… %lld s", m_message.c_str(),
                     static_cast<long long>(elapsed()));
        std::fflush(stderr);
        if (m_cv.wait_for(lock, seconds(1), [this] { return m_done; })) break;
    }
    const double total = duration_cast<milliseconds>(steady_clock::now() - m_start).count() / 1000.0;
    std::fprintf(stderr, "\r\033[Kmesign-token: %s… done (%.1f s)\n", m_message.c_str(), total);
}

Progress::~Progress() {
    g_depth.fetch_sub(1);
    if (!m_thread.joinable()) return;
    {
        std::lock_guard lock(m_mutex);
        m_done = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

}  // namespace cli
