#include "core/crypto/hash.h"

#include <gtest/gtest.h>

#include "test_keys.h"

namespace crypto {
namespace {

using core::hexBytes;
using test::bytesOf;

struct Vector {
    HashAlg alg;
    const char* abc;     // FIPS 180 "abc" example
    const char* prefix;  // pkcs11.md §7
};

const Vector kVectors[] = {
    {HashAlg::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d", "3021300906052B0E03021A05000414"},
    {HashAlg::Sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
     "302D300D06096086480165030402040500041C"},
    {HashAlg::Sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "3031300D060960864801650304020105000420"},
    {HashAlg::Sha384,
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
     "3041300D060960864801650304020205000430"},
    {HashAlg::Sha512,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
     "454d4423643ce80e2a9ac94fa54ca49f",
     "3051300D060960864801650304020305000440"},
};

TEST(Hash, AbcVectorsOneShotAndIncremental) {
    for (const auto& v : kVectors) {
        SCOPED_TRACE(hashName(v.alg));
        EXPECT_EQ(digest(v.alg, bytesOf("abc")), hexBytes(v.abc));
        auto h = Hasher::create(v.alg);
        ASSERT_TRUE(h);
        EXPECT_EQ(h->algorithm(), v.alg);
        ASSERT_TRUE(h->update(bytesOf("a")));
        ASSERT_TRUE(h->update({}));
        ASSERT_TRUE(h->update(bytesOf("bc")));
        auto out = h->finish();
        ASSERT_TRUE(out);
        EXPECT_EQ(*out, hexBytes(v.abc));
    }
}

TEST(Hash, EmptyInputSha256) {
    EXPECT_EQ(digest(HashAlg::Sha256, {}),
              hexBytes("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST(Hash, DigestInfoPrefixesMatchSpec) {
    for (const auto& v : kVectors) {
        SCOPED_TRACE(hashName(v.alg));
        const ByteView p = digestInfoPrefix(v.alg);
        EXPECT_EQ(Bytes(p.begin(), p.end()), hexBytes(v.prefix));
        // The prefix's last byte is the OCTET STRING length: the hash size.
        EXPECT_EQ(p.back(), hashSize(v.alg));
    }
}

TEST(Hash, SizesNamesAndLookupBySize) {
    EXPECT_STREQ(hashName(HashAlg::Sha256), "SHA256");
    for (const auto& v : kVectors) {
        EXPECT_EQ(hashSize(v.alg), hexBytes(v.abc).size());
        EXPECT_EQ(hashForSize(hashSize(v.alg)), v.alg);
    }
    EXPECT_FALSE(hashForSize(0));
    EXPECT_FALSE(hashForSize(33));
}

TEST(Hash, HasherRefusesUseAfterFinish) {
    auto h = Hasher::create(HashAlg::Sha1);
    ASSERT_TRUE(h);
    ASSERT_TRUE(h->finish());
    EXPECT_EQ(h->update(bytesOf("x")).error().code, core::Errc::InvalidArgument);
    EXPECT_EQ(h->finish().error().code, core::Errc::InvalidArgument);
}

TEST(Hash, HasherMoves) {
    auto h = Hasher::create(HashAlg::Sha384);
    ASSERT_TRUE(h);
    ASSERT_TRUE(h->update(bytesOf("ab")));
    Hasher moved = std::move(*h);
    ASSERT_TRUE(moved.update(bytesOf("c")));
    auto out = moved.finish();
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, digest(HashAlg::Sha384, bytesOf("abc")));
}

}  // namespace
}  // namespace crypto
