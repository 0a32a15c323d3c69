// The wizard's key choices from the key sizes a token reports, and a module that cannot be loaded or has
// no such token.
#include "core/client/key_caps.h"

#include <gtest/gtest.h>

namespace {

using cardapp::KeyAlgorithm;
using client::KeyGenCapabilities;
using client::KeySizeRange;

TEST(KeyCapsTest, ChoicesFollowTheReportedSizes) {
    KeyGenCapabilities piv{KeySizeRange{1024, 2048}, KeySizeRange{256, 384}};
    EXPECT_EQ(client::enrollAlgorithms(piv),
              (std::vector{KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384}));
    KeyGenCapabilities big{KeySizeRange{2048, 4096}, KeySizeRange{256, 256}};
    EXPECT_EQ(client::enrollAlgorithms(big),
              (std::vector{KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072, KeyAlgorithm::EcP256}));
    KeyGenCapabilities ecOnly{std::nullopt, KeySizeRange{384, 384}};
    EXPECT_EQ(client::enrollAlgorithms(ecOnly), (std::vector{KeyAlgorithm::EcP384}));
    EXPECT_TRUE(client::enrollAlgorithms(KeyGenCapabilities{}).empty());
    KeyGenCapabilities small{KeySizeRange{1024, 1024}, std::nullopt};
    EXPECT_TRUE(client::enrollAlgorithms(small).empty());
}

TEST(KeyCapsTest, MissingModuleIsNotFound) {
    auto caps = client::keyGenCapabilities("/nonexistent/libnothing.so", "1234");
    ASSERT_FALSE(caps);
    EXPECT_EQ(caps.error().code, core::Errc::NotFound);
}

}  // namespace
