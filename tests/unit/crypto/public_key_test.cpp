#include "core/crypto/public_key.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "core/crypto/rsa_padding.h"
#include "test_keys.h"

namespace crypto {
namespace {

using core::Errc;
using core::hexBytes;
using test::bytesOf;

Bytes encodedPoint(const EVP_PKEY* key) {
    Bytes out(200);
    std::size_t len = 0;
    EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len), 1);
    out.resize(len);
    return out;
}

TEST(ParseSpki, Rsa2048) {
    EVP_PKEY* key = test::rsaKey(2048);
    const Bytes spki = test::spkiOf(key);
    auto pk = parseSpki(spki);
    ASSERT_TRUE(pk) << pk.error().message;
    EXPECT_EQ(pk->type, KeyType::Rsa);
    EXPECT_EQ(pk->bits, 2048u);
    EXPECT_EQ(pk->rsaBytes(), 256u);
    EXPECT_EQ(pk->spki, spki);
    EXPECT_EQ(pk->modulus, test::bnParam(key, OSSL_PKEY_PARAM_RSA_N));
    EXPECT_EQ(pk->modulus.size(), 256u);
    EXPECT_NE(pk->modulus[0], 0);
    EXPECT_EQ(pk->publicExponent, hexBytes("010001"));
    EXPECT_TRUE(pk->ecParams.empty());
}

TEST(ParseSpki, OddSizedRsaModulusHasNoLeadingZero) {
    EVP_PKEY* key = test::rsaKey(1025);
    auto pk = parseSpki(test::spkiOf(key));
    ASSERT_TRUE(pk);
    EXPECT_EQ(pk->bits, 1025u);
    EXPECT_EQ(pk->modulus.size(), 129u);
    EXPECT_EQ(pk->modulus[0], 0x01);
}

TEST(ParseSpki, NistCurves) {
    struct Case {
        const char* curve;
        std::size_t bits;
        const char* oid;
    };
    for (const Case& c : {Case{"P-256", 256, "06082A8648CE3D030107"}, Case{"P-384", 384, "06052B81040022"}}) {
        SCOPED_TRACE(c.curve);
        EVP_PKEY* key = test::ecKey(c.curve);
        auto pk = parseSpki(test::spkiOf(key));
        ASSERT_TRUE(pk) << pk.error().message;
        EXPECT_EQ(pk->type, KeyType::Ec);
        EXPECT_EQ(pk->bits, c.bits);
        EXPECT_EQ(pk->curveName, c.curve);
        EXPECT_EQ(pk->ecParams, hexBytes(c.oid));
        EXPECT_EQ(pk->ecPoint.size(), 1 + 2 * pk->ecFieldBytes());
        EXPECT_EQ(pk->ecPoint, encodedPoint(key));  // OpenSSL's default encoding is uncompressed
    }
}

TEST(ParseSpki, CompressedPointIsReturnedUncompressed) {
    EVP_PKEY* key = test::ecKey("P-256");
    ossl::Pkey copy(EVP_PKEY_dup(key));
    ASSERT_EQ(
        EVP_PKEY_set_utf8_string_param(copy.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"),
        1);
    const Bytes spki = test::spkiOf(copy.get());
    ASSERT_EQ(spki.size(), test::spkiOf(key).size() - 32);
    auto pk = parseSpki(spki);
    ASSERT_TRUE(pk) << pk.error().message;
    EXPECT_EQ(pk->ecPoint, encodedPoint(key));
}

TEST(ParseSpki, Curve25519Keys) {
    for (const char* type : {"ED25519", "X25519"}) {
        SCOPED_TRACE(type);
        ossl::Pkey key = test::newKey(type);
        auto pk = parseSpki(test::spkiOf(key.get()));
        ASSERT_TRUE(pk) << pk.error().message;
        Bytes raw(32);
        std::size_t len = raw.size();
        ASSERT_EQ(EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &len), 1);
        EXPECT_EQ(pk->ecPoint, raw);
        EXPECT_EQ(pk->bits, 255u);
        const bool ed = std::string(type) == "ED25519";
        EXPECT_EQ(pk->type, ed ? KeyType::Ed25519 : KeyType::X25519);
        EXPECT_EQ(pk->curveName, ed ? "Ed25519" : "X25519");
        EXPECT_EQ(pk->ecParams, hexBytes(ed ? "06032B6570" : "06032B656E"));
    }
}

