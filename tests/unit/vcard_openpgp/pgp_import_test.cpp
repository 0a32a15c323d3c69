// Key import with PUT DATA odd (DB 3FFF) and the 4D extended header list, for RSA (standard and CRT+n
// formats), P-256 with its public key, Ed25519 and X25519; each imported key is then used and checked.
#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <utility>
#include <vector>

#include "core/apdu/tlv.h"
#include "pgp_host_crypto.h"
#include "pgp_test_util.h"

namespace vcard::pgptest {
namespace {

using Parts = std::vector<std::pair<uint8_t, Bytes>>;

Bytes padLeft(Bytes v, std::size_t n) {
    while (v.size() < n) v.insert(v.begin(), 0);
    return v;
}

Bytes extendedHeaderList(int slot, const Parts& parts) {
    Bytes tmpl, values;
    for (const auto& [tag, v] : parts) {
        tmpl.push_back(tag);
        apdu::appendLength(tmpl, v.size());
        core::append(values, v);
    }
    return apdu::TlvBuilder().begin(0x4D).raw(crt(slot)).add(0x7F48, tmpl).add(0x5F48, values).end().take();
}

Parts rsaParts(EVP_PKEY* k, bool crtAndN) {
    Parts p = {{0x91, padLeft(rsaComponent(k, OSSL_PKEY_PARAM_RSA_E), 4)},
               {0x92, rsaComponent(k, OSSL_PKEY_PARAM_RSA_FACTOR1)},
               {0x93, rsaComponent(k, OSSL_PKEY_PARAM_RSA_FACTOR2)}};
    if (crtAndN) {
        p.push_back({0x94, rsaComponent(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)});
        p.push_back({0x95, rsaComponent(k, OSSL_PKEY_PARAM_RSA_EXPONENT1)});
        p.push_back({0x96, rsaComponent(k, OSSL_PKEY_PARAM_RSA_EXPONENT2)});
        p.push_back({0x97, rsaComponent(k, OSSL_PKEY_PARAM_RSA_N)});
    }
    return p;
}

class PgpImport : public ::testing::Test {
  protected:
    void SetUp() override {
        card = memoryCard();
        h = std::make_unique<Host>(*card);
        h->select();
        ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    }
    std::string import(int slot, const Parts& parts) {
        return swHex(h->transmit(0xDB, 0x3F, 0xFF, extendedHeaderList(slot, parts), 0).sw);
    }
    Bytes sign(ByteView input) {
        EXPECT_EQ(swHex(h->verify(0x81, "123456")), "9000");
        Rsp r = h->transmit(0x2A, 0x9E, 0x9A, input);
        EXPECT_EQ(swHex(r.sw), "9000");
        return r.data;
    }
    Rsp withPw1Other(uint8_t ins, uint8_t p1, uint8_t p2, ByteView data) {
        EXPECT_EQ(swHex(h->verify(0x82, "123456")), "9000");
        return h->transmit(ins, p1, p2, data);
    }

