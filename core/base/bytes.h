// Byte containers and helpers. SecureBytes holds PINs, keys and other secrets: its storage is wiped
// (OPENSSL_cleanse) whenever the allocator releases it, including on reallocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace core {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Observer so a test can prove that freed secret memory was wiped (called after wiping, before free).
using WipeObserver = void (*)(const void* p, std::size_t n);
void setWipeObserver(WipeObserver obs);
void secureWipe(void* p, std::size_t n);
void notifyWiped(const void* p, std::size_t n);

template <typename T>
struct SecureAllocator {
    using value_type = T;
    SecureAllocator() noexcept = default;
    template <typename U>
    SecureAllocator(const SecureAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept {
        secureWipe(p, n * sizeof(T));
        notifyWiped(p, n * sizeof(T));
        ::operator delete(p);
    }
    template <typename U>
    bool operator==(const SecureAllocator<U>&) const noexcept { return true; }
};

using SecureBytes = std::vector<uint8_t, SecureAllocator<uint8_t>>;

inline ByteView view(const SecureBytes& b) { return {b.data(), b.size()}; }
inline SecureBytes secureCopy(ByteView v) { return SecureBytes(v.begin(), v.end()); }
inline SecureBytes secureFromString(std::string_view s) { return SecureBytes(s.begin(), s.end()); }

std::string toHex(ByteView b, std::string_view sep = "");
// Accepts upper/lower case, ignores spaces and ':'; fails (empty optional-like: returns false) on odd digits.
bool fromHex(std::string_view hex, Bytes& out);
Bytes hexBytes(std::string_view hex);  // for constants and tests: throws std::invalid_argument on bad input

inline void append(Bytes& dst, ByteView src) { dst.insert(dst.end(), src.begin(), src.end()); }
inline bool equalConstantTime(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;
    uint8_t d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<uint8_t>(a[i] ^ b[i]);
    return d == 0;
}

}  // namespace core
