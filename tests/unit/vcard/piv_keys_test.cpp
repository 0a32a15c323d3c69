// Key pairs: GENERATE, GENERAL AUTHENTICATE (sign, decrypt, ECDH), security conditions per slot,
// IMPORT KEY, GET METADATA, ATTEST. Every card result is checked with OpenSSL on the host side.
#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"
#include "host_crypto.h"

namespace vcard::test {
namespace {

class PivKeys : public ::testing::Test {
  protected:
    void SetUp() override {
        card = memoryCard();
        h = std::make_unique<Host>(*card);
        h->selectPiv();
        ASSERT_EQ(h->authenticateDefault(), 0x9000);
    }
    std::unique_ptr<VirtualCard> card;
    std::unique_ptr<Host> h;
};

TEST_F(PivKeys, Rsa2048SignDecryptAndPinPolicy) {
    Bytes tmpl = h->generate(0x9A, 0x07);
    auto n = apdu::find(tmpl, 0x81);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->size(), 256u);
    EXPECT_EQ(Bytes(apdu::find(tmpl, 0x82)->begin(), apdu::find(tmpl, 0x82)->end()), hexBytes("010001"));
    Pkey pub = publicFromTemplate(0x07, tmpl);
    ASSERT_TRUE(pub);

    const Bytes digest = sha256(hexBytes("616263"));
    const Bytes block = pkcs1Sha256Block(digest, 256);
    uint16_t sw = 0;
    h->generalAuth(0x07, 0x9A, 0x81, block, &sw);
    EXPECT_EQ(swHex(sw), "6982") << "9A needs the PIN";
    ASSERT_EQ(h->verify("123456"), 0x9000);
    Bytes sig = h->generalAuth(0x07, 0x9A, 0x81, block, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    ASSERT_EQ(sig.size(), 256u);
    EXPECT_TRUE(verifyRsaPkcs1Sha256(pub.get(), digest, sig));
    // PIN "once": a second signature needs no new VERIFY.
    h->generalAuth(0x07, 0x9A, 0x81, block, &sw);
    EXPECT_EQ(swHex(sw), "9000");

    // Decryption is the same raw operation.
    const Bytes secret = hexBytes("000102030405060708090A0B0C0D0E0F");
    Bytes ct = rsaEncryptPkcs1(pub.get(), secret);
    Bytes em = h->generalAuth(0x07, 0x9A, 0x81, ct, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    ASSERT_EQ(em.size(), 256u);
    EXPECT_EQ(em[0], 0x00);
    EXPECT_EQ(em[1], 0x02);
    EXPECT_EQ(Bytes(em.end() - 17, em.end()),
              Bytes({0x00, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));

    // Exact length, input below the modulus, algorithm must match.
    h->generalAuth(0x07, 0x9A, 0x81, Bytes(255, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A80");
    h->generalAuth(0x07, 0x9A, 0x81, Bytes(256, 0xFF), &sw);
    EXPECT_EQ(swHex(sw), "6A80");
    h->generalAuth(0x06, 0x9A, 0x81, Bytes(128, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A86");
    h->generalAuth(0x11, 0x9A, 0x81, Bytes(32, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A86");
    h->generalAuth(0x07, 0x9A, 0x85, Bytes(65, 4), &sw);
    EXPECT_EQ(swHex(sw), "6A80") << "no key agreement with RSA";
}

TEST_F(PivKeys, SignatureKeyNeedsFreshPinEachTime) {
    Pkey pub = publicFromTemplate(0x11, h->generate(0x9C, 0x11));
    ASSERT_TRUE(pub);
    const Bytes digest = sha256(hexBytes("01"));
    uint16_t sw = 0;
    h->generalAuth(0x11, 0x9C, 0x81, digest, &sw);
    EXPECT_EQ(swHex(sw), "6982");
    ASSERT_EQ(h->verify("123456"), 0x9000);
    Bytes sig = h->generalAuth(0x11, 0x9C, 0x81, digest, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_TRUE(verifyEcdsa(pub.get(), digest, sig));
    h->generalAuth(0x11, 0x9C, 0x81, digest, &sw);
    EXPECT_EQ(swHex(sw), "6982") << "the VERIFY was consumed";
    EXPECT_EQ(swHex(h->raw("00200080").sw), "9000") << "the PIN itself stays verified";
    ASSERT_EQ(h->verify("123456"), 0x9000);
    // A malformed GA does not consume the fresh status; a use of another key does not either.
    h->generalAuth(0x11, 0x9C, 0x81, Bytes(33, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A80");
    h->generate(0x9A, 0x11);
    h->generalAuth(0x11, 0x9A, 0x81, digest, &sw);
    EXPECT_EQ(swHex(sw), "9000");
    sig = h->generalAuth(0x11, 0x9C, 0x81, digest, &sw);
    EXPECT_EQ(swHex(sw), "9000");
    EXPECT_TRUE(verifyEcdsa(pub.get(), digest, sig));
    // Metadata shows the policy.
    Rsp md = h->raw("00F7009C00");
    ASSERT_EQ(swHex(md.sw), "9000");
    EXPECT_EQ(Bytes(md.data.begin(), md.data.begin() + 10), hexBytes("010111 02020301 030101"));
}

TEST_F(PivKeys, CardAuthKeyNeedsNoPinAndP384Works) {
    Bytes tmpl = h->generate(0x9E, 0x14);
    EXPECT_EQ(apdu::find(tmpl, 0x86)->size(), 97u);
    Pkey pub = publicFromTemplate(0x14, tmpl);
    ASSERT_TRUE(pub);
    card->reset();  // no PIN, no admin
    const Bytes digest =
        core::hexBytes("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF0011223344556677");
    uint16_t sw = 0;
    Bytes sig = h->generalAuth(0x14, 0x9E, 0x81, digest, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_TRUE(verifyEcdsa(pub.get(), digest, sig));
    h->generalAuth(0x14, 0x9E, 0x81, Bytes(49, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A80") << "longer than the field";
}

TEST_F(PivKeys, EcdhMatchesOpenSsl) {
    for (uint8_t alg : {uint8_t{0x11}, uint8_t{0x14}}) {
        Pkey cardPub = publicFromTemplate(alg, h->generate(0x9D, alg));
        ASSERT_TRUE(cardPub);
        Pkey peer = generateHostKey(alg);
        const Bytes peerT = publicTemplateOf(peer.get(), alg);
        const Bytes peerPoint(peerT.begin() + 2, peerT.end());
        uint16_t sw = 0;
        h->generalAuth(alg, 0x9D, 0x85, peerPoint, &sw);
        EXPECT_EQ(swHex(sw), "6982");
        ASSERT_EQ(h->verify("123456"), 0x9000);
        Bytes z = h->generalAuth(alg, 0x9D, 0x85, peerPoint, &sw);
        ASSERT_EQ(swHex(sw), "9000");
        EXPECT_EQ(z, derive(peer.get(), cardPub.get()));
        // A point not on the curve.
        Bytes bad = peerPoint;
        bad.back() ^= 0x01;
        h->generalAuth(alg, 0x9D, 0x85, bad, &sw);
        EXPECT_EQ(swHex(sw), "6A80");
        h->generalAuth(alg, 0x9D, 0x85, Bytes(peerPoint.begin(), peerPoint.end() - 1), &sw);
        EXPECT_EQ(swHex(sw), "6A80");
        card->reset();
        ASSERT_EQ(h->authenticateDefault(), 0x9000);
    }
}

TEST_F(PivKeys, GenerateChecks) {
    card->reset();
    EXPECT_EQ(swHex(h->raw("004700 9A05 AC03800111 00").sw), "6982");
    ASSERT_EQ(h->authenticateDefault(), 0x9000);
    EXPECT_EQ(swHex(h->raw("0047019A05 AC03800111 00").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("0047009B05 AC03800111 00").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("004700F905 AC03800111 00").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("0047009A05 AC03800103 00").sw), "6A80") << "3DES is no key pair";
    EXPECT_EQ(swHex(h->raw("0047009A05 AC03800199 00").sw), "6A80");
    EXPECT_EQ(swHex(h->raw("0047009A05 AB03800111 00").sw), "6A80");
    EXPECT_EQ(swHex(h->raw("0047009A02 AC00 00").sw), "6A80");
    EXPECT_EQ(swHex(h->raw("0047009A08 AC06800111AA0109 00").sw), "6A80");
    EXPECT_EQ(swHex(h->raw("0047009A08 AC06800111810103 00").sw), "6A80") << "exponent only for RSA";
    EXPECT_EQ(swHex(h->raw("00F7009A00").sw), "6A88") << "nothing was generated";
    // Yubico policies.
    Rsp r = h->raw("0047009A0B AC09800111AA0103AB0102 00");
    ASSERT_EQ(swHex(r.sw), "9000");
    Rsp md = h->raw("00F7009A00");
    EXPECT_EQ(Bytes(md.data.begin(), md.data.begin() + 10), hexBytes("010111 02020302 030101"));
    // 9E with policy "always" requires a fresh PIN.
    ASSERT_EQ(swHex(h->raw("0047009E08 AC06800111AA0103 00").sw), "9000");
    uint16_t sw = 0;
    h->generalAuth(0x11, 0x9E, 0x81, Bytes(32, 1), &sw);
    EXPECT_EQ(swHex(sw), "6982");
    // Empty slots and unknown references.
    h->generalAuth(0x11, 0x9D, 0x81, Bytes(32, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A88");
    h->generalAuth(0x11, 0x01, 0x81, Bytes(32, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A86");
    h->generalAuth(0x11, 0xF9, 0x81, Bytes(32, 1), &sw);
    EXPECT_EQ(swHex(sw), "6A86") << "the attestation key signs attestations only";
}

TEST_F(PivKeys, Rsa1024WithRetiredSlotAndExponent) {
    Bytes tmpl = h->generate(0x82, 0x06, hexBytes("810103"));
    EXPECT_EQ(apdu::find(tmpl, 0x81)->size(), 128u);
    EXPECT_EQ(Bytes(apdu::find(tmpl, 0x82)->begin(), apdu::find(tmpl, 0x82)->end()), hexBytes("03"));
    Pkey pub = publicFromTemplate(0x06, tmpl);
    ASSERT_EQ(h->verify("123456"), 0x9000);
    const Bytes digest = sha256(hexBytes("02"));
    uint16_t sw = 0;
    Bytes sig = h->generalAuth(0x06, 0x82, 0x81, pkcs1Sha256Block(digest, 128), &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_TRUE(verifyRsaPkcs1Sha256(pub.get(), digest, sig));
}

TEST_F(PivKeys, ImportRsaAndEcAndUseThem) {
    Pkey rsa = generateHostKey(0x07);
    Bytes d;
    const char* names[] = {"rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2",
                           "rsa-coefficient1"};
    for (uint8_t t = 1; t <= 5; ++t)
        core::append(d, apdu::encodeTlv(t, bnParam(rsa.get(), names[t - 1], 128)));
    Bytes withPolicy = d;
    core::append(withPolicy, hexBytes("AA0101AB0101"));
    card->reset();
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x07, 0x9D, d).sw), "6982");
    ASSERT_EQ(h->authenticateDefault(), 0x9000);
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x06, 0x9D, d).sw), "6A80") << "1024-bit import with 2048-bit parts";
    Bytes broken = d;
    broken[3 + 128 + 3 + 128 + 3 + 10] ^= 0x01;  // dP
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x07, 0x9D, broken).sw), "6A80");
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x07, 0x9B, d).sw), "6A86");
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x03, 0x9D, d).sw), "6A86");
    ASSERT_EQ(swHex(h->transmit(0xFE, 0x07, 0x9D, withPolicy).sw), "9000");
    Rsp md = h->transmit(0xF7, 0x00, 0x9D);
    ASSERT_EQ(swHex(md.sw), "9000");
    EXPECT_EQ(Bytes(md.data.begin(), md.data.begin() + 10), hexBytes("010107 02020101 030102"));
    auto pubT = apdu::find(md.data, 0x04);
    ASSERT_TRUE(pubT);
    EXPECT_EQ(Bytes(apdu::find(*pubT, 0x81)->begin(), apdu::find(*pubT, 0x81)->end()),
              bnParam(rsa.get(), "n", 256));
    const Bytes digest = sha256(hexBytes("03"));
    uint16_t sw = 0;
    Bytes sig = h->generalAuth(0x07, 0x9D, 0x81, pkcs1Sha256Block(digest, 256), &sw);
    ASSERT_EQ(swHex(sw), "9000") << "PIN policy never";
    EXPECT_TRUE(verifyRsaPkcs1Sha256(rsa.get(), digest, sig));
    EXPECT_EQ(swHex(h->raw("00F99D0000").sw), "6A80") << "imported keys are not attested";

    Pkey ec = generateHostKey(0x11);
    Bytes ecD = apdu::encodeTlv(0x06, bnParam(ec.get(), "priv", 32));
    ASSERT_EQ(swHex(h->transmit(0xFE, 0x11, 0x9E, ecD).sw), "9000");
    md = h->raw("00F7009E00");
    EXPECT_EQ(Bytes(apdu::find(md.data, 0x04)->begin(), apdu::find(md.data, 0x04)->end()),
              publicTemplateOf(ec.get(), 0x11));
    sig = h->generalAuth(0x11, 0x9E, 0x81, digest, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_TRUE(verifyEcdsa(ec.get(), digest, sig));
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x11, 0x9E, apdu::encodeTlv(0x06, Bytes(32, 0))).sw), "6A80");
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x11, 0x9E, apdu::encodeTlv(0x06, Bytes(32, 0xFF))).sw), "6A80");
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x14, 0x9E, ecD).sw), "9000") << "short scalar is left-padded";
    EXPECT_EQ(swHex(h->transmit(0xFE, 0x11, 0x9E, apdu::encodeTlv(0x07, Bytes(32, 1))).sw), "6A80");
}

