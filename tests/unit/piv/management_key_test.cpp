#include "card-apps/piv/management_key.h"

#include <gtest/gtest.h>

#include "card-apps/piv/piv_constants.h"
#include "tests/unit/piv/test_keys.h"

namespace piv::test {
namespace {

Bytes plain(const core::SecureBytes& s) {
    return Bytes(s.begin(), s.end());
}

// The values of piv.md §8.5, computed with the default key.
TEST(ManagementKey, DefaultTripleDesKeyMatchesSpecTrace) {
    auto r1 = managementCipher(alg::kTdes, kDefaultManagementKey, h("19 9F A3 74 70 5A 69 EB"), false);
    ASSERT_TRUE(r1) << r1.error().describe();
    EXPECT_EQ(plain(*r1), h("A1 A2 A3 A4 A5 A6 A7 A8"));
    auto proof = managementCipher(alg::kTdes, kDefaultManagementKey, h("11 22 33 44 55 66 77 88"), true);
    ASSERT_TRUE(proof);
    EXPECT_EQ(plain(*proof), h("6C 5E 94 DC AD D3 9F 1D"));
}

TEST(ManagementKey, AesRoundTripsAndSizes) {
    for (uint8_t a : {alg::kAes128, alg::kAes192, alg::kAes256}) {
        const Bytes k(managementKeyLength(a), 0x42);
        const Bytes block(16, 0x17);
        auto enc = managementCipher(a, k, block, true);
        ASSERT_TRUE(enc);
        EXPECT_EQ(enc->size(), 16u);
        auto dec = managementCipher(a, k, view(*enc), false);
        ASSERT_TRUE(dec);
        EXPECT_EQ(plain(*dec), block);
    }
    EXPECT_EQ(managementBlockSize(alg::kTdes), 8u);
    EXPECT_EQ(managementAlgorithmForKeyLength(24), alg::kTdes);
    EXPECT_EQ(managementAlgorithmForKeyLength(16), alg::kAes128);
    EXPECT_EQ(managementAlgorithmForKeyLength(32), alg::kAes256);
}

TEST(ManagementKey, RejectsWrongSizes) {
    EXPECT_EQ(managementCipher(alg::kAes128, Bytes(24, 1), Bytes(16, 0), true).error().code,
              core::Errc::InvalidArgument);
    EXPECT_EQ(managementCipher(alg::kTdes, kDefaultManagementKey, Bytes(16, 0), true).error().code,
              core::Errc::Malformed);
    EXPECT_EQ(managementCipher(0x11, Bytes(24, 1), Bytes(8, 0), true).error().code,
              core::Errc::InvalidArgument);
}

}  // namespace
}  // namespace piv::test
