// The worked APDU sequences of piv.md §8, byte for byte.
#include <openssl/evp.h>

#include "card-apps/piv/management_key.h"
#include "tests/unit/piv/piv_card_fixture.h"

namespace piv::test {
namespace {

using cardapp::KeyAlgorithm;

TEST_F(PivCardTest, Select_8_1) {
    fake.expect(kSelectCommand, kSelectAnswer);
    auto info = card.select();
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->aid, h("00 00 10 00 01 00"));
    EXPECT_TRUE(card.selected());
}

TEST_F(PivCardTest, SelectAbsentApplication) {
    fake.expect(kSelectCommand, "6A 82");
    EXPECT_EQ(card.select().error().code, core::Errc::NotFound);
    EXPECT_FALSE(card.selected());
}

TEST_F(PivCardTest, VerifyPinWithQuery_8_2) {
    selectCard();
    fake.expect("00 20 00 80", "63 C3");
    auto st = card.pinStatus();
    ASSERT_TRUE(st) << st.error().describe();
    EXPECT_EQ(st->retriesLeft, 3);
    EXPECT_FALSE(st->verified);
    fake.expect("00 20 00 80 08 31 32 33 34 35 36 FF FF", "90 00");
    EXPECT_TRUE(card.verifyPin(h("31 32 33 34 35 36")));
}

TEST_F(PivCardTest, EcdsaP256Sign_8_3) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes hash = sha256(h("61 62 63"));
    ASSERT_EQ(
        hash,
        h("BA 78 16 BF 8F 01 CF EA 41 41 40 DE 5D AE 22 23 B0 03 61 A3 96 17 7A 9C B4 10 FF 61 F2 00 15 AD"));
    const Bytes sig = ecdsaSign(key.get(), hash);
    fake.expect(cat({h("00 87 11 9A 26 7C 24 82 00 81 20"), hash, h("00")}),
                cat({apdu::TlvBuilder().begin(0x7C).add(0x82, sig).end().take(), h("90 00")}));
    auto out = card.sign(0x9A, KeyAlgorithm::EcP256, hash);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, sig);
    EXPECT_TRUE(ecdsaVerify(key.get(), hash, *out));
}

TEST_F(PivCardTest, EcdsaHashIsLeftPaddedOrTruncatedToFieldSize) {
    selectCard();
    const Bytes sha1(20, 0xAB);
    fake.expect(cat({h("00 87 11 9A 26 7C 24 82 00 81 20"), Bytes(12, 0), sha1, h("00")}),
                "7C 04 82 02 30 00 90 00");
    EXPECT_TRUE(card.sign(0x9A, KeyAlgorithm::EcP256, sha1));
    Bytes sha512(64);
    for (std::size_t i = 0; i < sha512.size(); ++i) sha512[i] = static_cast<uint8_t>(i);
    fake.expect(
        cat({h("00 87 14 9A 36 7C 34 82 00 81 30"), Bytes(sha512.begin(), sha512.begin() + 48), h("00")}),
        "7C 04 82 02 30 00 90 00");
    EXPECT_TRUE(card.sign(0x9A, KeyAlgorithm::EcP384, sha512));
}

// RSA-2048 signature with 9C: VERIFY, two chained GA pieces (255 + 11), 256 bytes + 61 08, GET RESPONSE.
TEST_F(PivCardTest, Rsa2048SignWithChainingAndGetResponse_8_4) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes hash = sha256(h("61 62 63"));
    Bytes em = h("00 01");
    em.insert(em.end(), 202, 0xFF);
    em.push_back(0x00);
    core::append(em, h("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20"));
    core::append(em, hash);
    ASSERT_EQ(em.size(), 256u);
    const Bytes sig = rsaRaw(key.get(), em);
    ASSERT_EQ(sig.size(), 256u);

    const Bytes templ = cat({h("7C 82 01 06 82 00 81 82 01 00"), em});
    ASSERT_EQ(templ.size(), 266u);
    fake.expect("00 20 00 80 08 31 32 33 34 35 36 FF FF", "90 00");
    fake.expect(cat({h("10 87 07 9C FF"), ByteView(templ).first(255)}), h("90 00"));
    fake.expect(cat({h("00 87 07 9C 0B"), ByteView(templ).subspan(255), h("00")}),
                cat({h("7C 82 01 04 82 82 01 00"), ByteView(sig).first(248), h("61 08")}));
    fake.expect(h("00 C0 00 00 08"), cat({ByteView(sig).subspan(248), h("90 00")}));

    ASSERT_TRUE(card.verifyPin(h("31 32 33 34 35 36")));
    auto out = card.sign(0x9C, KeyAlgorithm::Rsa2048, em);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, sig);
}

