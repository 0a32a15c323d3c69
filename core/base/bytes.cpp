#include "core/base/bytes.h"

#ifdef _WIN32
#include <windows.h>  // SecureZeroMemory (the Windows minidriver DLL has no OpenSSL)
#else
#include <openssl/crypto.h>
#endif

#include <atomic>
#include <stdexcept>

namespace core {

namespace {
std::atomic<WipeObserver> g_wipeObserver{nullptr};

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

void setWipeObserver(WipeObserver obs) { g_wipeObserver.store(obs); }

// OPENSSL_cleanse / SecureZeroMemory cannot be optimised away, unlike a plain memset before free.
void secureWipe(void* p, std::size_t n) {
#ifdef _WIN32
    if (p && n) SecureZeroMemory(p, n);
#else
    if (p && n) OPENSSL_cleanse(p, n);
#endif
}

void notifyWiped(const void* p, std::size_t n) {
    if (auto obs = g_wipeObserver.load()) obs(p, n);
}

std::string toHex(ByteView b, std::string_view sep) {
    static const char* digits = "0123456789ABCDEF";
    std::string s;
    s.reserve(b.size() * (2 + sep.size()));
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i && !sep.empty()) s += sep;
        s += digits[b[i] >> 4];
        s += digits[b[i] & 0x0F];
    }
    return s;
}

bool fromHex(std::string_view hex, Bytes& out) {
    out.clear();
    int hi = -1;
    for (char c : hex) {
        if (c == ' ' || c == ':' || c == '\n' || c == '\t') continue;
        int v = hexValue(c);
        if (v < 0) return false;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    return hi < 0;
}

Bytes hexBytes(std::string_view hex) {
    Bytes out;
    if (!fromHex(hex, out)) throw std::invalid_argument("bad hex constant");
    return out;
}

}  // namespace core
