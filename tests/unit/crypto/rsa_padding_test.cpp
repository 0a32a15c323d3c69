#include "core/crypto/rsa_padding.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "test_keys.h"

namespace crypto {
namespace {

using core::Errc;
using core::hexBytes;
using test::bytesOf;

constexpr HashAlg kAllHashes[] = {HashAlg::Sha1, HashAlg::Sha224, HashAlg::Sha256, HashAlg::Sha384,
                                  HashAlg::Sha512};

std::size_t keyBytes(EVP_PKEY* key) {
    return static_cast<std::size_t>(EVP_PKEY_get_size(key));
}
std::size_t keyBits(EVP_PKEY* key) {
    return static_cast<std::size_t>(EVP_PKEY_get_bits(key));
}

void expectDecryptionFailed(const core::Result<Bytes>& r) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Malformed);
    EXPECT_EQ(r.error().message, "decryption failed");
}

TEST(Pkcs1v15Sign, BlockLayout) {
    auto block = pkcs1v15SignBlock(hexBytes("AABB"), 16);
    ASSERT_TRUE(block);
    EXPECT_EQ(*block, hexBytes("0001FFFFFFFFFFFFFFFFFFFFFF00AABB"));
    EXPECT_TRUE(pkcs1v15SignBlock(Bytes(5, 0x11), 16));  // exactly k - 11
    EXPECT_EQ(pkcs1v15SignBlock(Bytes(6, 0x11), 16).error().code, Errc::InvalidArgument);
    EXPECT_EQ(pkcs1v15SignBlock({}, 10).error().code, Errc::InvalidArgument);
}

TEST(Pkcs1v15Sign, DigestInfoBlocksVerifyWithOpenSsl) {
    EVP_PKEY* key = test::rsaKey(2048);
    const Bytes msg = bytesOf("message signed on the card");
    for (HashAlg alg : kAllHashes) {
        SCOPED_TRACE(hashName(alg));
        auto block = pkcs1v15DigestInfoBlock(alg, digest(alg, msg), keyBytes(key));
        ASSERT_TRUE(block);
        ASSERT_EQ(block->size(), keyBytes(key));
        const Bytes sig = test::rawRsaPrivate(key, *block);
        EXPECT_TRUE(test::opensslVerify(key, alg, msg, sig));
        EXPECT_FALSE(test::opensslVerify(key, alg, bytesOf("other message"), sig));
    }
}

TEST(Pkcs1v15Sign, DigestInfoRejectsWrongHashLength) {
    EXPECT_EQ(pkcs1v15DigestInfoBlock(HashAlg::Sha256, Bytes(20), 256).error().code, Errc::InvalidArgument);
}

TEST(Pkcs1v15Decrypt, OpenSslCiphertextRoundTrip) {
    EVP_PKEY* key = test::rsaKey(2048);
    for (const Bytes& msg : {Bytes{}, bytesOf("k"), Bytes(32, 0x5A), Bytes(keyBytes(key) - 11, 0x00)}) {
        const Bytes block = test::rawRsaPrivate(key, test::opensslPkcs1Encrypt(key, msg));
        auto plain = pkcs1v15DecryptUnpad(block);
        ASSERT_TRUE(plain) << plain.error().message;
        EXPECT_EQ(*plain, msg);
    }
}

TEST(Pkcs1v15Decrypt, HandMadeVectors) {
    const Bytes ps8 = hexBytes("0102030405060708");
    auto make = [&](const char* head, const Bytes& ps, const char* tail) {
        Bytes b = hexBytes(head);
        core::append(b, ps);
        core::append(b, hexBytes(tail));
        return b;
    };
    auto good = pkcs1v15DecryptUnpad(make("0002", ps8, "00CAFE"));
    ASSERT_TRUE(good);
    EXPECT_EQ(*good, hexBytes("CAFE"));
    auto empty = pkcs1v15DecryptUnpad(make("0002", ps8, "00"));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    auto zeroInMessage = pkcs1v15DecryptUnpad(make("0002", ps8, "000000FF00"));
    ASSERT_TRUE(zeroInMessage);
    EXPECT_EQ(*zeroInMessage, hexBytes("0000FF00"));

    expectDecryptionFailed(pkcs1v15DecryptUnpad(make("0102", ps8, "00CAFE")));          // first byte
    expectDecryptionFailed(pkcs1v15DecryptUnpad(make("0001", ps8, "00CAFE")));          // block type 1
    expectDecryptionFailed(pkcs1v15DecryptUnpad(make("0002", Bytes(7, 1), "00CAFE")));  // PS too short
    expectDecryptionFailed(pkcs1v15DecryptUnpad(make("000200", ps8, "CAFE")));          // zero at once
    expectDecryptionFailed(pkcs1v15DecryptUnpad(make("0002", ps8, "CAFE")));            // no separator
    expectDecryptionFailed(pkcs1v15DecryptUnpad(hexBytes("00020102030405060700")));     // shorter than 11
    expectDecryptionFailed(pkcs1v15DecryptUnpad({}));
}

