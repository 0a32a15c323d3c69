#include "core/base/log.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <set>
#include <string>

#include <sys/time.h>
#include <unistd.h>

namespace core::log {

namespace {

struct State {
    std::mutex mutex;
    bool configured = false;
    bool all = false;
    bool debug = false;
    std::set<std::string, std::less<>> categories;
    std::FILE* file = nullptr;  // owned when not stderr
    std::function<void(std::string_view)> sink;
};

// Leaked on purpose: logging may happen from atexit handlers of a host process (a PKCS#11 module's
// C_Finalize called by NSS at exit), after static destructors have run.
State& state() {
    static State* s = new State();
    return *s;
}

void parseCategories(State& s, std::string_view list) {
    s.all = false;
    s.debug = false;
    s.categories.clear();
    while (!list.empty()) {
        auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        if (item == "all") s.all = true;
        else if (item == "debug") s.debug = true;
        else if (!item.empty()) s.categories.emplace(item);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

void configureLocked(State& s) {
    const char* env = std::getenv("MESIGN_LOG");
    parseCategories(s, env ? env : "");
    if (s.file && s.file != stderr) std::fclose(s.file);
    s.file = stderr;
    if (const char* path = std::getenv("MESIGN_LOG_FILE"); path && *path) {
        if (std::FILE* f = std::fopen(path, "a")) s.file = f;
    }
    s.configured = true;
}

const char* levelName(Level l) {
    switch (l) {
        case Level::Error: return "error";
        case Level::Warn: return "warn";
        case Level::Info: return "info";
        case Level::Debug: return "debug";
    }
    return "?";
}

}  // namespace

void configureFromEnvironment() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    configureLocked(s);
}

void configure(std::string_view categories, std::function<void(std::string_view)> sink) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.configured) configureLocked(s);
    parseCategories(s, categories);
    s.sink = std::move(sink);
}

bool enabled(std::string_view category, Level level) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.configured) configureLocked(s);
    // A library inside a mail client stays silent unless asked: with any category configured,
    // errors and warnings of every category are shown.
    if (level <= Level::Warn) return s.all || !s.categories.empty();
    if (level == Level::Debug && !s.debug) return false;
    return s.all || s.categories.find(category) != s.categories.end();
}

void write(std::string_view category, Level level, std::string_view message) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.configured) configureLocked(s);
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm t{};
    const time_t secs = tv.tv_sec;  // timeval's tv_sec is a 32-bit long on Windows (the minidriver DLL)
    localtime_r(&secs, &t);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03ld", t.tm_hour, t.tm_min, t.tm_sec,
                  static_cast<long>(tv.tv_usec / 1000));
    std::string line = std::string(stamp) + " [" + std::to_string(getpid()) + "] " + std::string(category) +
                       " " + levelName(level) + ": " + std::string(message);
    if (s.sink) {
        s.sink(line);
        return;
    }
    std::FILE* f = s.file ? s.file : stderr;
    std::fprintf(f, "%s\n", line.c_str());
    std::fflush(f);
}

}  // namespace core::log
