// GENERATE for every algorithm after setting C1–C3, with every signature, decryption and key agreement
// checked by OpenSSL against the returned public key; the signature counter; key refusal paths.
#include <gtest/gtest.h>

#include "core/apdu/tlv.h"
#include "pgp_host_crypto.h"
#include "pgp_test_util.h"

namespace vcard::pgptest {
namespace {

class PgpKeys : public ::testing::Test {
  protected:
    void SetUp() override {
        card = memoryCard();
        h = std::make_unique<Host>(*card);
        h->select();
    }
    // Sets the attributes of `slot`, generates, checks the read-back form, returns the public key.
    Pkey generate(int slot, std::string_view attr, Kind kind) {
        h->setAttributes(slot, attr);
        const Bytes members = h->generate(slot);
        Rsp back = h->transmit(0x47, 0x81, 0x00, crt(slot));
        EXPECT_EQ(swHex(back.sw), "9000");
        EXPECT_EQ(back.data, apdu::encodeTlv(0x7F49, members)) << "P1=81 returns the same public key";
        return publicKeyFrom7F49(members, kind);
    }
    Bytes sign(ByteView input) {
        EXPECT_EQ(swHex(h->verify(0x81, "123456")), "9000");
        Rsp r = h->transmit(0x2A, 0x9E, 0x9A, input);
        EXPECT_EQ(swHex(r.sw), "9000");
        return r.data;
    }
    Bytes authenticate(ByteView input) {
        EXPECT_EQ(swHex(h->verify(0x82, "123456")), "9000");
        Rsp r = h->transmit(0x88, 0x00, 0x00, input);
        EXPECT_EQ(swHex(r.sw), "9000");
        return r.data;
    }
    Rsp decipher(ByteView input) {
        EXPECT_EQ(swHex(h->verify(0x82, "123456")), "9000");
        return h->transmit(0x2A, 0x80, 0x86, input);
    }
    // ECDH through the card: A6 { 7F49 { 86 <ephemeral public> } } vs. the host's own derivation.
    void checkEcdh(EVP_PKEY* cardPub, Kind kind) {
        Pkey eph = generateHostKey(kind);
        const Bytes tmpl = apdu::TlvBuilder()
                               .begin(0xA6)
                               .begin(0x7F49)
                               .add(0x86, publicBytes(eph.get(), kind))
                               .end()
                               .end()
                               .take();
        Rsp r = decipher(tmpl);
        ASSERT_EQ(swHex(r.sw), "9000");
        EXPECT_EQ(r.data, derive(eph.get(), cardPub));
    }
    std::string counter() { return core::toHex(h->getData(0x0093).data); }