    std::unique_ptr<VirtualCard> card;
    std::unique_ptr<Host> h;
};

TEST_F(PgpImport, RsaStandardFormatIntoTheSignatureSlot) {
    Pkey k = generateHostKey(Kind::Rsa);
    const Bytes di = sha256DigestInfo(ascii("imported"));
    EXPECT_EQ(import(0, rsaParts(k.get(), false)), "9000");
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010202000300"));
    EXPECT_TRUE(verifyRsaDigestInfo(k.get(), di, sign(di)));
    EXPECT_EQ(h->getData(0x0093).data, hexBytes("000001"));
    ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    EXPECT_EQ(import(0, rsaParts(k.get(), false)), "9000");
    EXPECT_EQ(h->getData(0x0093).data, hexBytes("000000")) << "a new SIG key resets the counter";
    // The public key read back is the imported one.
    Rsp pub = h->transmit(0x47, 0x81, 0x00, crt(0));
    ASSERT_EQ(swHex(pub.sw), "9000");
    auto n = apdu::find(*apdu::unwrap(pub.data, 0x7F49), 0x81);
    ASSERT_TRUE(n);
    EXPECT_EQ(Bytes(n->begin(), n->end()), rsaComponent(k.get(), OSSL_PKEY_PARAM_RSA_N));
}

TEST_F(PgpImport, RsaCrtWithModulusIntoTheDecryptionSlot) {
    ASSERT_EQ(swHex(h->putData(0x00C2, hexBytes("010800002003"))), "9000");
    Pkey k = generateHostKey(Kind::Rsa);
    Parts parts = rsaParts(k.get(), true);
    EXPECT_EQ(import(1, parts), "9000");
    const Bytes secret = ascii("session key bytes");
    Bytes cryptogram{0x00};
    core::append(cryptogram, rsaEncrypt(k.get(), secret));
    Rsp r = withPw1Other(0x2A, 0x80, 0x86, cryptogram);
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(r.data, secret);

    // Inconsistent CRT values are refused and the old key stays.
    Pkey other = generateHostKey(Kind::Rsa);
    Parts mixed = rsaParts(other.get(), true);
    std::swap(mixed[4].second, mixed[5].second);  // dp <-> dq
    EXPECT_EQ(import(1, mixed), "6A80");
    mixed = rsaParts(other.get(), true);
    mixed[6].second = rsaComponent(k.get(), OSSL_PKEY_PARAM_RSA_N);  // n of another key
    EXPECT_EQ(import(1, mixed), "6A80");
    r = withPw1Other(0x2A, 0x80, 0x86, cryptogram);
    EXPECT_EQ(r.data, secret);
    Pkey small = generateHostKey(Kind::Rsa, 1024);
    EXPECT_EQ(import(1, rsaParts(small.get(), false)), "6A80") << "1024-bit key for a 2048-bit slot";
    Parts noQ = rsaParts(other.get(), false);
    noQ.pop_back();
    EXPECT_EQ(import(1, noQ), "6A80");
}

TEST_F(PgpImport, P256WithPublicKeyIntoTheAuthenticationSlot) {
    ASSERT_EQ(swHex(h->putData(0x00C3, hexBytes("132A8648CE3D030107FF"))), "9000");
    Pkey k = generateHostKey(Kind::P256);
    Pkey other = generateHostKey(Kind::P256);
    EXPECT_EQ(import(2, {{0x92, padLeft(ecPrivate(k.get()), 32)}, {0x99, publicBytes(other.get(), Kind::P256)}}),
              "6A80")
        << "public key of another key";
    EXPECT_EQ(import(2, {{0x92, Bytes(32, 0)}}), "6A80") << "zero scalar";
    EXPECT_EQ(import(2, {{0x91, Bytes(3, 1)}, {0x92, padLeft(ecPrivate(k.get()), 32)}}), "6A80");
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010002000300"));
    EXPECT_EQ(import(2, {{0x92, padLeft(ecPrivate(k.get()), 32)}, {0x99, publicBytes(k.get(), Kind::P256)}}),
              "9000");
    const Bytes hash = sha256(ascii("ssh session"));
    Rsp r = withPw1Other(0x88, 0x00, 0x00, hash);
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_TRUE(verifyEcdsaRaw(k.get(), hash, r.data));
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010002000302"));
}

TEST_F(PgpImport, Ed25519AndX25519) {
    ASSERT_EQ(swHex(h->putData(0x00C1, hexBytes(kEd25519))), "9000");
    ASSERT_EQ(swHex(h->putData(0x00C2, hexBytes(kCv25519))), "9000");
    Pkey ed = generateHostKey(Kind::Ed25519);
    EXPECT_EQ(import(0, {{0x92, rawPrivate(ed.get())}}), "9000");
    const Bytes msg = ascii("digest");
    EXPECT_TRUE(verifyEd25519(ed.get(), msg, sign(msg)));

    // OpenPGP holds the cv25519 scalar big-endian: the card reverses it to RFC 7748 order.
    Pkey x = generateHostKey(Kind::X25519);
    Bytes scalar = rawPrivate(x.get());
    std::reverse(scalar.begin(), scalar.end());
    ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    EXPECT_EQ(import(1, {{0x92, scalar}}), "9000");
    Pkey eph = generateHostKey(Kind::X25519);
    const Bytes tmpl =
        apdu::TlvBuilder().begin(0xA6).begin(0x7F49).add(0x86, publicBytes(eph.get(), Kind::X25519)).end().end().take();
    Rsp r = withPw1Other(0x2A, 0x80, 0x86, tmpl);
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(r.data, derive(eph.get(), x.get()));
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010202020300"));
}

TEST_F(PgpImport, MalformedImportsAreRefused) {
    Pkey k = generateHostKey(Kind::P256);
    ASSERT_EQ(swHex(h->putData(0x00C1, hexBytes(kP256Sign))), "9000");
    const Bytes good = extendedHeaderList(0, {{0x92, padLeft(ecPrivate(k.get()), 32)}});
    EXPECT_EQ(swHex(h->transmit(0xDB, 0x3F, 0xFE, good, 0).sw), "6A86");
    const struct {
        const char* name;
        std::string hex;
    } bad[] = {
        {"not 4D", "4E00"},
        {"empty 4D", "4D00"},
        {"no 5F48", "4D07 B600 7F4802 9220"},
        {"values shorter than the template", "4D0B B600 7F4802 9220 5F4801 01"},
        {"values longer than the template", "4D0C B600 7F4802 9201 5F4802 0101"},
        {"duplicate tag", "4D0E B600 7F4804 92019201 5F4802 0101"},
        {"unknown CRT", "4D0B B700 7F4802 9201 5F4801 01"},
        {"truncated template", "4D0A B600 7F4801 92 5F4801 01"},
        {"trailing data", core::toHex(good) + "9000"},
    };
    for (const auto& b : bad)
        EXPECT_EQ(swHex(h->transmit(0xDB, 0x3F, 0xFF, hexBytes(b.hex), 0).sw), "6A80") << b.name;
    h->select();
    EXPECT_EQ(swHex(h->transmit(0xDB, 0x3F, 0xFF, good, 0).sw), "6982");
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010002000300"));
}

}  // namespace
}  // namespace vcard::pgptest
