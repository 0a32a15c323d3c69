#include "tests/minidriver/wine/winscard_bridge.h"

#include <PCSC/winscard.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <vector>

#include "tests/minidriver/wine/winscard_wire.h"

namespace wirescard {
namespace {

bool readAll(int fd, uint8_t* p, std::size_t n) {
    while (n) {
        const ssize_t r = ::read(fd, p, n);
        if (r <= 0) return false;
        p += r;
        n -= std::size_t(r);
    }
    return true;
}

bool writeAll(int fd, const Buffer& b) {
    std::size_t off = 0;
    while (off < b.size()) {
        const ssize_t r = ::write(fd, b.data() + off, b.size() - off);
        if (r <= 0) return false;
        off += std::size_t(r);
    }
    return true;
}

// One request → the response body. `contexts` tracks what this client established.
Writer handle(Reader& in, std::set<SCARDCONTEXT>& contexts) {
    Writer out;
    switch (in.u8()) {
        case kEstablish: {
            const uint32_t scope = in.u32();
            SCARDCONTEXT ctx = 0;
            const LONG rv = SCardEstablishContext(scope, nullptr, nullptr, &ctx);
            if (rv == SCARD_S_SUCCESS) contexts.insert(ctx);
            return out.u32(uint32_t(rv)).u64(uint64_t(ctx));
        }
        case kRelease: {
            const auto ctx = SCARDCONTEXT(in.u64());
            const LONG rv = SCardReleaseContext(ctx);
            contexts.erase(ctx);
            return out.u32(uint32_t(rv));
        }
        case kListReaders: {
            const auto ctx = SCARDCONTEXT(in.u64());
            DWORD len = 0;
            LONG rv = SCardListReaders(ctx, nullptr, nullptr, &len);
            Buffer multi(rv == SCARD_S_SUCCESS ? len : 0);
            if (rv == SCARD_S_SUCCESS)
                rv = SCardListReaders(ctx, nullptr, reinterpret_cast<char*>(multi.data()), &len);
            multi.resize(rv == SCARD_S_SUCCESS ? len : 0);
            return out.u32(uint32_t(rv)).bytes(multi);
        }
        case kConnect: {
            const auto ctx = SCARDCONTEXT(in.u64());
            const std::string reader = in.str();
            const uint32_t share = in.u32();
            const uint32_t protocols = in.u32();
            SCARDHANDLE card = 0;
            DWORD active = 0;
            const LONG rv = SCardConnect(ctx, reader.c_str(), share, protocols, &card, &active);
            return out.u32(uint32_t(rv)).u64(uint64_t(card)).u32(uint32_t(active));
        }
        case kDisconnect: {
            const auto card = SCARDHANDLE(in.u64());
            return out.u32(uint32_t(SCardDisconnect(card, in.u32())));
        }
        case kBeginTransaction:
            return out.u32(uint32_t(SCardBeginTransaction(SCARDHANDLE(in.u64()))));
        case kEndTransaction: {
            const auto card = SCARDHANDLE(in.u64());
            return out.u32(uint32_t(SCardEndTransaction(card, in.u32())));
        }
        case kStatus: {
            char name[256];
            DWORD nameLen = sizeof name, state = 0, protocol = 0;
            BYTE atr[MAX_ATR_SIZE];
            DWORD atrLen = sizeof atr;
            const LONG rv =
                SCardStatus(SCARDHANDLE(in.u64()), name, &nameLen, &state, &protocol, atr, &atrLen);
            const bool ok = rv == SCARD_S_SUCCESS;
            return out.u32(uint32_t(rv))
                .str(ok && nameLen ? std::string(name, nameLen - 1) : std::string())  // without the NUL
                .u32(uint32_t(state))
                .u32(uint32_t(protocol))
                .bytes(atr, ok ? atrLen : 0);
        }
        case kTransmit: {
            const auto card = SCARDHANDLE(in.u64());
            const uint32_t protocol = in.u32();
            const Buffer command = in.bytes();
            const uint32_t recvMax = in.u32();
            Buffer resp(std::min<uint32_t>(recvMax, MAX_BUFFER_SIZE_EXTENDED));
            DWORD len = DWORD(resp.size());
            const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
            const LONG rv =
                SCardTransmit(card, pci, command.data(), DWORD(command.size()), nullptr, resp.data(), &len);
            resp.resize(rv == SCARD_S_SUCCESS ? len : 0);
            return out.u32(uint32_t(rv)).bytes(resp);
        }
        case kGetStatusChange: {
            const auto ctx = SCARDCONTEXT(in.u64());
            const uint32_t timeout = in.u32();
            const uint32_t count = in.u32();
            if (!in.ok() || count > 16) return out.u32(uint32_t(SCARD_E_INVALID_PARAMETER));
            std::vector<std::string> names(count);
            std::vector<SCARD_READERSTATE> states(count);
            for (uint32_t i = 0; i < count; ++i) {
                names[i] = in.str();
                states[i] = SCARD_READERSTATE{};
                states[i].dwCurrentState = in.u32();
            }
            for (uint32_t i = 0; i < count; ++i) states[i].szReader = names[i].c_str();
            const LONG rv = SCardGetStatusChange(ctx, timeout, states.data(), count);
            out.u32(uint32_t(rv)).u32(count);
            for (const SCARD_READERSTATE& st : states)
                out.u32(uint32_t(st.dwEventState))
                    .bytes(st.rgbAtr, std::min<std::size_t>(st.cbAtr, sizeof st.rgbAtr));
            return out;
        }
        default:
            return out.u32(uint32_t(SCARD_E_INVALID_PARAMETER));
    }
}

}  // namespace

uint16_t Bridge::start() {
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (m_listen < 0 || ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(m_listen, 4) != 0 ||
        ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        m_error = "cannot listen on 127.0.0.1";
        return 0;
    }
    m_thread = std::thread([this] { serve(); });
    return ntohs(addr.sin_port);
}

void Bridge::stop() {
    m_stop = true;
    if (m_listen >= 0) ::shutdown(m_listen, SHUT_RDWR);  // wakes accept()
    if (int c = m_client.load(); c >= 0) ::shutdown(c, SHUT_RDWR);
    if (m_thread.joinable()) m_thread.join();
    if (m_listen >= 0) ::close(m_listen);
    m_listen = -1;
}

void Bridge::serve() {
    while (!m_stop) {
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        m_client = fd;
        serveClient(fd);
        m_client = -1;
        ::close(fd);
    }
}

void Bridge::serveClient(int fd) {
    std::set<SCARDCONTEXT> contexts;
    while (!m_stop) {
        uint8_t hdr[4];
        if (!readAll(fd, hdr, 4)) break;
        const uint32_t n =
            uint32_t(hdr[0]) | uint32_t(hdr[1]) << 8 | uint32_t(hdr[2]) << 16 | uint32_t(hdr[3]) << 24;
        if (n == 0 || n > kMaxFrame) break;
        Buffer body(n);
        if (!readAll(fd, body.data(), n)) break;
        Reader in(body);
        Writer out = handle(in, contexts);
        if (!in.ok()) break;  // truncated request: drop the client
        ++m_requests;
        if (!writeAll(fd, out.frame())) break;
    }
    for (SCARDCONTEXT ctx : contexts) SCardReleaseContext(ctx);
}

}  // namespace wirescard
