// Private-key operations through the minidriver on an OpenPGP card: PKCS#1 v1.5 (PSO:CDS on SIG, INTERNAL
// AUTHENTICATE on AUT) and ECDSA verified with OpenSSL, "PW1 valid for one signature", RSA decryption with
// the card's own unpadding, ECDH matched against OpenSSL, and the exact codes of what the card cannot do.
#include <openssl/evp.h>

#include "tests/minidriver/openpgp_md_fixture.h"

namespace mdtest {
namespace {

using cardapp::KeyAlgorithm;

TEST_F(OpenPgpMinidriverTest, RsaSignaturesAndWhatTheCardCannotSign) {
    const Bytes sig = provisionPgp(openpgp::key::kSig, KeyAlgorithm::Rsa2048, "");
    const Bytes aut = provisionPgp(openpgp::key::kAut, KeyAlgorithm::Rsa2048, "");
    ASSERT_FALSE(sig.empty() || aut.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes hash = sha256(Bytes{'m', 's', 'g'}), out;
    CARD_SIGNING_INFO info = signingInfo(kSig, AT_SIGNATURE, CALG_SHA_256, hash);
    EXPECT_EQ(sign(info, out), c(SCARD_W_SECURITY_VIOLATION));  // no PIN yet

    // ROLE_USER verifies 82 and 81: one signature; the card's default C4 allows no second one.
    ASSERT_EQ(authenticate(kPw1), kOk);
    PIN_SET state = 0;
    ASSERT_EQ(authenticatedState(state), kOk);
    EXPECT_EQ(state, CREATE_PIN_SET(ROLE_USER) | CREATE_PIN_SET(3));
    ASSERT_EQ(sign(info, out), kOk);
    ASSERT_EQ(out.size(), 256u);
    EXPECT_TRUE(verifyRsa(sig, hash, reversed(out), "SHA256", false, 0));
    ASSERT_EQ(authenticatedState(state), kOk);
    EXPECT_EQ(state, CREATE_PIN_SET(ROLE_USER));  // the signature PIN is spent
    EXPECT_EQ(sign(info, out), c(SCARD_W_SECURITY_VIOLATION));
    ASSERT_EQ(authRole(3, kPw1), kOk);  // PW1 in signature mode (81) alone
    ASSERT_EQ(sign(info, out), kOk);
    EXPECT_TRUE(verifyRsa(sig, hash, reversed(out), "SHA256", false, 0));

    // AUT (INTERNAL AUTHENTICATE) needs PW1 82 only, any number of times; it also takes PKCS#1 v1.5
    // without DigestInfo.
    for (int i = 0; i < 2; ++i) {
        CARD_SIGNING_INFO a = signingInfo(kAut, AT_SIGNATURE, CALG_SHA_256, hash);
        ASSERT_EQ(sign(a, out), kOk) << i;
        EXPECT_TRUE(verifyRsa(aut, hash, reversed(out), "SHA256", false, 0)) << i;
    }
    CARD_SIGNING_INFO raw = signingInfo(kAut, AT_SIGNATURE, CALG_SHA_256, hash);
    raw.dwSigningFlags = CRYPT_NOHASHOID;
    ASSERT_EQ(sign(raw, out), kOk);
    EXPECT_TRUE(verifyRsaRawPkcs1(aut, hash, reversed(out)));
    BCRYPT_PKCS1_PADDING_INFO noOid{nullptr};
    raw.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
    raw.dwPaddingType = CARD_PADDING_PKCS1;
    raw.pPaddingInfo = &noOid;
    ASSERT_EQ(sign(raw, out), kOk);
    EXPECT_TRUE(verifyRsaRawPkcs1(aut, hash, reversed(out)));

    // What the card cannot do: PSS, raw RSA, and PSO:CDS without a DigestInfo; nothing reaches the card
    // (the signature PIN is still good for the one signature after them).
    ASSERT_EQ(authRole(3, kPw1), kOk);
    for (BYTE index : {kSig, kAut}) {
        BCRYPT_PSS_PADDING_INFO pss{L"SHA256", 32};
        CARD_SIGNING_INFO p = signingInfo(index, AT_SIGNATURE, CALG_SHA_256, hash);
        p.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
        p.dwPaddingType = CARD_PADDING_PSS;
        p.pPaddingInfo = &pss;
        EXPECT_EQ(sign(p, out), c(SCARD_E_UNSUPPORTED_FEATURE)) << int(index);
        Bytes block(256, 0x11);
        CARD_SIGNING_INFO none = signingInfo(index, AT_SIGNATURE, 0, block);
        none.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
        none.dwPaddingType = CARD_PADDING_NONE;
        EXPECT_EQ(sign(none, out), c(SCARD_E_UNSUPPORTED_FEATURE)) << int(index);
    }
    CARD_SIGNING_INFO sigNoOid = signingInfo(kSig, AT_SIGNATURE, CALG_SHA_256, hash);
    sigNoOid.dwSigningFlags = CRYPT_NOHASHOID;
    EXPECT_EQ(sign(sigNoOid, out), c(SCARD_E_UNSUPPORTED_FEATURE));
    sigNoOid.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
    sigNoOid.dwPaddingType = CARD_PADDING_PKCS1;
    sigNoOid.pPaddingInfo = &noOid;
    EXPECT_EQ(sign(sigNoOid, out), c(SCARD_E_UNSUPPORTED_FEATURE));
    ASSERT_EQ(sign(info, out), kOk);
    EXPECT_TRUE(verifyRsa(sig, hash, reversed(out), "SHA256", false, 0));
}

TEST_F(OpenPgpMinidriverTest, SeveralSignaturesPerPinWhenC4SaysSo) {
    const Bytes sig = provisionPgp(openpgp::key::kSig, KeyAlgorithm::EcP384, "");
    ASSERT_FALSE(sig.empty());
    ASSERT_NO_FATAL_FAILURE(setSeveralSignatures(true));
    ASSERT_NO_FATAL_FAILURE(acquire());
    PIN_INFO pi;
    ASSERT_EQ(pinInfo(3, pi), kOk);
    EXPECT_EQ(pi.PinCachePolicy.PinCachePolicyType, PinCacheNormal);
    ASSERT_EQ(authRole(3, kPw1), kOk);
    Bytes hash = digest("SHA384", Bytes{'x'}), out;
    for (int i = 0; i < 2; ++i) {
        CARD_SIGNING_INFO info = signingInfo(kSig, AT_ECDSA_P384, CALG_SHA_384, hash);
        ASSERT_EQ(sign(info, out), kOk) << i;
        ASSERT_EQ(out.size(), 96u);
        EXPECT_TRUE(verifyEcdsaRaw(sig, hash, out)) << i;
    }
    PIN_SET state = 0;
    ASSERT_EQ(authenticatedState(state), kOk);
    EXPECT_EQ(state, CREATE_PIN_SET(3));
}

TEST_F(OpenPgpMinidriverTest, EcdsaOnSigAndAut) {
    const Bytes sig = provisionPgp(openpgp::key::kSig, KeyAlgorithm::EcP256, "");
    const Bytes aut = provisionPgp(openpgp::key::kAut, KeyAlgorithm::EcP256, "");
    ASSERT_FALSE(sig.empty() || aut.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    PIN_INFO pi;
    ASSERT_EQ(pinInfo(3, pi), kOk);  // the card's default: PW1 valid for one signature
    EXPECT_EQ(pi.PinCachePolicy.PinCachePolicyType, PinCacheAlwaysPrompt);
    EXPECT_EQ(pi.PinPurpose, DigitalSignaturePin);
    ASSERT_EQ(authenticate(kPw1), kOk);
    Bytes hash = sha256(Bytes{'e', 'c'}), out;
    for (auto [index, spki] : {std::pair{kSig, sig}, std::pair{kAut, aut}}) {
        CARD_SIGNING_INFO info = signingInfo(index, AT_ECDSA_P256, CALG_SHA_256, hash);
        ASSERT_EQ(sign(info, out), kOk) << int(index);
        ASSERT_EQ(out.size(), 64u);
        EXPECT_TRUE(verifyEcdsaRaw(spki, hash, out)) << int(index);
    }
    // An ECDSA container asked for an RSA signature: a bad argument.
    CARD_SIGNING_INFO rsa = signingInfo(kAut, AT_SIGNATURE, CALG_SHA_256, hash);
    EXPECT_EQ(sign(rsa, out), c(SCARD_E_INVALID_PARAMETER));
}

TEST_F(OpenPgpMinidriverTest, RsaDecryptionPkcs1Only) {
    const Bytes dec = provisionPgp(openpgp::key::kDec, KeyAlgorithm::Rsa2048, "");
    ASSERT_FALSE(dec.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    const Bytes msg = {'s', 'e', 'c', 'r', 'e', 't', ' ', 'k', 'e', 'y'};
    Bytes out;
    EXPECT_EQ(decrypt(kDec, rsaEncrypt(dec, msg, false), CARD_PADDING_PKCS1, nullptr, out),
              c(SCARD_W_SECURITY_VIOLATION));
    ASSERT_EQ(authenticate(kPw1), kOk);
    ASSERT_EQ(decrypt(kDec, rsaEncrypt(dec, msg, false), CARD_PADDING_PKCS1, nullptr, out), kOk);
    EXPECT_EQ(out, msg);
    // The card strips PKCS#1 v1.5 itself: OAEP and raw blocks are impossible.
    BCRYPT_OAEP_PADDING_INFO oaep{L"SHA256", nullptr, 0};
    EXPECT_EQ(decrypt(kDec, rsaEncrypt(dec, msg, true), CARD_PADDING_OAEP, &oaep, out),
              c(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(decrypt(kDec, rsaEncrypt(dec, msg, false), CARD_PADDING_NONE, nullptr, out),
              c(SCARD_E_UNSUPPORTED_FEATURE));
    // An OAEP ciphertext presented as PKCS#1: the card finds no PKCS#1 padding.
    EXPECT_EQ(decrypt(kDec, rsaEncrypt(dec, msg, true), CARD_PADDING_PKCS1, nullptr, out), c(NTE_BAD_DATA));
    ASSERT_EQ(decrypt(kDec, rsaEncrypt(dec, msg, false), CARD_PADDING_PKCS1, nullptr, out), kOk);
    EXPECT_EQ(out, msg);
    // DEC decrypts only: no signatures with it.
    Bytes hash = sha256(msg);
    CARD_SIGNING_INFO info = signingInfo(kDec, AT_KEYEXCHANGE, CALG_SHA_256, hash);
    EXPECT_EQ(sign(info, out), c(SCARD_E_UNSUPPORTED_FEATURE));
}

TEST_F(OpenPgpMinidriverTest, EcdhOnTheDecryptionKeyMatchesOpenSsl) {
    const Bytes dec = provisionPgp(openpgp::key::kDec, KeyAlgorithm::EcP256, "decec");
    ASSERT_FALSE(dec.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_EQ(authenticate(kPw1), kOk);
    auto [blob, z] = ecdhPeerP256("decec.pub.pem");
    ASSERT_EQ(z.size(), 32u);
    ASSERT_EQ(blob.size(), 8u + 64u);
    CARD_DH_AGREEMENT_INFO dh{};
    dh.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
    dh.bContainerIndex = kDec;
    dh.dwPublicKey = DWORD(blob.size());
    dh.pbPublicKey = blob.data();
    ASSERT_EQ(m_data.pfnCardConstructDHAgreement(&m_data, &dh), kOk);
    wchar_t sha256Name[] = L"SHA256";
    BCryptBuffer buffers[] = {{DWORD(sizeof sha256Name), KDF_HASH_ALGORITHM, sha256Name}};
    BCryptBufferDesc params{0, 1, buffers};
    CARD_DERIVE_KEY dk{};
    dk.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
    dk.pwszKDF = BCRYPT_KDF_HASH;
    dk.bSecretAgreementIndex = dh.bSecretAgreementIndex;
    dk.pParameterList = &params;
    ASSERT_EQ(m_data.pfnCardDeriveKey(&m_data, &dk), kOk);
    ASSERT_EQ(dk.cbDerivedKey, 32u);
    EXPECT_EQ(Bytes(dk.pbDerivedKey, dk.pbDerivedKey + 32), sha256(z));
    m_data.pfnCspFree(dk.pbDerivedKey);
    EXPECT_EQ(m_data.pfnCardDestroyDHAgreement(&m_data, dh.bSecretAgreementIndex, 0), kOk);
    dh.bContainerIndex = kAut;  // no key there
    EXPECT_EQ(m_data.pfnCardConstructDHAgreement(&m_data, &dh), c(SCARD_E_NO_KEY_CONTAINER));
}

}  // namespace
}  // namespace mdtest
