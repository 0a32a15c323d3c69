// Test-only winscard.dll for Wine (loaded instead of Wine's stub with WINEDLLOVERRIDES=winscard=n): each
// SCard* call the minidriver and md_probe.exe make is sent over a loopback TCP socket to the Linux-side
// bridge (winscard_bridge.h), which performs the real pcsc-lite call against the sandbox's virtual card.
// The bridge's port comes from MESIGN_WINSCARD_BRIDGE_PORT; the address is always 127.0.0.1.
// Protocol: winscard_wire.h. Not a product component: it is never installed.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "tests/minidriver/wine/winscard_wire.h"

// Our own declarations: <winscard.h> declares these as imports, which this DLL defines.
typedef ULONG_PTR SCARDCONTEXT;
typedef ULONG_PTR SCARDHANDLE;
struct SCARD_IO_REQUEST {
    DWORD dwProtocol;
    DWORD cbPciLength;
};
struct SCARD_READERSTATEA {
    LPCSTR szReader;
    LPVOID pvUserData;
    DWORD dwCurrentState;
    DWORD dwEventState;
    DWORD cbAtr;
    BYTE rgbAtr[36];
};

namespace {

constexpr LONG kCommError = LONG(0x80100013);         // SCARD_F_COMM_ERROR
constexpr LONG kInsufficient = LONG(0x80100008);      // SCARD_E_INSUFFICIENT_BUFFER
constexpr LONG kInvalidParameter = LONG(0x80100004);  // SCARD_E_INVALID_PARAMETER
constexpr DWORD kAutoAllocate = DWORD(-1);            // SCARD_AUTOALLOCATE: not supported here

std::mutex g_mutex;  // one request/response at a time on the one socket
SOCKET g_socket = INVALID_SOCKET;

bool sendAll(const wirescard::Buffer& b) {
    std::size_t off = 0;
    while (off < b.size()) {
        const int n = send(g_socket, reinterpret_cast<const char*>(b.data() + off), int(b.size() - off), 0);
        if (n <= 0) return false;
        off += std::size_t(n);
    }
    return true;
}

bool recvAll(uint8_t* p, std::size_t len) {
    std::size_t off = 0;
    while (off < len) {
        const int n = recv(g_socket, reinterpret_cast<char*>(p + off), int(len - off), 0);
        if (n <= 0) return false;
        off += std::size_t(n);
    }
    return true;
}

bool connectBridge() {
    if (g_socket != INVALID_SOCKET) return true;
    const char* port = std::getenv("MESIGN_WINSCARD_BRIDGE_PORT");
    if (!port) return false;
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return false;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(u_short(std::atoi(port)));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        closesocket(s);
        return false;
    }
    g_socket = s;
    return true;
}

// Sends one request and returns the response body (rv first); nullopt when the bridge is unreachable.
std::optional<wirescard::Buffer> call(const wirescard::Writer& request) {
    std::lock_guard lock(g_mutex);
    if (!connectBridge() || !sendAll(request.frame())) return std::nullopt;
    uint8_t len[4];
    if (!recvAll(len, 4)) return std::nullopt;
    const uint32_t n =
        uint32_t(len[0]) | uint32_t(len[1]) << 8 | uint32_t(len[2]) << 16 | uint32_t(len[3]) << 24;
    if (n < 4 || n > wirescard::kMaxFrame) return std::nullopt;
    wirescard::Buffer body(n);
    if (!recvAll(body.data(), n)) return std::nullopt;
    return body;
}

// Copies `data` to a caller buffer of *len bytes (null: size query); updates *len.
LONG copyOut(const wirescard::Buffer& data, BYTE* out, DWORD* len) {
    if (!len) return kInvalidParameter;
    if (*len == kAutoAllocate) return kInvalidParameter;
    const DWORD need = DWORD(data.size());
    if (!out) {
        *len = need;
        return 0;
    }
    if (*len < need) {
        *len = need;
        return kInsufficient;
    }
    std::memcpy(out, data.data(), need);
    *len = need;
    return 0;
}

// A reader name as a NUL-terminated string for the caller.
LONG copyName(const std::string& name, LPSTR out, DWORD* len) {
    wirescard::Buffer b(name.begin(), name.end());
    b.push_back(0);
    return copyOut(b, reinterpret_cast<BYTE*>(out), len);
}

}  // namespace