TEST_F(PivKeys, Ed25519AndX25519) {
    Pkey ed = publicFromTemplate(0xE0, h->generate(0x9A, 0xE0));
    ASSERT_TRUE(ed);
    ASSERT_EQ(h->verify("123456"), 0x9000);
    const Bytes msg = hexBytes("48656C6C6F2C20576F726C6421");
    uint16_t sw = 0;
    Bytes sig = h->generalAuth(0xE0, 0x9A, 0x81, msg, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_EQ(sig.size(), 64u);
    EXPECT_TRUE(verifyEd25519(ed.get(), msg, sig));

    Pkey x = publicFromTemplate(0xE1, h->generate(0x9D, 0xE1));
    ASSERT_TRUE(x);
    Pkey peer = generateHostKey(0xE1);
    const Bytes peerT = publicTemplateOf(peer.get(), 0xE1);
    const Bytes peerRaw(peerT.begin() + 2, peerT.end());
    Bytes z = h->generalAuth(0xE1, 0x9D, 0x85, peerRaw, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_EQ(z, derive(peer.get(), x.get()));
    h->generalAuth(0xE1, 0x9D, 0x81, msg, &sw);
    EXPECT_EQ(swHex(sw), "6A80");
}

TEST_F(PivKeys, AttestationIsSignedByTheF9Key) {
    Bytes tmpl = h->generate(0x9A, 0x11, hexBytes("AA0102AB0101"));
    Pkey pub = publicFromTemplate(0x11, tmpl);
    card->reset();  // attestation needs no authentication
    Rsp r = h->transmit(0xF9, 0x9A, 0x00);
    ASSERT_EQ(swHex(r.sw), "9000");
    const unsigned char* p = r.data.data();
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(r.data.size()));
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(p, r.data.data() + r.data.size());
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert), pub.get()), 1);
    // Issuer: the F9 key, whose public key metadata and certificate (5FFF01) agree.
    Rsp md = h->raw("00F700F900");
    ASSERT_EQ(swHex(md.sw), "9000");
    Pkey f9 = publicFromTemplate(0x11, *apdu::find(md.data, 0x04));
    ASSERT_TRUE(f9);
    EXPECT_EQ(X509_verify(cert, f9.get()), 1);
    Rsp obj = h->transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FFF01"));
    auto der = apdu::find(*apdu::unwrap(obj.data, 0x53), 0x70);
    ASSERT_TRUE(der);
    p = der->data();
    X509* root = d2i_X509(nullptr, &p, static_cast<long>(der->size()));
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(X509_verify(root, f9.get()), 1);
    EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(root)), 0);
    // Yubico policy extension 1.3.6.1.4.1.41482.3.8 = 02 01.
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.41482.3.8", 1);
    const int idx = X509_get_ext_by_OBJ(cert, oid, -1);
    ASSERT_GE(idx, 0);
    ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
    EXPECT_EQ(Bytes(v->data, v->data + v->length), hexBytes("0201"));
    ASN1_OBJECT_free(oid);
    X509_free(root);
    X509_free(cert);

    EXPECT_EQ(swHex(h->raw("00F99C0000").sw), "6A88");
    EXPECT_EQ(swHex(h->raw("00F9F90000").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("00F99A0100").sw), "6A86");
}

TEST_F(PivKeys, VersionSerialAndMetadataErrors) {
    Rsp v = h->raw("00FD000000");
    EXPECT_EQ(v.data, hexBytes("050403"));
    Rsp s = h->raw("00F8000000");
    ASSERT_EQ(s.data.size(), 4u);
    const uint32_t serial =
        static_cast<uint32_t>(s.data[0]) << 24 | s.data[1] << 16 | s.data[2] << 8 | s.data[3];
    EXPECT_GE(serial, 10000000u);
    EXPECT_LT(serial, 100000000u);
    EXPECT_EQ(swHex(h->raw("00F8010000").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("00F7019A00").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("00F7000100").sw), "6A86");
    EXPECT_EQ(swHex(h->raw("00F7009500").sw), "6A88");
}

}  // namespace
}  // namespace vcard::test
