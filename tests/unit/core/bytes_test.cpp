#include "core/base/bytes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace core;

namespace {
// Records the freed region's content at the moment the secure allocator releases it.
std::vector<uint8_t> g_seen;
const void* g_watch = nullptr;
void observe(const void* p, std::size_t n) {
    if (p == g_watch) g_seen.assign(static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
}
}  // namespace

TEST(Bytes, HexRoundTrip) {
    Bytes b;
    ASSERT_TRUE(fromHex("00 a4:04 FF", b));
    EXPECT_EQ(b, (Bytes{0x00, 0xA4, 0x04, 0xFF}));
    EXPECT_EQ(toHex(b), "00A404FF");
    EXPECT_EQ(toHex(b, " "), "00 A4 04 FF");
    EXPECT_FALSE(fromHex("ABC", b));
    EXPECT_FALSE(fromHex("zz", b));
    EXPECT_THROW(hexBytes("0"), std::invalid_argument);
}

TEST(Bytes, SecureBytesAreWipedWhenFreed) {
    setWipeObserver(&observe);
    {
        SecureBytes pin = secureFromString("12345678");
        g_watch = pin.data();
    }
    setWipeObserver(nullptr);
    ASSERT_EQ(g_seen.size(), 8u);
    for (uint8_t b : g_seen) EXPECT_EQ(b, 0);
}

TEST(Bytes, SecureBytesWipeOldStorageOnGrowth) {
    setWipeObserver(&observe);
    SecureBytes s = secureFromString("secret");
    g_watch = s.data();
    g_seen.clear();
    s.resize(4096);  // forces reallocation: the old block must be wiped before it is freed
    setWipeObserver(nullptr);
    ASSERT_FALSE(g_seen.empty());
    for (uint8_t b : g_seen) EXPECT_EQ(b, 0);
}

TEST(Bytes, ConstantTimeCompare) {
    Bytes a{1, 2, 3}, b{1, 2, 3}, c{1, 2, 4};
    EXPECT_TRUE(equalConstantTime(a, b));
    EXPECT_FALSE(equalConstantTime(a, c));
    EXPECT_FALSE(equalConstantTime(a, Bytes{1, 2}));
}