TEST(ParseSpki, UnsupportedAlgorithmsAndCurves) {
    for (const char* curve : {"P-521", "secp256k1", "brainpoolP256r1"}) {
        SCOPED_TRACE(curve);
        auto pk = parseSpki(test::spkiOf(test::ecKey(curve)));
        ASSERT_FALSE(pk);
        EXPECT_EQ(pk.error().code, Errc::NotSupported);
    }
    for (const char* type : {"ED448", "X448"}) {
        SCOPED_TRACE(type);
        auto pk = parseSpki(test::spkiOf(test::newKey(type).get()));
        ASSERT_FALSE(pk);
        EXPECT_EQ(pk.error().code, Errc::NotSupported);
    }
    // A well-formed SPKI with an algorithm OpenSSL does not know (OID 1.2.3.4).
    auto pk = parseSpki(hexBytes("300E300506032A0304030500DEADBEEF"));
    ASSERT_FALSE(pk);
    EXPECT_EQ(pk.error().code, Errc::NotSupported) << pk.error().message;
}

TEST(ParseSpki, MalformedInput) {
    Bytes good = test::spkiOf(test::ecKey("P-256"));
    Bytes trailing = good;
    trailing.push_back(0x00);
    Bytes truncated(good.begin(), good.end() - 1);
    Bytes offCurve = good;
    offCurve.back() ^= 0x01;  // Y no longer matches X
    for (const Bytes& bad :
         {Bytes{}, hexBytes("3000"), hexBytes("0102030405"), trailing, truncated, offCurve}) {
        SCOPED_TRACE(core::toHex(bad));
        auto pk = parseSpki(bad);
        ASSERT_FALSE(pk);
        EXPECT_EQ(pk.error().code, Errc::Malformed) << pk.error().message;
    }
}

TEST(VerifyRsaPkcs1, AcceptsCardSignatureAndRejectsOthers) {
    EVP_PKEY* key = test::rsaKey(2048);
    auto pk = parseSpki(test::spkiOf(key));
    ASSERT_TRUE(pk);
    const Bytes digest = crypto::digest(HashAlg::Sha256, bytesOf("hello"));
    Bytes info(digestInfoPrefix(HashAlg::Sha256).begin(), digestInfoPrefix(HashAlg::Sha256).end());
    core::append(info, digest);
    const Bytes sig = test::rawRsaPrivate(key, *pkcs1v15SignBlock(info, pk->rsaBytes()));
    EXPECT_EQ(verifyRsaPkcs1(*pk, info, sig), true);
    Bytes otherInfo = info;
    otherInfo.back() ^= 1;
    EXPECT_EQ(verifyRsaPkcs1(*pk, otherInfo, sig), false);
    Bytes badSig = sig;
    badSig[10] ^= 1;
    EXPECT_EQ(verifyRsaPkcs1(*pk, info, badSig), false);
    EXPECT_EQ(verifyRsaPkcs1(*pk, info, Bytes(sig.begin() + 1, sig.end())), false);
    EXPECT_EQ(verifyRsaPkcs1(*pk, info, Bytes(256, 0xFF)), false);  // >= modulus
    // Raw data (not a DigestInfo) is what CKM_RSA_PKCS signs too.
    const Bytes raw = bytesOf("raw data");
    EXPECT_EQ(verifyRsaPkcs1(*pk, raw, test::rawRsaPrivate(key, *pkcs1v15SignBlock(raw, 256))), true);

    auto ec = parseSpki(test::spkiOf(test::ecKey("P-256")));
    ASSERT_TRUE(ec);
    EXPECT_EQ(verifyRsaPkcs1(*ec, info, sig).error().code, Errc::InvalidArgument);
}

}  // namespace
}  // namespace crypto
