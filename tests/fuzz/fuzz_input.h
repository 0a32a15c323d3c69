// Helpers shared by the fuzz targets: a cursor over the fuzzer's bytes and a fatal check that works in
// release builds (a failed invariant must crash so libFuzzer records the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                             \
        }                                                                             \
    } while (0)

namespace fuzz {

using ByteView = std::span<const uint8_t>;

class Input {
public:
    Input(const uint8_t* data, std::size_t size) : m_data(data, size) {}

    bool empty() const { return m_pos >= m_data.size(); }
    uint8_t byte() { return empty() ? 0 : m_data[m_pos++]; }
    ByteView take(std::size_t n) {
        n = std::min(n, m_data.size() - m_pos);
        ByteView v = m_data.subspan(m_pos, n);
        m_pos += n;
        return v;
    }
    ByteView rest() { return take(m_data.size() - m_pos); }
    // A length-prefixed chunk: one length byte, or FF followed by a two-byte big-endian length.
    ByteView chunk() {
        std::size_t n = byte();
        if (n == 0xFF) n = static_cast<std::size_t>(byte()) << 8 | byte();
        return take(n);
    }

private:
    ByteView m_data;
    std::size_t m_pos = 0;
};

}  // namespace fuzz
