#include "card-apps/piv/piv_constants.h"

#include <gtest/gtest.h>

namespace piv {
namespace {

using cardapp::KeyAlgorithm;

static_assert(certificateObjectFor(0x9A) == 0x5FC105);
static_assert(certificateObjectFor(0x9C) == 0x5FC10A);
static_assert(certificateObjectFor(0x9D) == 0x5FC10B);
static_assert(certificateObjectFor(0x9E) == 0x5FC101);
static_assert(certificateObjectFor(0xF9) == 0x5FFF01);
static_assert(!certificateObjectFor(0x9B));
static_assert(algorithmId(KeyAlgorithm::Rsa2048) == 0x07 && algorithmId(KeyAlgorithm::EcP384) == 0x14);

TEST(PivConstants, RetiredSlotsMapToConsecutiveObjects) {
    for (uint8_t n = 0; n < 20; ++n) {
        const uint8_t ref = static_cast<uint8_t>(0x82 + n);
        EXPECT_EQ(certificateObjectFor(ref), 0x5FC10Du + n);
        ASSERT_NE(findSlot(ref), nullptr);
        EXPECT_EQ(std::string(findSlot(ref)->label), "RETIRED KEY " + std::to_string(n + 1));
    }
}

TEST(PivConstants, DefaultPinPolicies) {
    EXPECT_EQ(findSlot(0x9C)->pinPolicy, cardapp::PinPolicy::Always);
    EXPECT_EQ(findSlot(0x9E)->pinPolicy, cardapp::PinPolicy::Never);
    EXPECT_EQ(findSlot(0x9A)->pinPolicy, cardapp::PinPolicy::Once);
    EXPECT_EQ(findSlot(0x95)->pinPolicy, cardapp::PinPolicy::Once);
    EXPECT_EQ(pinPolicyFrom(0x9A, PinPolicyByte::Always), cardapp::PinPolicy::Always);
    EXPECT_EQ(pinPolicyFrom(0x9C, PinPolicyByte::Default), cardapp::PinPolicy::Always);
}

TEST(PivConstants, UsageFollowsSlotAndAlgorithm) {
    EXPECT_EQ(keyUsageFor(0x9A, KeyAlgorithm::Rsa2048), unsigned(cardapp::kUsageSign));
    EXPECT_EQ(keyUsageFor(0x9D, KeyAlgorithm::Rsa2048), unsigned(cardapp::kUsageDecrypt));
    EXPECT_EQ(keyUsageFor(0x9D, KeyAlgorithm::EcP256), unsigned(cardapp::kUsageDerive));
    EXPECT_EQ(keyUsageFor(0x82, KeyAlgorithm::EcP384), unsigned(cardapp::kUsageDerive));
    EXPECT_EQ(keyUsageFor(0x9E, KeyAlgorithm::EcP256), unsigned(cardapp::kUsageSign));
}

TEST(KeyAlgorithmFunctions, NamesAndSizes) {
    EXPECT_STREQ(cardapp::keyAlgorithmName(KeyAlgorithm::Rsa2048), "RSA-2048");
    EXPECT_STREQ(cardapp::keyAlgorithmName(KeyAlgorithm::EcP256), "EC P-256");
    EXPECT_EQ(cardapp::rsaModulusBytes(KeyAlgorithm::Rsa4096), 512u);
    EXPECT_EQ(cardapp::rsaModulusBytes(KeyAlgorithm::EcP384), 0u);
    EXPECT_TRUE(cardapp::isRsa(KeyAlgorithm::Rsa1024));
    EXPECT_TRUE(cardapp::isEc(KeyAlgorithm::EcP384));
    EXPECT_FALSE(cardapp::isEc(KeyAlgorithm::Ed25519));
}

}  // namespace
}  // namespace piv
