// Which PIV data objects PivApplication::dataObjectsPresent() asks the card about: every public (or
// PIN-protected) object of the table once, except those SP 800-73-4 ties to a feature the card does not
// announce. The scripted transport fails the test on any APDU not listed here, in this order.
#include "card-apps/piv/piv_application.h"

#include <gtest/gtest.h>

#include "card-apps/piv/piv_constants.h"
#include "tests/support/scripted_transport.h"
#include "tests/unit/piv/piv_card_fixture.h"

namespace piv::test {
using testsupport::FakeTransport;
namespace {

// GET DATA with a 1-, 2- or 3-byte tag list and Le 256 (the probe's short answer).
Bytes probe(uint32_t objectTag) {
    // Built byte by byte: GCC 12 at -O2 warns (-Warray-bounds, a known false positive) on vector::insert here.
    const size_t tagLength = objectTag > 0xFFFF ? 3 : objectTag > 0xFF ? 2 : 1;
    Bytes cmd{0x00, 0xCB, 0x3F, 0xFF, uint8_t(2 + tagLength), 0x5C, uint8_t(tagLength)};
    for (size_t i = tagLength; i-- > 0;) cmd.push_back(uint8_t(objectTag >> (8 * i)));
    cmd.push_back(0x00);
    return cmd;
}

std::string discovery(const char* policy) {
    return std::string("7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 ") + policy + " 90 00";
}

// SELECT answer whose APT lists RSA-2048 (07), P-256 (11) and, when asked, cipher suite 2 (27).
std::string selectAnswer(bool secureMessaging) {
    return secureMessaging ? "61 1E 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 AC 0B 80 01 07 80 01 11 80 01 27 06 00 90 00"
                           : "61 1B 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 AC 08 80 01 07 80 01 11 06 00 90 00";
}

class PivDataObjectsTest : public ::testing::Test {
protected:
    void select(bool secureMessaging) {
        fake.expect(kSelectCommand, selectAnswer(secureMessaging).c_str());
        ASSERT_TRUE(app.select());
    }
    // The public objects up to the Discovery Object: all absent but a CHUID.
    void expectPublicHead(const std::string& discoveryAnswer) {
        fake.expect(probe(obj::kCardCapability), "6A 82");
        fake.expect(probe(obj::kChuid), "53 03 30 01 00 90 00");
        fake.expect(probe(obj::kSecurityObject), "6A 82");
        fake.expect(probe(obj::kDiscovery), discoveryAnswer.c_str());
        fake.expect(probe(obj::kKeyHistory), "6A 82");
    }
    void expectVendorObjectsAbsent() {
        for (uint32_t t = 0x5FFF20; t <= 0x5FFF23; ++t) fake.expect(probe(t), "6A 82");
    }
    void TearDown() override { fake.verify(); }

    FakeTransport fake;
    PivApplication app{fake};
};

TEST_F(PivDataObjectsTest, ObjectsOfFeaturesTheCardDoesNotAnnounceAreNotAskedFor) {
    select(false);
    expectPublicHead(discovery("40 00"));  // PIV PIN only: no OCC, no VCI
    expectVendorObjectsAbsent();          // no 7F61 (OCC), no 5FC122 (SM) in between
    auto tags = app.dataObjectsPresent(false);
    ASSERT_TRUE(tags) << tags.error().describe();
    EXPECT_EQ(*tags, (std::vector<uint32_t>{obj::kChuid, obj::kDiscovery}));

    // PIN-protected pass: fingerprints, facial image, printed information, iris; no pairing code (no VCI).
    for (uint32_t t : {obj::kFingerprints, obj::kFacialImage, obj::kPrintedInformation, obj::kIris})
        fake.expect(probe(t), t == obj::kPrintedInformation ? "53 02 01 00 90 00" : "6A 82");
    auto priv = app.dataObjectsPresent(true);
    ASSERT_TRUE(priv) << priv.error().describe();
    EXPECT_EQ(*priv, (std::vector<uint32_t>{obj::kPrintedInformation}));
}

TEST_F(PivDataObjectsTest, AnnouncedFeaturesBringTheirObjects) {
    select(true);
    expectPublicHead(discovery("58 00"));  // OCC (10) and VCI (08)
    fake.expect(probe(obj::kBiometricGroup), "7F 61 03 02 01 01 90 00");
    fake.expect(probe(obj::kSmCertSigner), "6A 82");
    expectVendorObjectsAbsent();
    auto tags = app.dataObjectsPresent(false);
    ASSERT_TRUE(tags) << tags.error().describe();
    EXPECT_EQ(*tags, (std::vector<uint32_t>{obj::kChuid, obj::kDiscovery, obj::kBiometricGroup}));

    for (uint32_t t : {obj::kFingerprints, obj::kFacialImage, obj::kPrintedInformation, obj::kIris})
        fake.expect(probe(t), "6A 82");
    fake.expect(probe(obj::kPairingCode), "53 0C 99 08 31 32 33 34 35 36 37 38 FE 00 90 00");
    auto priv = app.dataObjectsPresent(true);
    ASSERT_TRUE(priv) << priv.error().describe();
    EXPECT_EQ(*priv, (std::vector<uint32_t>{obj::kPairingCode}));
}

TEST_F(PivDataObjectsTest, WithoutADiscoveryObjectNeitherOccNorVciObjectsAreAskedFor) {
    select(false);
    expectPublicHead("6A 82");
    expectVendorObjectsAbsent();
    auto tags = app.dataObjectsPresent(false);
    ASSERT_TRUE(tags) << tags.error().describe();
    EXPECT_EQ(*tags, (std::vector<uint32_t>{obj::kChuid}));
}

TEST_F(PivDataObjectsTest, PinProtectedPassBeforeThePublicOneStillAsksForThePairingCode) {
    // The public list came from the disk cache: the policy is unknown, so the object is asked for.
    select(false);
    for (uint32_t t : {obj::kFingerprints, obj::kFacialImage, obj::kPrintedInformation, obj::kIris})
        fake.expect(probe(t), "69 82");  // PIN not verified: skipped, not an error
    fake.expect(probe(obj::kPairingCode), "69 82");
    auto priv = app.dataObjectsPresent(true);
    ASSERT_TRUE(priv) << priv.error().describe();
    EXPECT_TRUE(priv->empty());
}

}  // namespace
}  // namespace piv::test
