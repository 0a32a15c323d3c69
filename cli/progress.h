// Progress on stderr for anything slower than a second (key generation, signing on the card, a TSA request,
// a PDF signature, a certificate write): one reusable scope guard for every slow step.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace cli {

// --quiet: no progress at all (errors are still printed).
void setProgressQuiet(bool quiet);

// Silent for steps that end within a second. After a second, prints "MESSAGE…" to stderr: on a terminal the
// line then counts the elapsed seconds ("MESSAGE… 3 s", rewritten in place) and is finished with the total
// when the scope ends; on anything else (a log, a pipe) it is that one line only. A Progress inside another
// one's scope (on any thread) stays silent: the outer step already says what is going on.
class Progress {
  public:
    explicit Progress(std::string message);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

  private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    std::string m_message;
    std::chrono::steady_clock::time_point m_start;
    std::thread m_thread;
};

}  // namespace cli
