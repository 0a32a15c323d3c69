// --apdu-log FILE: one line per APDU the card answered, for counting what a host stack sends
// (bench/apdu-count.sh). Only the instruction byte, lengths and the status word are written — never
// command or response data (PINs, keys, signatures). Lines are appended with one write(2) each, so a
// reader may count them at any time while the card runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/base/bytes.h"

namespace vcardtool {

class ApduLog {
public:
    ApduLog() = default;
    ~ApduLog();
    ApduLog(const ApduLog&) = delete;
    ApduLog& operator=(const ApduLog&) = delete;

    // Opens FILE for appending (created 0644). Returns false with `error` set when it cannot.
    bool open(const std::filesystem::path& file, std::string& error);
    bool enabled() const { return m_fd >= 0; }
    // "ins=A4 cmd=14 rsp=29 sw=9000": INS, command and response lengths in bytes (with SW), SW.
    void record(core::ByteView command, core::ByteView response);

private:
    int m_fd = -1;
};

}  // namespace vcardtool