    std::unique_ptr<VirtualCard> card;
    std::unique_ptr<Host> h;
};

TEST_F(PgpKeys, Rsa2048SignDecipherAuthenticate) {
    Pkey sig = generate(0, kRsa2048, Kind::Rsa);
    ASSERT_TRUE(sig);
    EXPECT_EQ(EVP_PKEY_get_bits(sig.get()), 2048);
    const Bytes di = sha256DigestInfo(ascii("hello"));
    const Bytes s = sign(di);
    EXPECT_EQ(s.size(), 256u);
    EXPECT_TRUE(verifyRsaDigestInfo(sig.get(), di, s));
    EXPECT_EQ(counter(), "000001");

    Pkey dec = generate(1, kRsa2048, Kind::Rsa);
    const Bytes secret = hexBytes("0911223344556677889900AABBCCDDEEFF0011223344556677889900AABBCCDDEE01");
    Bytes cryptogram{0x00};
    core::append(cryptogram, rsaEncrypt(dec.get(), secret));
    Rsp r = decipher(cryptogram);  // 257 bytes: chained
    ASSERT_EQ(swHex(r.sw), "9000");
    EXPECT_EQ(r.data, secret);
    cryptogram[0] = 0x02;  // AES padding indicator: not offered
    EXPECT_EQ(swHex(decipher(cryptogram).sw), "6A80");
    EXPECT_EQ(swHex(decipher(Bytes(cryptogram.begin(), cryptogram.end() - 1)).sw), "6A80");

    Pkey aut = generate(2, kRsa2048, Kind::Rsa);
    const Bytes challenge(102, 0x42);  // 40 % of 256 bytes
    EXPECT_TRUE(verifyRsaDigestInfo(aut.get(), challenge, authenticate(challenge)));
    EXPECT_EQ(swHex(h->transmit(0x88, 0x00, 0x00, Bytes(103, 0x42)).sw), "6A80");
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010102010301"));
    EXPECT_EQ(h->getData(0x00C5).data, Bytes(60, 0)) << "the host writes fingerprints";
}

TEST_F(PgpKeys, P256SignEcdhAuthenticateAndMseSwap) {
    Pkey sig = generate(0, kP256Sign, Kind::P256);
    Pkey dec = generate(1, kP256Ecdh, Kind::P256);
    Pkey aut = generate(2, kP256Sign, Kind::P256);
    const Bytes hash = sha256(ascii("message"));
    const Bytes s = sign(hash);
    EXPECT_EQ(s.size(), 64u);
    EXPECT_TRUE(verifyEcdsaRaw(sig.get(), hash, s));
    checkEcdh(dec.get(), Kind::P256);
    EXPECT_TRUE(verifyEcdsaRaw(aut.get(), hash, authenticate(hash)));

    // MSE: INTERNAL AUTHENTICATE with the DEC key, PSO:DECIPHER with the AUT key.
    EXPECT_EQ(h->sw("002241A403 830102"), "9000");
    EXPECT_TRUE(verifyEcdsaRaw(dec.get(), hash, authenticate(hash)));
    EXPECT_EQ(h->sw("002241B803 830103"), "9000");
    checkEcdh(aut.get(), Kind::P256);
    h->select();  // selection restores the default key references
    EXPECT_TRUE(verifyEcdsaRaw(aut.get(), hash, authenticate(hash)));

    EXPECT_EQ(swHex(decipher(hexBytes("A6457F4942864104" + std::string(128, '1'))).sw), "6A80")
        << "point not on the curve";
    EXPECT_EQ(swHex(decipher(hexBytes("A603 7F4900")).sw), "6A80");
    EXPECT_EQ(swHex(decipher(hexBytes("0011")).sw), "6A80");
}

TEST_F(PgpKeys, P384SignEcdhAuthenticate) {
    Pkey sig = generate(0, kP384Sign, Kind::P384);
    Pkey dec = generate(1, kP384Ecdh, Kind::P384);
    Pkey aut = generate(2, kP384Sign, Kind::P384);
    const Bytes hash(48, 0x33);
    const Bytes s = sign(hash);
    EXPECT_EQ(s.size(), 96u);
    EXPECT_TRUE(verifyEcdsaRaw(sig.get(), hash, s));
    checkEcdh(dec.get(), Kind::P384);
    EXPECT_TRUE(verifyEcdsaRaw(aut.get(), hash, authenticate(hash)));
}

TEST_F(PgpKeys, Ed25519AndX25519) {
    Pkey sig = generate(0, kEd25519, Kind::Ed25519);
    Pkey dec = generate(1, kCv25519, Kind::X25519);
    Pkey aut = generate(2, kEd25519, Kind::Ed25519);
    const Bytes msg = ascii("an OpenPGP digest or any message");
    const Bytes s = sign(msg);
    EXPECT_EQ(s.size(), 64u);
    EXPECT_TRUE(verifyEd25519(sig.get(), msg, s));
    checkEcdh(dec.get(), Kind::X25519);
    EXPECT_TRUE(verifyEd25519(aut.get(), msg, authenticate(msg)));
    // MSE pointing INTERNAL AUTHENTICATE at the X25519 key: it cannot sign.
    EXPECT_EQ(h->sw("002241A403 830102"), "9000");
    EXPECT_EQ(swHex(h->transmit(0x88, 0x00, 0x00, msg).sw), "6985");
}

TEST_F(PgpKeys, SignatureCounterCountsAndResetsWithANewKey) {
    generate(0, kP256Sign, Kind::P256);
    ASSERT_EQ(swHex(h->putData(0x00C4, hexBytes("01"))), "9000");
    for (int i = 0; i < 3; ++i) sign(Bytes(32, 1));
    EXPECT_EQ(counter(), "000003");
    EXPECT_EQ(h->getData(0x007A).data, hexBytes("7A05 9303 000003"));
    h->generate(0);  // PW3 still verified
    EXPECT_EQ(counter(), "000000");
    sign(Bytes(32, 1));
    EXPECT_EQ(counter(), "000001");
    generate(2, kP256Sign, Kind::P256);
    EXPECT_EQ(counter(), "000001") << "other slots leave it alone";
}

TEST_F(PgpKeys, ChangingAttributesDeletesTheKey) {
    generate(0, kP256Sign, Kind::P256);
    ASSERT_EQ(swHex(h->putData(0x00C7, Bytes(20, 0xAB))), "9000");
    ASSERT_EQ(swHex(h->putData(0x00CE, hexBytes("60000000"))), "9000");
    EXPECT_EQ(swHex(h->putData(0x00C1, hexBytes(kP256Sign))), "9000");
    EXPECT_EQ(swHex(h->transmit(0x47, 0x81, 0x00, crt(0)).sw), "9000") << "same value: not a change";
    EXPECT_EQ(swHex(h->putData(0x00C1, hexBytes(kEd25519))), "9000");
    EXPECT_EQ(swHex(h->transmit(0x47, 0x81, 0x00, crt(0)).sw), "6A88");
    EXPECT_EQ(h->getData(0x00DE).data, hexBytes("010002000300"));
    EXPECT_EQ(h->getData(0x00C5).data, Bytes(60, 0));
    EXPECT_EQ(h->getData(0x00CD).data, Bytes(12, 0));
    EXPECT_EQ(h->getData(0x00C1).data, hexBytes(kEd25519));
}

TEST_F(PgpKeys, AttributesTheCardRefuses) {
    ASSERT_EQ(swHex(h->verify(0x83, "12345678")), "9000");
    const struct {
        uint16_t tag;
        std::string attr;
    } bad[] = {
        {0xC1, std::string(kCv25519)},    // ECDH in the signature slot
        {0xC2, std::string(kEd25519)},    // EdDSA in the decryption slot
        {0xC2, std::string(kP256Sign)},   // ECDSA in the decryption slot
        {0xC3, std::string(kP256Ecdh)},   // ECDH in the authentication slot
        {0xC1, "010400002000"},           // RSA-1024
        {0xC1, "010800001000"},           // 16-bit exponent
        {0xC1, "010800002004"},           // unknown import format
        {0xC1, "01080000"},               // too short
        {0xC1, "132B8104000A"},           // secp256k1: not offered
        {0xC1, "17"},                     // unknown algorithm
        {0xC1, ""},
    };
    for (const auto& b : bad)
        EXPECT_EQ(swHex(h->putData(b.tag, hexBytes(b.attr))), "6A80") << std::hex << b.tag << " " << b.attr;
    EXPECT_EQ(swHex(h->putData(0x00C1, hexBytes("01080000110003"))), "6A80");  // 7-byte RSA
    for (const char* good : {"010800001100", "010800001103", "010C00002000", "0110000020", "132A8648CE3D030107FF",
                             "132B8104002200", "162B6570"})
        EXPECT_EQ(swHex(h->putData(0x00C3, hexBytes(good))), "9000") << good;
    EXPECT_EQ(swHex(h->putData(0x00C2, hexBytes("122B656E"))), "9000") << "RFC 8410 X25519 alias";
}

TEST_F(PgpKeys, RefusalsAnswerWithoutChangingAnything) {
    ASSERT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    EXPECT_EQ(h->sw("002A9E9A20" + std::string(64, '1') + "00"), "6A88") << "no key yet";
    h->setAttributes(0, kRsa2048);
    h->generate(0);
    h->select();
    EXPECT_EQ(swHex(h->transmit(0x2A, 0x9E, 0x9A, sha256DigestInfo(ascii("x"))).sw), "6982");
    EXPECT_EQ(swHex(h->transmit(0x47, 0x80, 0x00, crt(0)).sw), "6982");
    ASSERT_EQ(swHex(h->verify(0x81, "123456")), "9000");
    EXPECT_EQ(swHex(h->transmit(0x2A, 0x9E, 0x9A, sha256(ascii("x"))).sw), "6A80") << "not a DigestInfo";
    Bytes di = sha256DigestInfo(ascii("x"));
    di.push_back(0);
    EXPECT_EQ(swHex(h->transmit(0x2A, 0x9E, 0x9A, di).sw), "6A80");
    EXPECT_EQ(swHex(h->transmit(0x2A, 0x9E, 0x9A, {}).sw), "6A80");
    EXPECT_EQ(counter(), "000000");
    EXPECT_EQ(h->sw("002A9E9B00"), "6A86");
    EXPECT_EQ(h->sw("002A868000"), "6A86");  // PSO:ENCIPHER not offered
    EXPECT_EQ(h->sw("0047820002B600"), "6A86");
    EXPECT_EQ(h->sw("0047810102B600"), "6A86");
    EXPECT_EQ(h->sw("0047810002B700"), "6A80");
    EXPECT_EQ(h->sw("0047810005B603840102"), "6A80") << "key reference disagrees with the CRT";
    EXPECT_EQ(swHex(h->transmit(0x47, 0x81, 0x00, hexBytes("B603840101")).sw), "9000");
    EXPECT_EQ(h->sw("0047810002B800"), "6A88");
    EXPECT_EQ(h->sw("0088010000"), "6A86");
    EXPECT_EQ(h->sw("0088000004 01020304"), "6982");
}

}  // namespace
}  // namespace vcard::pgptest
