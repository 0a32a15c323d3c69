// mesign-vcard: plugs a virtual card (vcard::openCard) into pcscd through vsmartcard's vpcd driver.
// Connecting to vpcd's port inserts the card; closing the connection removes it.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <poll.h>
#include <unistd.h>

#include "core/base/log.h"
#include "vcard/tool/card_bridge.h"
#include "vcard/tool/options.h"
#include "vcard/tool/stop_signal.h"
#include "vcard/tool/tool_log.h"
#include "vcard/tool/vpcd_connection.h"
#include "vcard/virtual_card.h"

#ifndef MESIGN_VERSION
#define MESIGN_VERSION "unknown"
#endif

namespace vcardtool {
namespace {

using Millis = std::chrono::milliseconds;
constexpr Millis kFirstBackoff{100};
constexpr Millis kMaxBackoff{2000};

// Sleeps, but returns early (false) when a stop signal arrives.
bool sleepUnlessStopped(Millis duration) {
    pollfd p{StopSignal::fd(), POLLIN, 0};
    return poll(&p, 1, static_cast<int>(duration.count())) == 0;
}

void signalReady(int& readyFd) {
    if (readyFd < 0) return;
    static const char kReady[] = "ready\n";
    [[maybe_unused]] ssize_t ignored = write(readyFd, kReady, sizeof kReady - 1);
    close(readyFd);
    readyFd = -1;
}

int run(const Options& opt) {
    auto card = vcard::openCard(opt.stateFile, opt.initApps);
    if (!card) {
        std::string message = "cannot use card state '" + opt.stateFile.string() + "': " + card.error().message;
        std::error_code ec;
        if (opt.initApps.empty() && !std::filesystem::exists(opt.stateFile, ec))
            message += " (--init piv creates a new card)";
        note(message);
        return 2;
    }
    note("loaded " + (*card)->describe());
    ApduLog apduLog;
    if (!opt.apduLog.empty()) {
        std::string error;
        if (!apduLog.open(opt.apduLog, error)) {
            note(error);
            return 2;
        }
    }

    FaultInjector faults;
    if (!opt.faultControl.empty()) {
        std::string error;
        if (!faults.open(opt.faultControl, error)) {
            note(error);
            return 2;
        }
    }

    const std::string where = opt.host + ":" + std::to_string(opt.port);
    int readyFd = opt.readyFd;
    bool everConnected = false;
    bool reportedWaiting = false;
    Millis backoff = kFirstBackoff;
    while (!StopSignal::requested()) {
        auto conn = VpcdConnection::open(opt.host, opt.port);
        if (!conn) {
            // The first attempt decides whether the setup is right at all; later failures are pcscd
            // restarting, which we ride out.
            if (!everConnected) {
                note("cannot connect to vpcd at " + where + ": " + conn.error().message);
                return 2;
            }
            if (!reportedWaiting) note("vpcd at " + where + " unavailable (" + conn.error().message + "); retrying");
            reportedWaiting = true;
            if (!sleepUnlessStopped(backoff)) break;
            backoff = std::min(backoff * 2, kMaxBackoff);
            continue;
        }
        everConnected = true;
        reportedWaiting = false;
        backoff = kFirstBackoff;
        note("connected to vpcd at " + where + "; waiting for pcscd to detect the card");
        SessionEnd end = serveConnection(**card, *conn, StopSignal::fd(), [&] {
            note("card inserted: pcscd is talking to it");
            signalReady(readyFd);
        }, apduLog, faults);
        conn->close();        // the card leaves the reader now, not after the pause below
        (*card)->powerOff();  // removal cuts power: volatile state (PIN verified, selection) is gone
        if (end == SessionEnd::Stopped) break;
        note(end == SessionEnd::Dropped ? "fault: connection dropped mid-APDU: card removed"
                                        : "connection to vpcd closed: card removed");
        if (opt.once) return end == SessionEnd::Failed ? 1 : 0;
        // A dropped card stays out as long as its fault line said (a pull pcscd notices, or a glitch).
        const Millis away = end == SessionEnd::Dropped ? Millis(faults.dropAwayMs()) : backoff;
        if (!sleepUnlessStopped(away)) break;
    }
    note(std::string("stopping on ") + (StopSignal::signalNumber() == SIGINT ? "SIGINT" : "SIGTERM") +
         ": card removed");
    return 0;
}

}  // namespace
}  // namespace vcardtool

int main(int argc, char** argv) {
    using namespace vcardtool;
    ParsedCommandLine cl = parseCommandLine(argc, argv);
    switch (cl.action) {
        case Action::Help:
            std::fputs(usageText().c_str(), stdout);
            return 0;
        case Action::Version:
            std::printf("mesign-vcard %s\n", MESIGN_VERSION);
            return 0;
        case Action::Error:
            std::fprintf(stderr, "mesign-vcard: %s\nTry 'mesign-vcard --help'.\n", cl.error.c_str());
            return 2;
        case Action::Run:
            break;
    }
    if (cl.options.verbose) {
        const char* env = std::getenv("MESIGN_LOG");
        core::log::configure(std::string(env ? env : "") + ",vcard,debug");
    }
    if (!StopSignal::install()) {
        std::perror("mesign-vcard: cannot install signal handlers");
        return 2;
    }
    return run(cl.options);
}
