#include "core/apdu/atr.h"

#include <gtest/gtest.h>

using apdu::atrExtendedLength;
using apdu::atrHistoricalBytes;
using core::hexBytes;

namespace {
const char* kYubiKey5 = "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40";
const char* kMeSignVcard = "3B 88 80 01 4D 65 53 69 67 6E 50 56 6D";  // TCK: whatever, it is not parsed
}  // namespace

TEST(Atr, HistoricalBytesFollowTheInterfaceBytes) {
    auto yk = atrHistoricalBytes(hexBytes(kYubiKey5));
    ASSERT_TRUE(yk);
    EXPECT_EQ(core::toHex(*yk), core::toHex(hexBytes("80 73 C0 21 C0 57 59 75 62 69 4B 65 79")));
    auto ours = atrHistoricalBytes(hexBytes(kMeSignVcard));
    ASSERT_TRUE(ours);
    EXPECT_EQ(*ours, (core::Bytes{'M', 'e', 'S', 'i', 'g', 'n', 'P', 'V'}));
}

TEST(Atr, TruncatedAtrHasNoHistoricalBytes) {
    EXPECT_FALSE(atrHistoricalBytes(hexBytes("3B")));
    EXPECT_FALSE(atrHistoricalBytes(hexBytes("3B 88 80")));              // TD2 announced, missing
    EXPECT_FALSE(atrHistoricalBytes(hexBytes("3B 88 80 01 4D 65 53")));  // 8 historical bytes announced
}

TEST(Atr, YubiKeyAnnouncesExtendedLength) {
    EXPECT_EQ(atrExtendedLength(hexBytes(kYubiKey5)), std::optional<bool>(true));
}

TEST(Atr, ProprietaryHistoricalBytesSayNothing) {
    EXPECT_EQ(atrExtendedLength(hexBytes(kMeSignVcard)), std::nullopt);
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 80 80 01 01")), std::nullopt);  // no historical bytes
}

TEST(Atr, CardCapabilitiesWithoutB7SayNo) {
    // T0 = 0K: no interface bytes, K historical bytes. 72: capabilities without a third byte -> silent;
    // 73 .. .. 80: third byte with b8 (chaining) only -> no extended length; .. 40: b7 -> yes.
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 04 80 72 C0 21")), std::nullopt);
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 05 80 73 C0 21 80")), std::optional<bool>(false));
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 05 80 73 00 00 40")), std::optional<bool>(true));
}

TEST(Atr, CategoryZeroKeepsItsStatusIndicatorOutOfTheTlv) {
    // 00, then 31 C0 (service data), 73 00 00 40, then the status indicator 00 90 00 (not TLV).
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 0A 00 31 C0 73 00 00 40 00 90 00")), std::optional<bool>(true));
    // Only the status indicator: nothing to say.
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 04 00 00 90 00")), std::nullopt);
}

TEST(Atr, MalformedCompactTlvIsBelievedInNothing) {
    // 75 announces five bytes where only three follow: no answer rather than a guess.
    EXPECT_EQ(atrExtendedLength(hexBytes("3B 05 80 75 00 00 40")), std::nullopt);
}
