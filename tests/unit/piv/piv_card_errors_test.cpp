// Status words, missing objects, local argument checks and malformed card answers.
#include "tests/unit/piv/piv_card_fixture.h"

namespace piv::test {
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;

TEST_F(PivCardTest, WrongPinReportsRetries) {
    selectCard();
    fake.expect("00 20 00 80 08 31 31 31 31 31 31 FF FF", "63 C2");
    auto st = card.verifyPin(h("31 31 31 31 31 31"));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::PinIncorrect);
    EXPECT_EQ(st.error().retries, 2);
}

TEST_F(PivCardTest, BlockedPin) {
    selectCard();
    fake.expect("00 20 00 80 08 31 32 33 34 35 36 FF FF", "69 83");
    EXPECT_EQ(card.verifyPin(h("31 32 33 34 35 36")).error().code, Errc::AuthBlocked);
    fake.expect("00 20 00 80", "69 83");
    auto st = card.pinStatus();
    ASSERT_TRUE(st);
    EXPECT_TRUE(st->blocked());
    EXPECT_FALSE(st->verified);
}

TEST_F(PivCardTest, BadPinFormatIsRejectedWithoutApdu) {
    selectCard();
    const std::size_t before = fake.exchanged();
    EXPECT_EQ(card.verifyPin(h("31 32 33 34 35")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.verifyPin(h("31 32 33 34 35 36 37 38 39")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.verifyPin(h("31 32 33 34 35 FF")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.changePin(h("31 32 33 34 35 36"), h("31 32")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.unblockPin(h("31 32 33"), h("31 32 33 34 35 36")).error().code, Errc::InvalidArgument);
    EXPECT_EQ(fake.exchanged(), before);
}

TEST_F(PivCardTest, PinStatusWhenVerifiedUsesMetadata) {
    selectCard();
    fake.expect("00 20 00 80", "90 00");
    fake.expect("00 F7 00 80 00", "01 01 FF 05 01 00 06 02 05 04 90 00");
    auto st = card.pinStatus();
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_TRUE(st->verified);
    EXPECT_EQ(st->retriesLeft, 4);
    EXPECT_EQ(st->maxRetries, 5);
}

TEST_F(PivCardTest, PinStatusWhenVerifiedWithoutMetadataRemembersLastCount) {
    selectCard();
    fake.expect("00 20 00 80", "63 C3");
    ASSERT_EQ(card.pinStatus()->retriesLeft, 3);
    fake.expect("00 20 00 80", "90 00");
    fake.expect("00 F7 00 80 00", "6D 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 F7 00 80 00", "6D 00");
    auto st = card.pinStatus();
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_TRUE(st->verified);
    EXPECT_EQ(st->retriesLeft, 3);
    fake.expect("00 20 00 80", "90 00");  // GET METADATA is not asked again
    EXPECT_TRUE(card.pinStatus()->verified);
}

TEST_F(PivCardTest, PukStatusComesFromMetadataOnly) {
    selectCard();
    fake.expect("00 F7 00 81 00", "01 01 FF 05 01 01 06 02 03 01 90 00");
    auto st = card.pinStatus(key::kPuk);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->retriesLeft, 1);
    EXPECT_EQ(st->maxRetries, 3);
}

TEST_F(PivCardTest, ChangeUnblockAndLogout) {
    selectCard();
    fake.expect("00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 30 FF", "90 00");
    EXPECT_TRUE(card.changePin(h("31 32 33 34 35 36"), h("36 35 34 33 32 31 30")));
    fake.expect("00 24 00 81 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31", "63 C1");
    auto puk = card.changePuk(h("31 32 33 34 35 36 37 38"), h("38 37 36 35 34 33 32 31"));
    EXPECT_EQ(puk.error().code, Errc::PinIncorrect);
    EXPECT_EQ(puk.error().retries, 1);
    fake.expect("00 2C 00 80 10 31 32 33 34 35 36 37 38 31 32 33 34 35 36 FF FF", "90 00");
    EXPECT_TRUE(card.unblockPin(h("31 32 33 34 35 36 37 38"), h("31 32 33 34 35 36")));
    fake.expect("00 20 FF 80", "90 00");
    EXPECT_TRUE(card.logout());
}

TEST_F(PivCardTest, LogoutOnOldFirmwareSelectsAnotherApplication) {
    selectCard();
    fake.expect("00 20 FF 80", "6A 86");
    fake.expect("00 A4 04 00 08 A0 00 00 05 27 20 01 01 00", "90 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    EXPECT_TRUE(card.logout());
}

TEST_F(PivCardTest, MissingObjectsAreAbsentNotErrors) {
    selectCard();
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 05 00", "6A 82");
    auto cert = card.readCertificate(0x9A);
    ASSERT_TRUE(cert) << cert.error().describe();
    EXPECT_FALSE(*cert);
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 02 00", "6A 82");
    auto chuid = card.readChuid();
    ASSERT_TRUE(chuid);
    EXPECT_FALSE(*chuid);
    fake.expect("00 CB 3F FF 03 5C 01 7E 00", "6A 82");
    auto disc = card.readDiscovery();
    ASSERT_TRUE(disc);
    EXPECT_FALSE(*disc);
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 0A 00", "53 00 90 00");  // created but empty
    auto empty = card.readCertificate(0x9C);
    ASSERT_TRUE(empty);
    EXPECT_FALSE(*empty);
}

TEST_F(PivCardTest, GzipCertificateIsInflated) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes der = selfSignedCertificate(key.get(), "gzip test");
    auto content = encodeCertificateContainer(der, true);
    ASSERT_TRUE(content);
    fake.expectChunked(h("00 CB 3F FF 05 5C 03 5F C1 0B 00"), apdu::encodeTlv(0x53, *content));
    auto cert = card.readCertificate(0x9D);
    ASSERT_TRUE(cert) << cert.error().describe();
    ASSERT_TRUE(*cert);
    EXPECT_EQ(**cert, der);
}

TEST_F(PivCardTest, ReadsDiscoveryAndKeyHistory) {
    selectCard();
    fake.expect("00 CB 3F FF 03 5C 01 7E 00",
                "7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00 90 00");
    auto d = card.readDiscovery();
    ASSERT_TRUE(d && *d);
    EXPECT_EQ((*d)->pinPolicy1, 0x40);
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 0C 00", "53 08 C1 01 01 C2 01 00 FE 00 90 00");
    auto kh = card.readKeyHistory();
    ASSERT_TRUE(kh && *kh);
    EXPECT_EQ((*kh)->keysWithOnCardCerts, 1);
}

TEST_F(PivCardTest, PutDiscoveryIsABareTemplate) {
    selectCard();
    fake.expect("00 DB 3F FF 14 7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00", "90 00");
    EXPECT_TRUE(card.putData(obj::kDiscovery, h("4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00")));
    fake.expect("00 DB 3F FF 07 5C 03 5F C1 05 53 00", "69 82");
    EXPECT_EQ(card.deleteCertificate(0x9A).error().code, Errc::SecurityNotSatisfied);
}

TEST_F(PivCardTest, VendorExtensionsAbsentAreNotSupportedAndAskedOnce) {
    selectCard();
    fake.expect("00 F8 00 00 00", "6D 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 F8 00 00 00", "6D 00");
    EXPECT_EQ(card.getSerial().error().code, Errc::NotSupported);
    EXPECT_EQ(card.getSerial().error().code, Errc::NotSupported);  // cached: no APDU
    EXPECT_FALSE(card.takeSelectionLost());
    fake.expect("00 FD 00 00 00", "6A 81");  // "function not supported": no re-select needed
    EXPECT_EQ(card.getVersion().error().code, Errc::NotSupported);
    EXPECT_EQ(card.getVersion().error().code, Errc::NotSupported);
    EXPECT_FALSE(card.vendorSupported(ins::kGetVersion));
    EXPECT_TRUE(card.vendorSupported(ins::kGetMetadata));
}

TEST_F(PivCardTest, YubicoVersionSerialMetadata) {
    selectCard();
    fake.expect("00 FD 00 00 00", "05 07 01 90 00");
    auto v = card.getVersion();
    ASSERT_TRUE(v);
    EXPECT_EQ(v->major, 5);
    EXPECT_EQ(v->minor, 7);
    fake.expect("00 F8 00 00 00", "00 BC 61 4E 90 00");
    EXPECT_EQ(*card.getSerial(), 12345678u);
    fake.expect("00 F7 00 9D 00", "6A 88");
    EXPECT_EQ(card.getMetadata(0x9D).error().code, Errc::NotFound);
    EXPECT_TRUE(card.vendorSupported(ins::kGetMetadata));
    fake.expect("00 F8 00 00 00", "00 BC 90 00");
    EXPECT_EQ(card.getSerial().error().code, Errc::Malformed);
}

TEST_F(PivCardTest, DeselectedCardIsReselectedOn6D00) {
    selectCard();
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 05 00", "6D 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 05 00", "6A 82");
    auto cert = card.readCertificate(0x9A);
    ASSERT_TRUE(cert) << cert.error().describe();
    EXPECT_TRUE(card.takeSelectionLost());
    EXPECT_FALSE(card.takeSelectionLost());
}

TEST_F(PivCardTest, MalformedAnswersAreMalformedNotCrashes) {
    selectCard();
    // Truncated 7F49 (the card claims 0x43 bytes and sends 10).
    fake.expect("00 47 00 9A 05 AC 03 80 01 11 00", "7F 49 43 86 41 04 01 02 03 04 05 06 07 90 00");
    EXPECT_EQ(card.generateKey(0x9A, KeyAlgorithm::EcP256).error().code, Errc::Malformed);
    // 7F49 with a point that is not on the curve.
    fake.expect("00 47 00 9A 05 AC 03 80 01 11 00",
                cat({h("7F 49 43 86 41 04"), Bytes(64, 0x01), h("90 00")}));
    EXPECT_EQ(card.generateKey(0x9A, KeyAlgorithm::EcP256).error().code, Errc::Malformed);
    // Not a 7F49 at all.
    fake.expect("00 47 00 9A 05 AC 03 80 01 11 00", "30 03 02 01 01 90 00");
    EXPECT_EQ(card.generateKey(0x9A, KeyAlgorithm::EcP256).error().code, Errc::Malformed);
    // Bad TLV inside 53.
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 05 00", "53 82 05 70 90 00");
    EXPECT_EQ(card.readCertificate(0x9A).error().code, Errc::Malformed);
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 05 00", "53 04 71 01 00 FE 90 00");
    EXPECT_EQ(card.readCertificate(0x9A).error().code, Errc::Malformed);
    // Wrong outer tag instead of 7C, and a 7C without 82.
    const Bytes hash(32, 0x42);
    const Bytes ga = cat({h("00 87 11 9A 26 7C 24 82 00 81 20"), hash, h("00")});
    fake.expect(ga, "7D 04 82 02 01 02 90 00");
    EXPECT_EQ(card.sign(0x9A, KeyAlgorithm::EcP256, hash).error().code, Errc::Malformed);
    fake.expect(ga, "7C 04 80 02 01 02 90 00");
    EXPECT_EQ(card.sign(0x9A, KeyAlgorithm::EcP256, hash).error().code, Errc::Malformed);
    fake.expect(ga, "7C 08 82 10 01 02 90 00");
    EXPECT_EQ(card.sign(0x9A, KeyAlgorithm::EcP256, hash).error().code, Errc::Malformed);
    // Witness of the wrong size, and no 7C at all.
    fake.expect("00 87 03 9B 04 7C 02 80 00", "7C 06 80 04 01 02 03 04 90 00");
    EXPECT_EQ(card.authenticateManagementKey(Bytes(24, 1), alg::kTdes).error().code, Errc::Malformed);
    fake.expect("00 87 03 9B 04 7C 02 80 00", "90 00");
    EXPECT_EQ(card.authenticateManagementKey(Bytes(24, 1), alg::kTdes).error().code, Errc::Malformed);
    // SELECT answer that is not a 61 template.
    fake.expect(kSelectCommand, "4F 06 00 00 10 00 01 00 90 00");
    EXPECT_EQ(card.select().error().code, Errc::Malformed);
}

TEST_F(PivCardTest, InvalidArgumentsSendNothing) {
    selectCard();
    const std::size_t before = fake.exchanged();
    EXPECT_EQ(card.sign(0x9A, KeyAlgorithm::Rsa2048, Bytes(255, 1)).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.decipher(0x9D, KeyAlgorithm::EcP256, Bytes(32, 1)).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.deriveEcdh(0x9D, KeyAlgorithm::EcP256, Bytes(64, 4)).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.sign(0x9B, KeyAlgorithm::EcP256, Bytes(32, 1)).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.readCertificate(0x80).error().code, Errc::InvalidArgument);
    EXPECT_EQ(card.authenticateManagementKey(Bytes(20, 1), alg::kTdes).error().code, Errc::InvalidArgument);
    EXPECT_EQ(fake.exchanged(), before);
}

}  // namespace
}  // namespace piv::test
