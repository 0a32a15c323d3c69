#include "card-apps/piv/piv_public_key.h"

#include <gtest/gtest.h>

#include "core/apdu/tlv.h"
#include "tests/unit/piv/test_keys.h"

namespace piv::test {
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;

Bytes templateContent(EVP_PKEY* key) {
    auto t = publicKeyTemplate(key);
    auto v = apdu::unwrap(t, 0x7F49);
    EXPECT_TRUE(v);
    return Bytes(v->begin(), v->end());
}

class PublicKeyFromTemplate : public ::testing::TestWithParam<KeyAlgorithm> {};

TEST_P(PublicKeyFromTemplate, MatchesOpenSslSpki) {
    auto key = generateKeyPair(GetParam());
    auto spki = spkiFromPublicKeyTemplate(templateContent(key.get()), GetParam());
    ASSERT_TRUE(spki) << spki.error().describe();
    EXPECT_EQ(*spki, spkiOf(key.get()));
    auto alg = algorithmFromSpki(*spki);
    ASSERT_TRUE(alg);
    EXPECT_EQ(*alg, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PublicKeyFromTemplate,
                         ::testing::Values(KeyAlgorithm::EcP256, KeyAlgorithm::EcP384, KeyAlgorithm::Rsa1024,
                                           KeyAlgorithm::Rsa2048, KeyAlgorithm::Ed25519,
                                           KeyAlgorithm::X25519));

TEST(PublicKey, RejectsMalformedTemplates) {
    auto key = generateKeyPair(KeyAlgorithm::EcP256);
    Bytes content = templateContent(key.get());
    // Truncated point, wrong curve size, missing tag, broken TLV, point off the curve.
    Bytes truncated(content.begin(), content.begin() + 20);
    EXPECT_EQ(spkiFromPublicKeyTemplate(truncated, KeyAlgorithm::EcP256).error().code, Errc::Malformed);
    EXPECT_EQ(spkiFromPublicKeyTemplate(content, KeyAlgorithm::EcP384).error().code, Errc::Malformed);
    EXPECT_EQ(spkiFromPublicKeyTemplate(h("81 01 00"), KeyAlgorithm::EcP256).error().code, Errc::Malformed);
    Bytes offCurve = content;
    offCurve.back() ^= 0x01;
    EXPECT_EQ(spkiFromPublicKeyTemplate(offCurve, KeyAlgorithm::EcP256).error().code, Errc::Malformed);

    auto rsa = generateKeyPair(KeyAlgorithm::Rsa1024);
    EXPECT_EQ(spkiFromPublicKeyTemplate(templateContent(rsa.get()), KeyAlgorithm::Rsa2048).error().code,
              Errc::Malformed);
    EXPECT_EQ(spkiFromPublicKeyTemplate(h("81 02 C0 01"), KeyAlgorithm::Rsa1024).error().code,
              Errc::Malformed);
}

// Found by tests/fuzz/piv_public_key: a 128-byte modulus with its top bit clear is a 1023-bit key, whose SPKI
// algorithmFromSpki does not recognise as RSA-1024.
TEST(PublicKey, RejectsShortRsaModulusOfTheRightByteLength) {
    auto rsa = generateKeyPair(KeyAlgorithm::Rsa1024);
    const Bytes tmpl = templateContent(rsa.get());  // find() returns a view into it: keep it alive
    auto n = apdu::find(tmpl, 0x81);
    ASSERT_TRUE(n);
    Bytes modulus(n->begin(), n->end());
    modulus[0] &= 0x7F;
    Bytes content = apdu::encodeTlv(0x81, modulus);
    core::append(content, h("82 03 01 00 01"));
    auto spki = spkiFromPublicKeyTemplate(content, KeyAlgorithm::Rsa1024);
    ASSERT_FALSE(spki);
    EXPECT_EQ(spki.error().code, Errc::Malformed);
}

// Found by tests/fuzz/piv_public_key: a zero exponent gave an SPKI that crypto::parseSpki rejects.
TEST(PublicKey, RejectsZeroRsaExponent) {
    auto rsa = generateKeyPair(KeyAlgorithm::Rsa1024);
    const Bytes tmpl = templateContent(rsa.get());  // find() returns a view into it: keep it alive
    auto n = apdu::find(tmpl, 0x81);
    ASSERT_TRUE(n);
    for (const char* e : {"82 01 00", "82 03 00 00 00"}) {
        Bytes content = apdu::encodeTlv(0x81, *n);
        core::append(content, h(e));
        auto spki = spkiFromPublicKeyTemplate(content, KeyAlgorithm::Rsa1024);
        ASSERT_FALSE(spki) << e;
        EXPECT_EQ(spki.error().code, Errc::Malformed);
    }
}

TEST(PublicKey, CertificateSpkiAndAlgorithm) {
    auto key = generateKeyPair(KeyAlgorithm::EcP384);
    auto cert = selfSignedCertificate(key.get(), "test");
    auto spki = spkiFromCertificate(cert);
    ASSERT_TRUE(spki);
    EXPECT_EQ(*spki, spkiOf(key.get()));
    EXPECT_EQ(*algorithmFromSpki(*spki), KeyAlgorithm::EcP384);
    EXPECT_EQ(spkiFromCertificate(h("30 03 02 01 01")).error().code, Errc::Malformed);
    EXPECT_EQ(algorithmFromSpki(h("30 00")).error().code, Errc::Malformed);
}

}  // namespace
}  // namespace piv::test
