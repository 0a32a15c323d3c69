// Operational messages of mesign-vcard (connected, inserted, removed, errors) always go to stderr with a
// program prefix; power events and APDU summaries are debug lines through MESIGN_LOG("vcard", Debug, ...).
#pragma once

#include <cstdio>
#include <string>

namespace vcardtool {

inline void note(const std::string& message) {
    std::fprintf(stderr, "mesign-vcard: %s\n", message.c_str());
    std::fflush(stderr);
}

}  // namespace vcardtool