struct PssCase {
    HashAlg hash;
    HashAlg mgf;
    int salt;  // -1: hLen
};

TEST(Pss, EncodedBlocksVerifyWithOpenSsl) {
    const PssCase cases[] = {
        {HashAlg::Sha256, HashAlg::Sha256, 0},  {HashAlg::Sha256, HashAlg::Sha256, 32},
        {HashAlg::Sha256, HashAlg::Sha256, -1}, {HashAlg::Sha1, HashAlg::Sha1, -1},
        {HashAlg::Sha224, HashAlg::Sha224, -1}, {HashAlg::Sha384, HashAlg::Sha384, -1},
        {HashAlg::Sha512, HashAlg::Sha512, -1}, {HashAlg::Sha512, HashAlg::Sha512, 0},
        {HashAlg::Sha256, HashAlg::Sha1, 32},   {HashAlg::Sha384, HashAlg::Sha512, 32},
        {HashAlg::Sha1, HashAlg::Sha256, 20},
    };
    // 2048 bits: EM has k bytes; 1025 bits: emBits is a multiple of 8, EM is k-1 bytes after a zero.
    for (int bits : {2048, 1025}) {
        EVP_PKEY* key = test::rsaKey(bits);
        const Bytes msg = bytesOf("PSS-signed message");
        for (const auto& c : cases) {
            const std::size_t salt = c.salt < 0 ? hashSize(c.hash) : static_cast<std::size_t>(c.salt);
            if ((keyBits(key) - 1 + 7) / 8 < hashSize(c.hash) + salt + 2) continue;  // does not fit
            SCOPED_TRACE(std::to_string(bits) + " " + hashName(c.hash) + " mgf " + hashName(c.mgf) +
                         " salt " + std::to_string(salt));
            auto block = pssEncode(digest(c.hash, msg), c.hash, c.mgf, salt, keyBits(key));
            ASSERT_TRUE(block) << block.error().message;
            ASSERT_EQ(block->size(), keyBytes(key));
            const Bytes sig = test::rawRsaPrivate(key, *block);
            EXPECT_TRUE(test::opensslVerify(key, c.hash, msg, sig, true, static_cast<int>(salt), c.mgf));
            EXPECT_FALSE(test::opensslVerify(key, c.hash, msg, sig, true, static_cast<int>(salt) + 1, c.mgf));
        }
    }
}

TEST(Pss, SaltIsRandomAndZeroSaltDeterministic) {
    const Bytes h = digest(HashAlg::Sha256, bytesOf("x"));
    EXPECT_NE(*pssEncode(h, HashAlg::Sha256, HashAlg::Sha256, 32, 2048),
              *pssEncode(h, HashAlg::Sha256, HashAlg::Sha256, 32, 2048));
    EXPECT_EQ(*pssEncode(h, HashAlg::Sha256, HashAlg::Sha256, 0, 2048),
              *pssEncode(h, HashAlg::Sha256, HashAlg::Sha256, 0, 2048));
}