// 3DES mutual authentication with the default key and the exact witness/challenge of §8.5, then
// GENERATE of a P-256 key whose 7F49 comes from a real OpenSSL key.
TEST_F(PivCardTest, ManagementKeyAuthAndGenerateP256_8_5) {
    selectCard();
    card.setRandomSource([](std::span<uint8_t> out) -> core::Status {
        const Bytes r2 = h("11 22 33 44 55 66 77 88");
        std::copy(r2.begin(), r2.end(), out.begin());
        return {};
    });
    fake.expect("00 87 03 9B 04 7C 02 80 00", "7C 0A 80 08 19 9F A3 74 70 5A 69 EB 90 00");
    fake.expect("00 87 03 9B 16 7C 14 80 08 A1 A2 A3 A4 A5 A6 A7 A8 81 08 11 22 33 44 55 66 77 88",
                "7C 0A 82 08 6C 5E 94 DC AD D3 9F 1D 90 00");
    auto auth = card.authenticateManagementKey(kDefaultManagementKey, alg::kTdes);
    ASSERT_TRUE(auth) << auth.error().describe();

    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes templ = publicKeyTemplate(key.get());
    ASSERT_EQ(templ.size(), 70u);
    fake.expect(h("00 47 00 9A 05 AC 03 80 01 11 00"), cat({templ, h("90 00")}));
    auto spki = card.generateKey(0x9A, KeyAlgorithm::EcP256);
    ASSERT_TRUE(spki) << spki.error().describe();
    EXPECT_EQ(*spki, spkiOf(key.get()));

    fake.expect(h("00 47 00 9A 0B AC 09 80 01 11 AA 01 02 AB 01 01 00"), cat({templ, h("90 00")}));
    EXPECT_TRUE(card.generateKey(0x9A, KeyAlgorithm::EcP256, {PinPolicyByte::Once, TouchPolicy::Never}));
}

TEST_F(PivCardTest, ManagementKeyAuthRejectsCardWithWrongProof) {
    selectCard();
    card.setRandomSource([](std::span<uint8_t> out) -> core::Status {
        std::fill(out.begin(), out.end(), 0x11);
        return {};
    });
    fake.expect("00 87 03 9B 04 7C 02 80 00", "7C 0A 80 08 19 9F A3 74 70 5A 69 EB 90 00");
    fake.expect("00 87 03 9B 16 7C 14 80 08 A1 A2 A3 A4 A5 A6 A7 A8 81 08 11 11 11 11 11 11 11 11",
                "7C 0A 82 08 6C 5E 94 DC AD D3 9F 1D 90 00");
    EXPECT_EQ(card.authenticateManagementKey(kDefaultManagementKey, alg::kTdes).error().code,
              core::Errc::SecurityNotSatisfied);
}

TEST_F(PivCardTest, ManagementKeyRejectedByCard) {
    selectCard();
    card.setRandomSource([](std::span<uint8_t> out) -> core::Status {
        std::fill(out.begin(), out.end(), 0x00);
        return {};
    });
    fake.expect("00 87 03 9B 04 7C 02 80 00", "7C 0A 80 08 19 9F A3 74 70 5A 69 EB 90 00");
    fake.expect("00 87 03 9B 16 7C 14 80 08 A1 A2 A3 A4 A5 A6 A7 A8 81 08 00 00 00 00 00 00 00 00", "69 82");
    EXPECT_EQ(card.authenticateManagementKey(kDefaultManagementKey, alg::kTdes).error().code,
              core::Errc::SecurityNotSatisfied);
}

