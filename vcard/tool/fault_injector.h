// --fault-control FILE: faults a test switches on at run time while mesign-vcard serves pcscd. The test
// appends lines to FILE; before answering each APDU the card reads the lines added since the last look,
// so a fault written before a client call applies to that call's APDUs.
//
// Line syntax:  FAULT [ARG] [ins=XX] [always]   |   clear   |   # comment
//   drop [MS]      close the vpcd connection instead of answering (card pulled mid-APDU; the APDU is not
//                  executed) and stay off the reader MS ms (default 1000) before inserting the card again
//                  (not with --once). pcscd polls vpcd every 0.4 s, so MS >= 500 is a removal it reports;
//                  a shorter time off (the "glitch", e.g. drop 100) is usually never seen by pcscd.
//   garbage        answer fixed non-ISO bytes (no data, no valid status word) without executing the APDU
//   truncate       execute the APDU, then answer its data cut in the middle (a TLV header that promises
//                  more than follows) with status 9000
//   slow MS        wait MS milliseconds (0-600000), then answer normally
//   sw6f00         answer 6F00 without executing the APDU
//   sw HHHH        answer the status word HHHH (hex) without executing the APDU: a card that lacks a
//                  command (sw 6D00) or refuses it in its own way
//   reset          reset the card as vpcd's control byte 02 does (selection and security status lost),
//                  then execute the APDU on the freshly reset card
// Scope: by default the fault fires once, on the next APDU; "ins=XX" (hex) restricts it to APDUs with
// that instruction byte, and to the last piece of a chained command (CLA without bit 10; a reset takes
// the first piece instead); "always" keeps it armed until "clear" (which disarms every fault).
// Each fault that fires is reported on stderr ("mesign-vcard: fault: drop on INS 2A").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"

namespace vcardtool {

enum class FaultKind { Drop, Garbage, Truncate, Slow, Sw6F00, Sw, Reset };

// How long a "drop" keeps the card off the reader unless the line says otherwise: more than two of
// pcscd's 0.4 s presence polls, so pcscd reports the removal (SCARD_W_REMOVED_CARD, event counter + 1).
constexpr unsigned kDefaultDropAwayMs = 1000;

struct Fault {
    FaultKind kind = FaultKind::Drop;
    unsigned delayMs = 0;        // Slow: answer delay; Drop: time off the reader
    uint16_t sw = 0;             // Sw: the status word to answer
    std::optional<uint8_t> ins;  // fire only on this INS
    bool always = false;         // stay armed after firing
};

// Parses one control line. Returns nullopt for blank/comment lines; sets `clear` for "clear";
// `error` describes a line that is not understood.
struct ParsedFaultLine {
    std::optional<Fault> fault;
    bool clear = false;
    std::string error;
};
ParsedFaultLine parseFaultLine(std::string_view line);

const char* faultName(FaultKind kind);

class FaultInjector {
  public:
    // The file is created empty if it does not exist (so a test may append to it at once).
    bool open(const std::filesystem::path& file, std::string& error);
    bool enabled() const { return !m_file.empty(); }

    // Reads new control lines, then returns the fault that applies to this command APDU (consuming a
    // one-shot fault), or nullopt.
    std::optional<Fault> take(core::ByteView command);
    // The time off the reader of the last "drop" that fired.
    unsigned dropAwayMs() const { return m_dropAwayMs; }

  private:
    void readNewLines();

    std::filesystem::path m_file;
    std::uintmax_t m_offset = 0;
    std::string m_partial;  // a line whose newline has not been written yet
    std::vector<Fault> m_armed;
    unsigned m_dropAwayMs = kDefaultDropAwayMs;
    bool m_inChain = false;  // the previous APDU was a non-final piece of a chained command
};

// The responses used for the non-executing faults and for truncation.
core::Bytes garbageResponse();
core::Bytes truncatedResponse(core::ByteView response);

}  // namespace vcardtool
