#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "core/crypto/public_key.h"
#include "test_keys.h"

namespace crypto {
namespace {

using core::Errc;
using core::hexBytes;
using test::bytesOf;

Bytes opensslEcdsaSign(EVP_PKEY* key, ByteView msg) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
    std::size_t len = 0;
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, msg.data(), msg.size()), 1);
    Bytes sig(len);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, msg.data(), msg.size()), 1);
    sig.resize(len);
    return sig;
}

bool opensslEcdsaVerify(EVP_PKEY* key, ByteView msg, ByteView der) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EXPECT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
    return EVP_DigestVerify(ctx.get(), der.data(), der.size(), msg.data(), msg.size()) == 1;
}

TEST(EcdsaSignature, OpenSslSignaturesRoundTrip) {
    // Enough signatures that r or s with a high bit (DER 00 prefix) and short values both occur.
    for (const auto& [curve, field] :
         {std::pair{"P-256", std::size_t{32}}, std::pair{"P-384", std::size_t{48}}}) {
        EVP_PKEY* key = test::ecKey(curve);
        for (int i = 0; i < 40; ++i) {
            const Bytes msg = bytesOf(("message " + std::to_string(i)).c_str());
            const Bytes der = opensslEcdsaSign(key, msg);
            auto raw = ecdsaDerToRaw(der, field);
            ASSERT_TRUE(raw) << raw.error().message;
            ASSERT_EQ(raw->size(), 2 * field);
            auto back = ecdsaRawToDer(*raw);
            ASSERT_TRUE(back);
            EXPECT_EQ(*back, der);
            EXPECT_TRUE(opensslEcdsaVerify(key, msg, *back));
        }
    }
}

TEST(EcdsaSignature, LeadingZeroCases) {
    // r with its high bit set (DER 00 prefix), s short (left-padded in raw).
    const Bytes der = hexBytes(
        "3009"
        "020300FF01"
        "020201FF");
    auto raw = ecdsaDerToRaw(der, 4);
    ASSERT_TRUE(raw);
    EXPECT_EQ(*raw, hexBytes("0000FF01"
                             "000001FF"));
    EXPECT_EQ(*ecdsaRawToDer(*raw), der);
    // A full-width value with the high bit: 33 DER bytes for a 32-byte field.
    Bytes big(32, 0x80);
    Bytes full = big;
    core::append(full, big);
    auto d = ecdsaRawToDer(full);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->size(), 2u + 2 * 35);
    EXPECT_EQ(*ecdsaDerToRaw(*d, 32), full);
    // Zero halves encode as INTEGER 0 (and such a signature is then rejected by the strict decoder).
    EXPECT_EQ(*ecdsaRawToDer(hexBytes("0000"
                                      "0001")),
              hexBytes("3006"
                       "020100"
                       "020101"));
}

TEST(EcdsaSignature, LongFormSequenceLength) {
    // P-521: 66-byte values, so the SEQUENCE needs 0x81 length.
    Bytes raw(132, 0x01);
    auto der = ecdsaRawToDer(raw);
    ASSERT_TRUE(der);
    EXPECT_EQ((*der)[1], 0x81);
    EXPECT_EQ(*ecdsaDerToRaw(*der, 66), raw);
}

TEST(EcdsaSignature, MalformedDerTable) {
    struct Case {
        const char* name;
        const char* der;
    };
    const Case cases[] = {
        {"empty", ""},
        {"not a sequence", "3106020101020101"},
        {"sequence length beyond input", "3007020101020101"},
        {"sequence shorter than content", "3005020101020101"},
        {"trailing bytes", "300602010102010100"},
        {"indefinite length", "3080020101020101 0000"},
        {"non-minimal long length", "3081060201010201 01"},
        {"two-byte length", "308200060201010201 01"},
        {"missing s", "3003020101"},
        {"extra integer", "3009020101020101020101"},
        {"s not an integer", "3006020101040101"},
        {"empty integer", "30050200020101"},
        {"negative r", "3006020181020101"},
        {"zero r", "3006020100020101"},
        {"zero s", "3006020101020100"},
        {"non-minimal r", "300702020001020101"},
        {"r longer than field", "30080203010203020101"},
        {"r too long after stripping", "3009020400FF0203020101"},
        {"integer length beyond sequence", "3006020501020101"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto raw = ecdsaDerToRaw(hexBytes(c.der), 2);
        ASSERT_FALSE(raw);
        EXPECT_EQ(raw.error().code, Errc::Malformed);
    }
    EXPECT_TRUE(ecdsaDerToRaw(hexBytes("3006020101020101"), 2));  // the same shape, valid
    EXPECT_EQ(ecdsaDerToRaw(hexBytes("3006020101020101"), 0).error().code, Errc::InvalidArgument);
}

TEST(EcdsaSignature, RawToDerRejectsBadSizes) {
    EXPECT_EQ(ecdsaRawToDer({}).error().code, Errc::InvalidArgument);
    EXPECT_EQ(ecdsaRawToDer(Bytes(63)).error().code, Errc::InvalidArgument);
    EXPECT_EQ(ecdsaRawToDer(Bytes(134)).error().code, Errc::InvalidArgument);
}

}  // namespace
}  // namespace crypto
