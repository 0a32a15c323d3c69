// The loopback protocol between the test-only winscard.dll (Windows side, under Wine) and the Linux
// bridge (winscard_bridge.h) that performs the real pcsc-lite call. Header-only, no platform types.
//
// Every message is a frame: u32 length (little-endian) + body. A request body is one op byte followed by
// its arguments; the response body is the call's LONG result as u32 followed by its outputs. Integers are
// little-endian (u32, u64 for SCARDCONTEXT / SCARDHANDLE), byte strings are u32 length + bytes, reader
// names are byte strings of ASCII without terminator; a multi-string (ListReaders) is one byte string
// holding the NUL-separated names and the final extra NUL.
//
//   op                 request                                   response (after rv)
//   1 Establish        u32 scope                                 u64 context
//   2 Release          u64 context                               -
//   3 ListReaders      u64 context                               bytes multi-string
//   4 Connect          u64 context, bytes reader, u32 share,     u64 handle, u32 active protocol
//                      u32 preferred protocols
//   5 Disconnect       u64 handle, u32 disposition               -
//   6 BeginTransaction u64 handle                                -
//   7 EndTransaction   u64 handle, u32 disposition               -
//   8 Status           u64 handle                                bytes reader, u32 state, u32 protocol,
//                                                                bytes ATR
//   9 Transmit         u64 handle, u32 protocol, bytes command,  bytes response
//                      u32 receive buffer size
//  10 GetStatusChange  u64 context, u32 timeout ms, u32 count,   u32 count, then per reader
//                      then per reader: bytes name,              u32 event state, bytes ATR
//                      u32 current state
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wirescard {

enum Op : uint8_t {
    kEstablish = 1,
    kRelease = 2,
    kListReaders = 3,
    kConnect = 4,
    kDisconnect = 5,
    kBeginTransaction = 6,
    kEndTransaction = 7,
    kStatus = 8,
    kTransmit = 9,
    kGetStatusChange = 10,
};

// Frames larger than this are refused by both sides (an extended APDU is at most ~65 KiB).
inline constexpr uint32_t kMaxFrame = 1u << 20;

using Buffer = std::vector<uint8_t>;

class Writer {
  public:
    Writer& u8(uint8_t v) {
        m_out.push_back(v);
        return *this;
    }
    Writer& u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) m_out.push_back(uint8_t(v >> (8 * i)));
        return *this;
    }
    Writer& u64(uint64_t v) {
        for (int i = 0; i < 8; ++i) m_out.push_back(uint8_t(v >> (8 * i)));
        return *this;
    }
    Writer& bytes(const uint8_t* p, std::size_t n) {
        u32(uint32_t(n));
        m_out.insert(m_out.end(), p, p + n);
        return *this;
    }
    Writer& bytes(const Buffer& b) { return bytes(b.data(), b.size()); }
    Writer& str(const std::string& s) { return bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
    // The body prefixed with its length, ready to send.
    Buffer frame() const {
        Writer f;
        f.u32(uint32_t(m_out.size()));
        Buffer out = f.m_out;
        out.insert(out.end(), m_out.begin(), m_out.end());
        return out;
    }

  private:
    Buffer m_out;
};

// Reads a body; every getter fails (ok() turns false) instead of reading past the end.
class Reader {
  public:
    explicit Reader(const Buffer& b) : m_in(b) {}
    bool ok() const { return m_ok; }
    uint8_t u8() { return take(1) ? m_in[m_pos - 1] : 0; }
    uint32_t u32() {
        if (!take(4)) return 0;
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= uint32_t(m_in[m_pos - 4 + i]) << (8 * i);
        return v;
    }
    uint64_t u64() {
        if (!take(8)) return 0;
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= uint64_t(m_in[m_pos - 8 + i]) << (8 * i);
        return v;
    }
    Buffer bytes() {
        const uint32_t n = u32();
        if (!m_ok || !take(n)) return {};
        return Buffer(m_in.begin() + std::ptrdiff_t(m_pos - n), m_in.begin() + std::ptrdiff_t(m_pos));
    }
    std::string str() {
        const Buffer b = bytes();
        return std::string(b.begin(), b.end());
    }

  private:
    bool take(std::size_t n) {
        if (!m_ok || m_in.size() - m_pos < n) {
            m_ok = false;
            return false;
        }
        m_pos += n;
        return true;
    }
    const Buffer& m_in;
    std::size_t m_pos = 0;
    bool m_ok = true;
};

}  // namespace wirescard