// AES-192 (YubiKey >= 5.7 default): the algorithm comes from GET METADATA 9B; 16-byte blocks.
TEST_F(PivCardTest, ManagementKeyAes192FromMetadata) {
    selectCard();
    const Bytes r1(16, 0xA5);
    const Bytes r2(16, 0x3C);
    card.setRandomSource([&](std::span<uint8_t> out) -> core::Status {
        std::copy(r2.begin(), r2.end(), out.begin());
        return {};
    });
    auto w = managementCipher(alg::kAes192, kDefaultManagementKey, r1, true);
    auto proof = managementCipher(alg::kAes192, kDefaultManagementKey, r2, true);
    ASSERT_TRUE(w && proof);
    fake.expect("00 F7 00 9B 00", "01 01 0A 02 02 00 01 05 01 01 90 00");
    fake.expect("00 87 0A 9B 04 7C 02 80 00", cat({h("7C 12 80 10"), view(*w), h("90 00")}));
    fake.expect(cat({h("00 87 0A 9B 26 7C 24 80 10"), r1, h("81 10"), r2}),
                cat({h("7C 12 82 10"), view(*proof), h("90 00")}));
    auto auth = card.authenticateManagementKey(kDefaultManagementKey);
    EXPECT_TRUE(auth) << auth.error().describe();
}

// Without GET METADATA (6D00 even after re-selecting) a 24-byte key means 3DES.
TEST_F(PivCardTest, ManagementKeyDefaultsToTripleDesWithoutMetadata) {
    selectCard();
    fake.expect("00 F7 00 9B 00", "6D 00");
    fake.expect(kSelectCommand, kSelectAnswer);
    fake.expect("00 F7 00 9B 00", "6D 00");
    auto a = card.managementKeyAlgorithm(24);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, alg::kTdes);
    EXPECT_FALSE(card.takeSelectionLost());        // the repeat said 6D00 too: nothing was lost
    auto again = card.managementKeyAlgorithm(24);  // absence is cached: no APDU
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, alg::kTdes);
}

// §8.6: a 600-byte certificate into 5FC105 goes as three chained PUT DATA pieces, 255 + 255 + 108.
// (The digest says "first 241 cert bytes" in the first piece; with the 13 header bytes shown it is 242.)
TEST_F(PivCardTest, PutCertificateWithChaining_8_6) {
    selectCard();
    Bytes cert = h("30 82 02 54");
    for (int i = 0; i < 596; ++i) cert.push_back(static_cast<uint8_t>(i * 7));
    ASSERT_EQ(cert.size(), 600u);
    const ByteView c(cert);
    fake.expect(cat({h("10 DB 3F FF FF 5C 03 5F C1 05 53 82 02 61 70 82 02 58"), c.first(242)}), h("90 00"));
    fake.expect(cat({h("10 DB 3F FF FF"), c.subspan(242, 255)}), h("90 00"));
    fake.expect(cat({h("00 DB 3F FF 6C"), c.subspan(497), h("71 01 00 FE 00")}), h("90 00"));
    auto st = card.putCertificate(0x9A, cert);
    ASSERT_TRUE(st) << st.error().describe();

    // Read back: 613 bytes in 256-byte pieces with 61xx.
    fake.expectChunked(h("00 CB 3F FF 05 5C 03 5F C1 05 00"),
                       cat({h("53 82 02 61 70 82 02 58"), cert, h("71 01 00 FE 00")}));
    auto back = card.readCertificate(0x9A);
    ASSERT_TRUE(back) << back.error().describe();
    ASSERT_TRUE(*back);
    EXPECT_EQ(**back, cert);
}

}  // namespace
}  // namespace piv::test