extern "C" {

SCARD_IO_REQUEST g_rgSCardT0Pci = {1, sizeof(SCARD_IO_REQUEST)};
SCARD_IO_REQUEST g_rgSCardT1Pci = {2, sizeof(SCARD_IO_REQUEST)};
SCARD_IO_REQUEST g_rgSCardRawPci = {0x10000, sizeof(SCARD_IO_REQUEST)};

LONG WINAPI SCardEstablishContext(DWORD scope, LPCVOID, LPCVOID, SCARDCONTEXT* ctx) {
    auto r = call(wirescard::Writer().u8(wirescard::kEstablish).u32(scope));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    const LONG rv = LONG(in.u32());
    const uint64_t c = in.u64();
    if (!in.ok()) return kCommError;
    if (rv == 0 && ctx) *ctx = SCARDCONTEXT(c);
    return rv;
}

LONG WINAPI SCardReleaseContext(SCARDCONTEXT ctx) {
    auto r = call(wirescard::Writer().u8(wirescard::kRelease).u64(ctx));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    return LONG(in.u32());
}

LONG WINAPI SCardListReadersA(SCARDCONTEXT ctx, LPCSTR, LPSTR readers, DWORD* len) {
    auto r = call(wirescard::Writer().u8(wirescard::kListReaders).u64(ctx));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    const LONG rv = LONG(in.u32());
    const wirescard::Buffer multi = in.bytes();
    if (!in.ok()) return kCommError;
    if (rv != 0) return rv;
    return copyOut(multi, reinterpret_cast<BYTE*>(readers), len);
}

LONG WINAPI SCardConnectA(SCARDCONTEXT ctx, LPCSTR reader, DWORD share, DWORD protocols, SCARDHANDLE* card,
                          DWORD* active) {
    if (!reader) return kInvalidParameter;
    auto r = call(wirescard::Writer().u8(wirescard::kConnect).u64(ctx).str(reader).u32(share).u32(protocols));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    const LONG rv = LONG(in.u32());
    const uint64_t h = in.u64();
    const uint32_t p = in.u32();
    if (!in.ok()) return kCommError;
    if (rv == 0) {
        if (card) *card = SCARDHANDLE(h);
        if (active) *active = p;
    }
    return rv;
}

LONG WINAPI SCardDisconnect(SCARDHANDLE card, DWORD disposition) {
    auto r = call(wirescard::Writer().u8(wirescard::kDisconnect).u64(card).u32(disposition));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    return LONG(in.u32());
}

LONG WINAPI SCardBeginTransaction(SCARDHANDLE card) {
    auto r = call(wirescard::Writer().u8(wirescard::kBeginTransaction).u64(card));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    return LONG(in.u32());
}

LONG WINAPI SCardEndTransaction(SCARDHANDLE card, DWORD disposition) {
    auto r = call(wirescard::Writer().u8(wirescard::kEndTransaction).u64(card).u32(disposition));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    return LONG(in.u32());
}

LONG WINAPI SCardStatusA(SCARDHANDLE card, LPSTR readerName, DWORD* readerLen, DWORD* state, DWORD* protocol,
                         BYTE* atr, DWORD* atrLen) {
    auto r = call(wirescard::Writer().u8(wirescard::kStatus).u64(card));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    const LONG rv = LONG(in.u32());
    const std::string name = in.str();
    const uint32_t st = in.u32();
    const uint32_t proto = in.u32();
    const wirescard::Buffer atrBytes = in.bytes();
    if (!in.ok()) return kCommError;
    if (rv != 0) return rv;
    if (state) *state = st;
    if (protocol) *protocol = proto;
    if (readerLen) {
        if (LONG c = copyName(name, readerName, readerLen); c != 0) return c;
    }
    if (atrLen) return copyOut(atrBytes, atr, atrLen);
    return 0;
}

LONG WINAPI SCardTransmit(SCARDHANDLE card, const SCARD_IO_REQUEST* sendPci, const BYTE* command,
                          DWORD commandLen, SCARD_IO_REQUEST*, BYTE* response, DWORD* responseLen) {
    if (!sendPci || !command || !responseLen) return kInvalidParameter;
    auto r = call(wirescard::Writer()
                      .u8(wirescard::kTransmit)
                      .u64(card)
                      .u32(sendPci->dwProtocol)
                      .bytes(command, commandLen)
                      .u32(*responseLen));
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    const LONG rv = LONG(in.u32());
    const wirescard::Buffer resp = in.bytes();
    if (!in.ok()) return kCommError;
    if (rv != 0) return rv;
    return copyOut(resp, response, responseLen);
}

LONG WINAPI SCardGetStatusChangeA(SCARDCONTEXT ctx, DWORD timeout, SCARD_READERSTATEA* states, DWORD count) {
    if (count && !states) return kInvalidParameter;
    wirescard::Writer w;
    w.u8(wirescard::kGetStatusChange).u64(ctx).u32(timeout).u32(count);
    for (DWORD i = 0; i < count; ++i)
        w.str(states[i].szReader ? states[i].szReader : "").u32(states[i].dwCurrentState);
    auto r = call(w);
    if (!r) return kCommError;
    wirescard::Reader in(*r);
    const LONG rv = LONG(in.u32());
    if (in.u32() != count) return kCommError;
    for (DWORD i = 0; i < count; ++i) {
        states[i].dwEventState = in.u32();
        const wirescard::Buffer atr = in.bytes();
        states[i].cbAtr = DWORD(std::min(atr.size(), sizeof states[i].rgbAtr));
        std::memcpy(states[i].rgbAtr, atr.data(), states[i].cbAtr);
    }
    if (!in.ok()) return kCommError;
    return rv;
}

}  // extern "C"
