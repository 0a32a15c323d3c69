#include "vcard/tool/vpcd_connection.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vcardtool {

namespace {

// vpcd writes each APDU in two segments; without NODELAY on our side and QUICKACK re-armed after every
// read, delayed ACKs stall each exchange by ~40 ms. Linux clears QUICKACK on its own, hence "re-arm".
void armQuickAck(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

}  // namespace

core::Result<VpcdConnection> VpcdConnection::open(const std::string& host, uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* list = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list); rc != 0)
        return core::fail(core::Errc::Transport, gai_strerror(rc));
    std::string error = "no address";
    int fd = -1;
    for (addrinfo* ai = list; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            error = std::strerror(errno);
            continue;
        }
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        error = std::strerror(errno);
        ::close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd < 0) return core::fail(core::Errc::Transport, error);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    armQuickAck(fd);
    return VpcdConnection(fd);
}

VpcdConnection::VpcdConnection(VpcdConnection&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_error(std::move(other.m_error)) {}

VpcdConnection& VpcdConnection::operator=(VpcdConnection&& other) noexcept {
    if (this != &other) {
        close();
        m_fd = std::exchange(other.m_fd, -1);
        m_error = std::move(other.m_error);
    }
    return *this;
}

VpcdConnection::~VpcdConnection() { close(); }

void VpcdConnection::close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

VpcdConnection::Received VpcdConnection::readExact(uint8_t* dst, std::size_t n, int stopFd) {
    std::size_t got = 0;
    while (got < n) {
        pollfd fds[2] = {{m_fd, POLLIN, 0}, {stopFd, POLLIN, 0}};
        const nfds_t count = stopFd >= 0 ? 2 : 1;
        if (poll(fds, count, -1) < 0) {
            if (errno == EINTR) continue;
            m_error = std::string("poll: ") + std::strerror(errno);
            return Received::Failed;
        }
        if (count == 2 && fds[1].revents) return Received::Stopped;
        ssize_t r = recv(m_fd, dst + got, n - got, 0);
        if (r == 0) return Received::Closed;
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            if (errno == ECONNRESET) return Received::Closed;
            m_error = std::string("recv: ") + std::strerror(errno);
            return Received::Failed;
        }
        got += static_cast<std::size_t>(r);
        armQuickAck(m_fd);
    }
    return Received::Message;
}

VpcdConnection::Received VpcdConnection::receive(Bytes& payload, int stopFd) {
    uint8_t header[2];
    if (auto r = readExact(header, 2, stopFd); r != Received::Message) return r;
    payload.assign((std::size_t{header[0]} << 8) | header[1], 0);
    if (payload.empty()) return Received::Message;
    return readExact(payload.data(), payload.size(), stopFd);
}

core::Status VpcdConnection::send(ByteView payload) {
    if (payload.empty() || payload.size() > 0xFFFF)
        return core::fail(core::Errc::InvalidArgument, "vpcd reply must be 1..65535 bytes");
    Bytes frame;
    frame.reserve(payload.size() + 2);
    frame.push_back(static_cast<uint8_t>(payload.size() >> 8));
    frame.push_back(static_cast<uint8_t>(payload.size() & 0xFF));
    core::append(frame, payload);
    std::size_t sent = 0;
    while (sent < frame.size()) {
        ssize_t w = ::send(m_fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return core::fail(core::Errc::Transport, std::string("send: ") + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(w);
    }
    return {};
}

}  // namespace vcardtool