TEST(Pss, RejectsBadParameters) {
    const Bytes h = digest(HashAlg::Sha512, bytesOf("x"));
    // emLen 128 for 1024 bits: salt may be at most 128 - 64 - 2 = 62.
    EXPECT_TRUE(pssEncode(h, HashAlg::Sha512, HashAlg::Sha512, 62, 1024));
    EXPECT_EQ(pssEncode(h, HashAlg::Sha512, HashAlg::Sha512, 63, 1024).error().code, Errc::InvalidArgument);
    EXPECT_EQ(pssEncode(h, HashAlg::Sha512, HashAlg::Sha512, SIZE_MAX, 1024).error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(pssEncode(h, HashAlg::Sha256, HashAlg::Sha256, 0, 2048).error().code, Errc::InvalidArgument);
    EXPECT_EQ(pssEncode(h, HashAlg::Sha512, HashAlg::Sha512, 0, 0).error().code, Errc::InvalidArgument);
}

struct OaepCase {
    HashAlg hash;
    HashAlg mgf;
    const char* label;
};

TEST(Oaep, OpenSslCiphertextsDecode) {
    const OaepCase cases[] = {
        {HashAlg::Sha1, HashAlg::Sha1, ""},     {HashAlg::Sha1, HashAlg::Sha1, "label"},
        {HashAlg::Sha256, HashAlg::Sha256, ""}, {HashAlg::Sha256, HashAlg::Sha256, "a longer label"},
        {HashAlg::Sha256, HashAlg::Sha1, ""},   {HashAlg::Sha512, HashAlg::Sha384, "L"},
    };
    EVP_PKEY* key = test::rsaKey(2048);
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(hashName(c.hash)) + " mgf " + hashName(c.mgf) + " label '" + c.label + "'");
        const std::size_t maxLen = keyBytes(key) - 2 * hashSize(c.hash) - 2;
        for (const Bytes& msg : {Bytes{}, bytesOf("session key"), Bytes(maxLen, 0x01), Bytes(maxLen, 0x00)}) {
            const Bytes ct = test::opensslOaepEncrypt(key, c.hash, c.mgf, bytesOf(c.label), msg);
            const Bytes block = test::rawRsaPrivate(key, ct);
            auto plain = oaepDecode(block, c.hash, c.mgf, bytesOf(c.label));
            ASSERT_TRUE(plain) << plain.error().message;
            EXPECT_EQ(*plain, msg);
            expectDecryptionFailed(oaepDecode(block, c.hash, c.mgf, bytesOf("wrong label")));
        }
    }
}

TEST(Oaep, CorruptedBlocksFailTheSameWay) {
    EVP_PKEY* key = test::rsaKey(2048);
    const Bytes msg = bytesOf("secret");
    const Bytes block =
        test::rawRsaPrivate(key, test::opensslOaepEncrypt(key, HashAlg::Sha256, HashAlg::Sha256, {}, msg));
    ASSERT_TRUE(oaepDecode(block, HashAlg::Sha256, HashAlg::Sha256, {}));
    // Y, masked seed, lHash area, PS/separator area and message area.
    for (std::size_t pos :
         {std::size_t{0}, std::size_t{5}, std::size_t{40}, std::size_t{100}, block.size() - 1}) {
        Bytes bad = block;
        bad[pos] ^= 0x01;
        SCOPED_TRACE(pos);
        expectDecryptionFailed(oaepDecode(bad, HashAlg::Sha256, HashAlg::Sha256, {}));
    }
    expectDecryptionFailed(oaepDecode(block, HashAlg::Sha1, HashAlg::Sha256, {}));           // other hash
    expectDecryptionFailed(oaepDecode(block, HashAlg::Sha256, HashAlg::Sha1, {}));           // other MGF
    expectDecryptionFailed(oaepDecode(Bytes(65, 0), HashAlg::Sha256, HashAlg::Sha256, {}));  // < 2hLen+2
    // A random block: almost surely bad padding.
    Bytes random(256);
    ASSERT_EQ(RAND_bytes(random.data(), static_cast<int>(random.size())), 1);
    random[0] = 0;
    expectDecryptionFailed(oaepDecode(random, HashAlg::Sha256, HashAlg::Sha256, {}));
}

TEST(LeftPad, PadsAndRejectsLongInput) {
    EXPECT_EQ(*leftPad(hexBytes("0102"), 4), hexBytes("00000102"));
    EXPECT_EQ(*leftPad(hexBytes("01020304"), 4), hexBytes("01020304"));
    EXPECT_EQ(*leftPad({}, 2), hexBytes("0000"));
    EXPECT_EQ(leftPad(hexBytes("0102030405"), 4).error().code, Errc::InvalidArgument);
}

}  // namespace
}  // namespace crypto
