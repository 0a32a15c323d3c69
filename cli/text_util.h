// Small output helpers: JSON string escaping, UTC times, a "still working" note for slow operations.
#pragma once

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace cli {

std::string jsonString(std::string_view s);  // quoted and escaped
std::string utcTime(std::time_t t);          // "2026-11-28T23:00:00Z"

// Prints "MESSAGE..." to stderr when the operation is still running after a second (card key generation,
// a slow reader); silent for fast operations. Ends with the scope.
class SlowNote {
public:
    explicit SlowNote(std::string message);
    ~SlowNote();
    SlowNote(const SlowNote&) = delete;
    SlowNote& operator=(const SlowNote&) = delete;

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    std::string m_message;
    std::thread m_thread;
};

}  // namespace cli
