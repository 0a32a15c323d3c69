// 7F49 -> SPKI against OpenSSL's own encoding, and v4 fingerprints against a published vector and
// against packets assembled independently here (RFC 4880 §5.5.2, §12.2; RFC 6637 §9).
#include "card-apps/openpgp/openpgp_public_key.h"

#include <gtest/gtest.h>

#include "tests/unit/openpgp/card_profile.h"

namespace openpgp::test {
namespace {

using cardapp::KeyAlgorithm;
using core::Errc;

AlgorithmAttributes attrs(const Bytes& raw) {
    auto a = decodeAlgorithmAttributes(raw);
    EXPECT_TRUE(a);
    return *a;
}

struct Case {
    KeyAlgorithm alg;
    Bytes attributes;
};

TEST(OpenPgpPublicKey, TemplateToSpkiMatchesOpenSsl) {
    for (const Case& c :
         {Case{KeyAlgorithm::Rsa2048, kAttrRsa2048}, Case{KeyAlgorithm::EcP256, kAttrP256Ecdsa},
          Case{KeyAlgorithm::EcP384, kAttrP384Ecdsa}, Case{KeyAlgorithm::Ed25519, kAttrEd25519},
          Case{KeyAlgorithm::X25519, kAttrCv25519}}) {
        SCOPED_TRACE(cardapp::keyAlgorithmName(c.alg));
        Pkey k = generateKeyPair(c.alg);
        auto key = decodePublicKeyTemplate(publicKeyTemplate(k.get()), attrs(c.attributes));
        ASSERT_TRUE(key) << key.error().describe();
        auto spki = spkiFromCardKey(*key, attrs(c.attributes));
        ASSERT_TRUE(spki) << spki.error().describe();
        EXPECT_EQ(*spki, spkiOf(k.get()));
        auto back = cardKeyFromSpki(*spki);
        ASSERT_TRUE(back);
        EXPECT_EQ(back->point, key->point);
        EXPECT_EQ(back->modulus, key->modulus);
    }
}

TEST(OpenPgpPublicKey, MalformedTemplates) {
    Pkey rsa = generateKeyPair(KeyAlgorithm::Rsa2048);
    const Bytes n = rsaModulusOf(rsa.get());
    // Modulus of the wrong size for the attributes (RSA-2048 attributes, 2040-bit value).
    auto shortN = apdu::TlvBuilder()
                      .begin(0x7F49)
                      .add(0x81, ByteView(n).first(255))
                      .add(0x82, h("01 00 01"))
                      .end()
                      .take();
    EXPECT_EQ(decodePublicKeyTemplate(shortN, attrs(kAttrRsa2048)).error().code, Errc::Malformed);
    auto noE = apdu::TlvBuilder().begin(0x7F49).add(0x81, n).end().take();
    EXPECT_EQ(decodePublicKeyTemplate(noE, attrs(kAttrRsa2048)).error().code, Errc::Malformed);
    const Bytes full = publicKeyTemplate(rsa.get());
    EXPECT_EQ(
        decodePublicKeyTemplate(ByteView(full).first(full.size() - 1), attrs(kAttrRsa2048)).error().code,
        Errc::Malformed);

    Pkey ec = generateKeyPair(KeyAlgorithm::EcP256);
    Bytes point = publicPointOf(ec.get());
    point[0] = 0x02;
    auto compressed = apdu::TlvBuilder().begin(0x7F49).add(0x86, point).end().take();
    EXPECT_EQ(decodePublicKeyTemplate(compressed, attrs(kAttrP256Ecdsa)).error().code, Errc::Malformed);
    // A P-256 point checked against P-384 attributes.
    EXPECT_EQ(decodePublicKeyTemplate(publicKeyTemplate(ec.get()), attrs(kAttrP384Ecdsa)).error().code,
              Errc::Malformed);
    // Right size, not on the curve: OpenSSL refuses it.
    Bytes offCurve(65, 0x11);
    offCurve[0] = 0x04;
    auto key = decodePublicKeyTemplate(apdu::TlvBuilder().begin(0x7F49).add(0x86, offCurve).end().take(),
                                       attrs(kAttrP256Ecdsa));
    ASSERT_TRUE(key);
    EXPECT_EQ(spkiFromCardKey(*key, attrs(kAttrP256Ecdsa)).error().code, Errc::Malformed);
    auto ed = apdu::TlvBuilder().begin(0x7F49).add(0x86, Bytes(31, 1)).end().take();
    EXPECT_EQ(decodePublicKeyTemplate(ed, attrs(kAttrEd25519)).error().code, Errc::Malformed);
    auto no86 = apdu::TlvBuilder().begin(0x7F49).add(0x81, Bytes(32, 1)).end().take();
    EXPECT_EQ(decodePublicKeyTemplate(no86, attrs(kAttrEd25519)).error().code, Errc::Malformed);
}

TEST(OpenPgpPublicKey, FingerprintOfThePublishedEd25519Vector) {
    // RFC 9580 appendix A.3, "Sample v4 Ed25519Legacy key": created 0x53F35F0B.
    CardPublicKey k;
    k.point = h("3f098994bdd916ed4053197934e4a87c80733a1280d62f8010992e43ee3b2406");
    auto body = publicKeyPacketBody(k, attrs(kAttrEd25519), 0x53F35F0B);
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, h("0453f35f0b16092b06010401da470f010107403f098994bdd916ed4053197934e4a87c80733a1280"
                       "d62f8010992e43ee3b2406"));
    auto fp = v4Fingerprint(k, attrs(kAttrEd25519), 0x53F35F0B);
    ASSERT_TRUE(fp);
    EXPECT_EQ(core::toHex(*fp), "C959BDBAFA32A2F89A153B678CFDE12197965A9A");
}

// SHA-1 over 99 | len | body, computed here with OpenSSL, independently of the driver.
Bytes expectedFingerprint(const Bytes& body) {
    return sha1(cat({h("99"), Bytes{uint8_t(body.size() >> 8), uint8_t(body.size())}, body}));
}

TEST(OpenPgpPublicKey, FingerprintOfRsa) {
    Pkey rsa = generateKeyPair(KeyAlgorithm::Rsa2048);
    auto key = decodePublicKeyTemplate(publicKeyTemplate(rsa.get()), attrs(kAttrRsa2048));
    ASSERT_TRUE(key);
    // A generated 2048-bit modulus has its top bit set: MPI 08 00; e = 65537: MPI 00 11 01 00 01.
    const Bytes body = cat({h("04 65 00 00 01 01 08 00"), rsaModulusOf(rsa.get()), h("00 11 01 00 01")});
    auto fp = v4Fingerprint(*key, attrs(kAttrRsa2048), 0x65000001);
    ASSERT_TRUE(fp);
    EXPECT_EQ(Bytes(fp->begin(), fp->end()), expectedFingerprint(body));
}

TEST(OpenPgpPublicKey, FingerprintOfEcdhKeysCarriesKdfParameters) {
    Pkey p256 = generateKeyPair(KeyAlgorithm::EcP256);
    auto key = decodePublicKeyTemplate(publicKeyTemplate(p256.get()), attrs(kAttrP256Ecdh));
    ASSERT_TRUE(key);
    // 65-byte point starting 04: 64*8+3 = 515 bits (02 03); KDF SHA-256 (08), AES-128 (07).
    Bytes body = cat({h("04 00 00 00 2A 12 08 2A 86 48 CE 3D 03 01 07 02 03"), publicPointOf(p256.get()),
                      h("03 01 08 07")});
    auto fp = v4Fingerprint(*key, attrs(kAttrP256Ecdh), 42);
    ASSERT_TRUE(fp);
    EXPECT_EQ(Bytes(fp->begin(), fp->end()), expectedFingerprint(body));

    Pkey x = generateKeyPair(KeyAlgorithm::X25519);
    auto xkey = decodePublicKeyTemplate(publicKeyTemplate(x.get()), attrs(kAttrCv25519));
    ASSERT_TRUE(xkey);
    // 40 || u: 263 bits (01 07).
    body = cat({h("04 00 00 00 2A 12 0A 2B 06 01 04 01 97 55 01 05 01 01 07 40"), publicPointOf(x.get()),
                h("03 01 08 07")});
    fp = v4Fingerprint(*xkey, attrs(kAttrCv25519), 42);
    ASSERT_TRUE(fp);
    EXPECT_EQ(Bytes(fp->begin(), fp->end()), expectedFingerprint(body));

    // ECDSA on P-384: no KDF parameters, 97-byte point = 771 bits (03 03).
    Pkey p384 = generateKeyPair(KeyAlgorithm::EcP384);
    auto k384 = decodePublicKeyTemplate(publicKeyTemplate(p384.get()), attrs(kAttrP384Ecdsa));
    ASSERT_TRUE(k384);
    body = cat({h("04 00 00 00 2A 13 05 2B 81 04 00 22 03 03"), publicPointOf(p384.get())});
    fp = v4Fingerprint(*k384, attrs(kAttrP384Ecdsa), 42);
    ASSERT_TRUE(fp);
    EXPECT_EQ(Bytes(fp->begin(), fp->end()), expectedFingerprint(body));
}

}  // namespace
}  // namespace openpgp::test
