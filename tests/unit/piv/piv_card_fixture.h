// Shared fixture: a PivCard over a real apdu::Channel over the scripted FakeTransport.
#pragma once

#include <gtest/gtest.h>

#include "card-apps/piv/piv_card.h"
#include "core/apdu/tlv.h"
#include "tests/support/scripted_transport.h"
#include "tests/unit/piv/test_keys.h"

namespace piv::test {
using testsupport::FakeTransport;

// piv.md §8.1
inline constexpr const char* kSelectCommand = "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00";
inline constexpr const char* kSelectAnswer = "61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 90 00";

class PivCardTest : public ::testing::Test {
  protected:
    void selectCard() {
        fake.expect(kSelectCommand, kSelectAnswer);
        ASSERT_TRUE(card.select());
    }
    void TearDown() override { fake.verify(); }

    FakeTransport fake;
    apdu::Channel channel{fake};
    PivCard card{channel};
};

}  // namespace piv::test
