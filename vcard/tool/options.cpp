#include "vcard/tool/options.h"

#include <charconv>
#include <string_view>

namespace vcardtool {

namespace {

bool parseInt(std::string_view text, long min, long max, long& out) {
    long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) return false;
    out = v;
    return true;
}

ParsedCommandLine error(std::string message) {
    ParsedCommandLine r;
    r.action = Action::Error;
    r.error = std::move(message);
    return r;
}

}  // namespace

std::string usageText() {
    return "Usage: mesign-vcard [OPTIONS] STATE_FILE\n"
           "\n"
           "Connects the virtual smart card stored in STATE_FILE to pcscd's vpcd reader driver\n"
           "(vsmartcard) as if it were inserted into that reader. Closing the connection removes\n"
           "the card. If pcscd goes away, mesign-vcard reconnects until stopped (SIGTERM/SIGINT).\n"
           "\n"
           "Options:\n"
           "  --host HOST     vpcd host (default 127.0.0.1)\n"
           "  --port PORT     vpcd port of the reader slot (default 35963, the first slot of\n"
           "                  Debian's /etc/reader.conf.d/vpcd; the second slot is PORT+1)\n"
           "  --init piv      create a new PIV card with default credentials if STATE_FILE\n"
           "                  does not exist (PIN 123456, PUK 12345678, default management key)\n"
           "  --init openpgp  the same with an OpenPGP card (PW1 123456, PW3 12345678);\n"
           "                  --init piv,openpgp carries both (PIV selected after power-up)\n"
           "  --once          exit when the connection drops instead of reconnecting\n"
           "  --ready-fd N    write \"ready\\n\" to file descriptor N and close it when pcscd\n"
           "                  first talks to the card\n"
           "  --apdu-log FILE append one line per APDU answered to FILE: \"ins=A4 cmd=14\n"
           "                  rsp=29 sw=9000\" (instruction, command and response lengths,\n"
           "                  status word; never any data): `wc -l` counts APDUs\n"
           "  --fault-control FILE\n"
           "                  tests only: read fault commands appended to FILE before each APDU\n"
           "                  (drop [MS], garbage, truncate, slow MS, sw6f00, reset; scope ins=XX,\n"
           "                  always; clear): see vcard/README.md\n"
           "  -v, --verbose   log power events and APDU headers (PINs and keys are redacted);\n"
           "                  MESIGN_LOG=vcard,debug does the same\n"
           "  -h, --help      show this help\n"
           "  --version       show the version\n"
           "\n"
           "Exit status: 0 after SIGTERM/SIGINT (or a dropped connection with --once);\n"
           "2 for a bad command line, an unusable STATE_FILE, or when the first connection\n"
           "to vpcd fails.\n";
}

ParsedCommandLine parseCommandLine(int argc, char** argv) {
    ParsedCommandLine r;
    bool positionalOnly = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view value;
        bool hasInlineValue = false;
        if (!positionalOnly && arg.starts_with("--")) {
            if (auto eq = arg.find('='); eq != std::string_view::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                hasInlineValue = true;
            }
        }
        // Fetches the value of an option that takes one ("--port 1" or "--port=1").
        auto takeValue = [&](std::string_view& out) {
            if (hasInlineValue) {
                out = value;
                return true;
            }
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        if (positionalOnly || arg.empty() || arg[0] != '-' || arg == "-") {
            if (!r.options.stateFile.empty()) return error("more than one STATE_FILE given");
            r.options.stateFile = std::string(arg);
            continue;
        }
        if (arg == "--") {
            positionalOnly = true;
        } else if (arg == "-h" || arg == "--help") {
            r.action = Action::Help;
            return r;
        } else if (arg == "--version") {
            r.action = Action::Version;
            return r;
        } else if (arg == "--host") {
            std::string_view v;
            if (!takeValue(v) || v.empty()) return error("--host needs a value");
            r.options.host = std::string(v);
        } else if (arg == "--port") {
            std::string_view v;
            long port = 0;
            if (!takeValue(v)) return error("--port needs a value");
            if (!parseInt(v, 1, 65535, port)) return error("invalid port '" + std::string(v) + "' (1-65535)");
            r.options.port = static_cast<uint16_t>(port);
        } else if (arg == "--init") {
            std::string_view v;
            if (!takeValue(v)) return error("--init needs a value (piv, openpgp or piv,openpgp)");
            if (v != "piv" && v != "openpgp" && v != "piv,openpgp")
                return error("unknown card application '" + std::string(v) +
                             "' for --init (known: piv, openpgp, piv,openpgp)");
            r.options.initApps = std::string(v);
        } else if (arg == "--once") {
            r.options.once = true;
        } else if (arg == "--ready-fd") {
            std::string_view v;
            long fd = 0;
            if (!takeValue(v)) return error("--ready-fd needs a value");
            if (!parseInt(v, 0, 1 << 20, fd)) return error("invalid file descriptor '" + std::string(v) + "'");
            r.options.readyFd = static_cast<int>(fd);
        } else if (arg == "--apdu-log") {
            std::string_view v;
            if (!takeValue(v) || v.empty()) return error("--apdu-log needs a file");
            r.options.apduLog = std::string(v);
        } else if (arg == "--fault-control") {
            std::string_view v;
            if (!takeValue(v) || v.empty()) return error("--fault-control needs a file");
            r.options.faultControl = std::string(v);
        } else if (arg == "-v" || arg == "--verbose") {
            r.options.verbose = true;
        } else {
            return error("unknown option '" + std::string(arg) + "'");
        }
        if (hasInlineValue && (arg == "--once" || arg == "--verbose"))
            return error("option '" + std::string(arg) + "' takes no value");
    }
    if (r.options.stateFile.empty()) return error("missing STATE_FILE");
    return r;
}

}  // namespace vcardtool
