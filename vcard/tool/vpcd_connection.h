// One TCP connection from a virtual card to pcscd's vpcd reader driver, speaking vpcd's framing:
// every message is a 2-byte big-endian length followed by the payload, in both directions.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace vcardtool {

using core::ByteView;
using core::Bytes;

class VpcdConnection {
public:
    // Connects to host:port (every address the name resolves to, in order). Errors carry strerror text,
    // e.g. "Connection refused".
    static core::Result<VpcdConnection> open(const std::string& host, uint16_t port);

    VpcdConnection(VpcdConnection&& other) noexcept;
    VpcdConnection& operator=(VpcdConnection&& other) noexcept;
    VpcdConnection(const VpcdConnection&) = delete;
    VpcdConnection& operator=(const VpcdConnection&) = delete;
    ~VpcdConnection();

    enum class Received { Message, Closed, Stopped, Failed };
    // Waits for the next framed message, or until `stopFd` becomes readable (returns Stopped).
    // Closed: vpcd closed the connection (pcscd gone or reader removed). Failed: see lastError().
    Received receive(Bytes& payload, int stopFd);
    core::Status send(ByteView payload);
    const std::string& lastError() const { return m_error; }
    // Closes the connection: vpcd reports the card gone at its next presence poll.
    void close();

private:
    explicit VpcdConnection(int fd) : m_fd(fd) {}
    Received readExact(uint8_t* dst, std::size_t n, int stopFd);

    int m_fd = -1;
    std::string m_error;
};

}  // namespace vcardtool
