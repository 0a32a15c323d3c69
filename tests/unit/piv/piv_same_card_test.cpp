// PivApplication::sameCardOn: the identity check of a newly opened spare connection (core/token). It reads
// GET SERIAL and the CHUID without a SELECT, and never vouches for a card it cannot tell apart.
#include <gtest/gtest.h>

#include "card-apps/piv/piv_application.h"
#include "tests/support/scripted_transport.h"

namespace piv::test {
namespace {

using testsupport::FakeTransport;

constexpr const char* kGetSerial = "00 F8 00 00 00";
constexpr const char* kGetChuid = "00 CB 3F FF 05 5C 03 5F C1 02 00";

cardapp::ApplicationIdentity serialOnly(uint32_t serial) {
    cardapp::ApplicationIdentity id;
    id.application = "PIV";
    id.serial = std::to_string(serial);
    id.cardId = {uint8_t(serial >> 24), uint8_t(serial >> 16), uint8_t(serial >> 8), uint8_t(serial)};
    return id;
}

TEST(PivSameCardTest, SameSerialNoChuidIsTheSameCard) {
    FakeTransport fake;
    fake.expect(kGetSerial, "05 E5 84 C2 90 00").expect(kGetChuid, "6A 82");
    EXPECT_TRUE(PivApplication::sameCardOn(fake, serialOnly(0x05E584C2)));
    fake.verify();
}

TEST(PivSameCardTest, OtherSerialIsAnotherCard) {
    FakeTransport fake;
    fake.expect(kGetSerial, "05 E5 84 C3 90 00").expect(kGetChuid, "6A 82");
    EXPECT_FALSE(PivApplication::sameCardOn(fake, serialOnly(0x05E584C2)));
    fake.verify();
}

TEST(PivSameCardTest, AnotherApplicationSelectedIsNotVouchedFor) {
    FakeTransport fake;  // OpenPGP selected: neither instruction is known
    fake.expect(kGetSerial, "6D 00").expect(kGetChuid, "6D 00");
    EXPECT_FALSE(PivApplication::sameCardOn(fake, serialOnly(0x05E584C2)));
    fake.verify();
}

TEST(PivSameCardTest, ACardWithoutIdentityIsNeverTheSame) {
    FakeTransport fake;  // no APDU at all: nothing could prove it
    cardapp::ApplicationIdentity none;
    none.application = "PIV";
    EXPECT_FALSE(PivApplication::sameCardOn(fake, none));
    fake.verify();
}

}  // namespace
}  // namespace piv::test
