// SIGTERM/SIGINT as a readable file descriptor (self-pipe), so every blocking wait of the program
// (socket reads, reconnect back-off) can end promptly and the program can exit 0 with its state saved.
#pragma once

namespace vcardtool {

class StopSignal {
public:
    // Installs the handlers; returns false (errno set) if the pipe or handlers cannot be set up.
    static bool install();
    // Readable once a stop signal has arrived; stays readable.
    static int fd();
    static bool requested();
    // Which signal stopped us (0 if none).
    static int signalNumber();
};

}  // namespace vcardtool
