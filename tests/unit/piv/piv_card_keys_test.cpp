// Key operations beyond the §8 traces: ECDH, RSA decipher, Yubico import / attest / metadata keys.
#include "card-apps/common/private_key_der.h"
#include "card-apps/piv/piv_public_key.h"
#include "tests/unit/piv/piv_card_fixture.h"

namespace piv::test {
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;

Bytes dynamicAuthAnswer(ByteView result) {
    return cat({apdu::TlvBuilder().begin(0x7C).add(0x82, result).end().take(), h("90 00")});
}

TEST_F(PivCardTest, EcdhP256WithKeyManagementKey) {
    selectCard();
    auto cardKey = generateKeyPair(KeyAlgorithm::EcP256);
    auto peer = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes point = ecPointOf(peer.get());
    const Bytes z = ecdh(cardKey.get(), peer.get());
    fake.expect(cat({h("00 87 11 9D 47 7C 45 82 00 85 41"), point, h("00")}), dynamicAuthAnswer(z));
    auto out = card.deriveEcdh(0x9D, KeyAlgorithm::EcP256, point);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, z);
    EXPECT_EQ(*out, ecdh(peer.get(), cardKey.get()));
}

TEST_F(PivCardTest, RsaDecipherReturnsPaddedBlock) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::Rsa1024);
    Bytes ciphertext(128, 0x33);
    ciphertext[0] = 0x01;  // below the modulus
    const Bytes block = rsaRaw(key.get(), ciphertext);
    fake.expect(cat({h("00 87 06 9D 88 7C 81 85 82 00 81 81 80"), ciphertext, h("00")}),
                cat({h("7C 81 83 82 81 80"), block, h("90 00")}));
    auto out = card.decipher(0x9D, KeyAlgorithm::Rsa1024, ciphertext);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, block);
}

TEST_F(PivCardTest, GenerateRsa2048ResponseInPieces) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes templ = publicKeyTemplate(key.get());
    ASSERT_EQ(templ.size(), 270u);  // 7F 49 82 01 09 81 82 01 00 <256> 82 03 01 00 01
    fake.expectChunked(h("00 47 00 9C 05 AC 03 80 01 07 00"), templ);
    auto spki = card.generateKey(0x9C, KeyAlgorithm::Rsa2048);
    ASSERT_TRUE(spki) << spki.error().describe();
    EXPECT_EQ(*spki, spkiOf(key.get()));
}

TEST_F(PivCardTest, GenerateWithoutAdminIsSecurityNotSatisfied) {
    selectCard();
    fake.expect("00 47 00 9A 05 AC 03 80 01 11 00", "69 82");
    EXPECT_EQ(card.generateKey(0x9A, KeyAlgorithm::EcP256).error().code, Errc::SecurityNotSatisfied);
}

TEST_F(PivCardTest, ImportEcKeyWithPolicies) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    BIGNUM* d = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(key.get(), "priv", &d), 1);
    ossl::Bn owner(d);
    Bytes scalar(32);
    BN_bn2binpad(d, scalar.data(), 32);
    fake.expect(cat({h("00 FE 11 9A 28 06 20"), scalar, h("AA 01 03 AB 01 02")}), "90 00");
    auto a = card.importKey(0x9A, *cardapp::componentsFromDer(privateKeyDerOf(key.get())), {PinPolicyByte::Always, TouchPolicy::Always});
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(*a, KeyAlgorithm::EcP256);
}

TEST_F(PivCardTest, ImportRsaKeyPadsComponentsToHalfModulus) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::Rsa1024);
    Bytes data;
    const char* names[] = {"rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2",
                           "rsa-coefficient1"};
    for (int i = 0; i < 5; ++i) {
        BIGNUM* bn = nullptr;
        ASSERT_EQ(EVP_PKEY_get_bn_param(key.get(), names[i], &bn), 1);
        ossl::Bn owner(bn);
        Bytes v(64);
        BN_bn2binpad(bn, v.data(), 64);
        core::append(data, apdu::encodeTlv(static_cast<apdu::Tag>(i + 1), v));
    }
    ASSERT_EQ(data.size(), 330u);
    fake.expectChained(0x00, 0xFE, 0x06, 0x9D, data, false, h("90 00"));
    auto a = card.importKey(0x9D, *cardapp::componentsFromDer(privateKeyDerOf(key.get())));
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(*a, KeyAlgorithm::Rsa1024);
}

TEST_F(PivCardTest, ImportRejectsGarbageWithoutApdu) {
    selectCard();
    const std::size_t before = fake.exchanged();
    EXPECT_EQ(cardapp::componentsFromDer(h("30 03 02 01 01")).error().code, Errc::InvalidArgument);
    cardapp::PrivateKeyComponents shortKey;
    shortKey.algorithm = KeyAlgorithm::EcP256;
    shortKey.scalar.assign(33, 0x01);  // larger than the P-256 field
    EXPECT_EQ(card.importKey(0x9A, shortKey).error().code, Errc::InvalidArgument);
    EXPECT_EQ(fake.exchanged(), before);
}

TEST_F(PivCardTest, AttestReturnsCertificate) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes cert = selfSignedCertificate(key.get(), "Yubico PIV Attestation");
    fake.expectChunked(h("00 F9 9A 00 00"), cert);
    auto out = card.attest(0x9A);
    ASSERT_TRUE(out) << out.error().describe();
    EXPECT_EQ(*out, cert);
    fake.expect("00 F9 9C 00 00", "6A 80");  // key imported, not generated
    EXPECT_EQ(card.attest(0x9C).error().code, Errc::IncorrectData);
}

TEST_F(PivCardTest, MetadataPublicKeyBecomesSpki) {
    selectCard();
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    const Bytes point = ecPointOf(key.get());
    fake.expect("00 F7 00 9A 00", cat({h("01 01 11 02 02 02 01 03 01 01 04 43 86 41"), point, h("90 00")}));
    auto md = card.getMetadata(0x9A);
    ASSERT_TRUE(md) << md.error().describe();
    EXPECT_EQ(md->algorithm, alg::kEccP256);
    EXPECT_EQ(md->origin, 0x01);
    auto spki = spkiFromPublicKeyTemplate(md->publicKey, KeyAlgorithm::EcP256);
    ASSERT_TRUE(spki);
    EXPECT_EQ(*spki, spkiOf(key.get()));
}

TEST_F(PivCardTest, ChuidRoundTrip) {
    selectCard();
    Chuid c;
    c.fascn = Bytes(25, 0xD4);
    c.guid = h("00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF");
    c.expiration = "20300101";
    const Bytes content = encodeChuid(c);
    fake.expect(cat({h("00 DB 3F FF"), Bytes{static_cast<uint8_t>(5 + 2 + content.size())},
                     h("5C 03 5F C1 02 53"), Bytes{static_cast<uint8_t>(content.size())}, content}),
                "90 00");
    EXPECT_TRUE(card.putChuid(c));
    fake.expect("00 CB 3F FF 05 5C 03 5F C1 02 00", cat({apdu::encodeTlv(0x53, content), h("90 00")}));
    auto back = card.readChuid();
    ASSERT_TRUE(back && *back);
    EXPECT_EQ((*back)->guid, c.guid);
    EXPECT_EQ((*back)->fascn, c.fascn);
}

}  // namespace
}  // namespace piv::test
