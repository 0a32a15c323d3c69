// Logging with categories selected at run time by MESIGN_LOG (comma list: apdu,pcsc,piv,vcard,p11,...,
// or "all"; "debug" adds debug level) and written to MESIGN_LOG_FILE or stderr. Callers never pass PINs,
// keys or other secrets: APDUs go through apdu::describeCommand(), which redacts them.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace core::log {

enum class Level { Error, Warn, Info, Debug };

bool enabled(std::string_view category, Level level = Level::Info);
void write(std::string_view category, Level level, std::string_view message);

// Re-read MESIGN_LOG / MESIGN_LOG_FILE (done lazily on first use).
void configureFromEnvironment();
// Tests: set categories explicitly and capture output. Empty sink restores file/stderr output.
void configure(std::string_view categories, std::function<void(std::string_view line)> sink = {});

}  // namespace core::log

#define MESIGN_LOG(cat, lvl, msg)                                                      \
    do {                                                                               \
        if (::core::log::enabled(cat, ::core::log::Level::lvl))                        \
            ::core::log::write(cat, ::core::log::Level::lvl, (msg));                   \
    } while (0)
