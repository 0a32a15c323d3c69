// Command line of mesign-vcard:
//   mesign-vcard [--host HOST] [--port PORT] [--init piv] [--once] [--ready-fd N] [--apdu-log FILE] [-v]
//                [--fault-control FILE] STATE_FILE
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace vcardtool {

constexpr uint16_t kDefaultVpcdPort = 35963;  // vpcd's default (0x8C7B, Debian's /etc/reader.conf.d/vpcd)

struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = kDefaultVpcdPort;
    std::string initApps;              // "piv": create the card if STATE_FILE does not exist
    std::filesystem::path stateFile;
    bool once = false;                 // exit when the connection drops instead of reconnecting
    int readyFd = -1;                  // write "ready\n" here (then close it) when pcscd first talks to the card
    std::filesystem::path apduLog;     // append one line per APDU (INS, lengths, SW; never data)
    std::filesystem::path faultControl;  // test-driven faults (fault_injector.h)
    bool verbose = false;              // power events and APDU summaries (PINs redacted)
};

enum class Action { Run, Help, Version, Error };

struct ParsedCommandLine {
    Action action = Action::Run;
    Options options;
    std::string error;  // for Action::Error
};

ParsedCommandLine parseCommandLine(int argc, char** argv);
std::string usageText();

}  // namespace vcardtool
