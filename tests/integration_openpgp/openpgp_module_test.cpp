// libmesign-pkcs11.so through pcscd against a virtual PIV + OpenPGP card: both tokens from one process, key
// generation in the three OpenPGP slots (SO = PW3) for every algorithm the card offers, signatures
// (RSA, ECDSA P-256/P-384, EdDSA) verified with OpenSSL, RSA decryption, ECDH (P-256, P-384, X25519) checked
// against OpenSSL's secret, certificate import, PW1 valid for one signature (CKA_ALWAYS_AUTHENTICATE),
// C_SetPIN and C_InitPIN (PW3, or the resetting code while PW3 is blocked) with exact CKR codes.
#include <iostream>

#include "card-apps/openpgp/openpgp_application.h"
#include "core/transport/pcsc_transport.h"
#include "tests/integration_openpgp/openpgp_module_fixture.h"

namespace itest {
namespace {

namespace hc = hostcrypto;

const Bytes kData = {'m', 'o', 'd', 'u', 'l', 'e', ' ', 'd', 'a', 't', 'a'};
const Bytes kP256 = core::hexBytes("06082A8648CE3D030107");
const Bytes kP384 = core::hexBytes("06052B81040022");

class OpenPgpModuleTest : public OpenPgpModuleFixture {
  protected:
    CK_RV initPin(CK_SESSION_HANDLE h, const std::string& pin) {
        return p11()->C_InitPIN(h, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data())),
                                pin.size());
    }
    CK_RV setPin(CK_SESSION_HANDLE h, const std::string& oldPin, const std::string& newPin) {
        return p11()->C_SetPIN(
            h, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(oldPin.data())), oldPin.size(),
            reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(newPin.data())), newPin.size());
    }
    CK_FLAGS tokenFlags() {
        CK_TOKEN_INFO ti{};
        EXPECT_EQ(p11()->C_GetTokenInfo(pgpSlot(), &ti), CKR_OK);
        return ti.flags;
    }
    // Three wrong user PINs: the third blocks PW1.
    void blockUserPin(CK_SESSION_HANDLE h) {
        EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
        EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
        EXPECT_EQ(login(h, CKU_USER, "000000"), CKR_PIN_LOCKED);
        EXPECT_EQ(login(h, CKU_USER, kUserPin), CKR_PIN_LOCKED);
        EXPECT_NE(tokenFlags() & CKF_USER_PIN_LOCKED, 0u);
    }
};

TEST_F(OpenPgpModuleTest, BothTokensOfOneCardFromOneProcess) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    const std::string pgpLabel = tokenLabel(pgpSlot());
    EXPECT_EQ(pgpLabel.rfind("OpenPGP card FF00", 0), 0u) << pgpLabel;
    EXPECT_EQ(pgpLabel.size(), std::string("OpenPGP card FF0012345678").size()) << pgpLabel;
    EXPECT_NE(tokenLabel(pivSlot()), pgpLabel);

    CK_SESSION_HANDLE piv = open(pivSlot());
    CK_SESSION_HANDLE pgp = open(pgpSlot());
    ASSERT_EQ(login(piv, CKU_SO, kManagementKey), CKR_OK);
    const Bytes pivSpki = generate(piv, 0x01, CKM_EC_KEY_PAIR_GEN, 0, kP256);
    ASSERT_EQ(login(pgp, CKU_SO, kAdminPin), CKR_OK);
    const Bytes pgpSpki = generate(pgp, 0x03, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048);
    ASSERT_FALSE(pivSpki.empty() || pgpSpki.empty());
    ASSERT_EQ(p11()->C_Logout(piv), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(pgp), CKR_OK);

    // Interleaved: each token re-selects its application, so the card forgets the other's PIN; the module
    // reports that login lost once (CKR_USER_NOT_LOGGED_IN) and a new C_Login brings it back.
    ASSERT_EQ(login(piv, CKU_USER, kUserPin), CKR_OK);
    ASSERT_EQ(login(pgp, CKU_USER, kUserPin), CKR_OK);
    int relogins = 0;
    auto signAs = [&](CK_SESSION_HANDLE h, CK_MECHANISM_TYPE mech, Bytes& sig) {
        CK_RV rv = sign(h, 0x01 + (h == pgp ? 2 : 0), mech, kData, sig);
        if (rv != CKR_USER_NOT_LOGGED_IN && rv != CKR_KEY_HANDLE_INVALID) return rv;
        ++relogins;
        CK_SESSION_INFO si{};
        EXPECT_EQ(p11()->C_GetSessionInfo(h, &si), CKR_OK);
        EXPECT_EQ(si.state, CKS_RW_PUBLIC_SESSION) << "a lost login is not kept as logged in";
        if (CK_RV l = login(h, CKU_USER, kUserPin); l != CKR_OK) return l;
        return sign(h, 0x01 + (h == pgp ? 2 : 0), mech, kData, sig);
    };
    for (int round = 0; round < 5; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        Bytes sig;
        ASSERT_EQ(signAs(piv, CKM_ECDSA_SHA256, sig), CKR_OK);
        EXPECT_TRUE(hc::verifyEcdsaRawHash(pivSpki, hc::sha256(kData), sig));
        ASSERT_EQ(signAs(pgp, CKM_SHA256_RSA_PKCS, sig), CKR_OK);
        EXPECT_TRUE(hc::verify(pgpSpki, "SHA256", kData, sig));
    }
    std::cout << "re-logins after the other application ran: " << relogins << " of 10 signatures\n";
}

TEST_F(OpenPgpModuleTest, KeysGeneratedInEverySlotSignDecryptAndDerive) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    CK_SESSION_HANDLE h = open(pgpSlot());
    Bytes sig;
    EXPECT_EQ(login(h, CKU_SO, kUserPin), CKR_PIN_LEN_RANGE) << "PW3 has at least 8 characters";

    struct SigCase {
        const char* name;
        CK_MECHANISM_TYPE gen;
        CK_ULONG bits;
        Bytes params;
        CK_MECHANISM_TYPE mech;
    };
    const SigCase sigCases[] = {{"RSA-2048", CKM_RSA_PKCS_KEY_PAIR_GEN, 2048, {}, CKM_SHA256_RSA_PKCS},
                                {"P-256", CKM_EC_KEY_PAIR_GEN, 0, kP256, CKM_ECDSA_SHA256},
                                {"P-384", CKM_EC_KEY_PAIR_GEN, 0, kP384, CKM_ECDSA_SHA384},
                                {"Ed25519", CKM_EC_EDWARDS_KEY_PAIR_GEN, 0, {}, CKM_EDDSA}};
    for (const SigCase& c : sigCases) {
        SCOPED_TRACE(c.name);
        ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
        const Bytes spki = generate(h, 0x01, c.gen, c.bits, c.params);
        ASSERT_FALSE(spki.empty());
        ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
        ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
        auto key = find(h, CKO_PRIVATE_KEY, 0x01);
        ASSERT_TRUE(key);
        EXPECT_EQ(attribute(h, *key, CKA_ALWAYS_AUTHENTICATE), Bytes{CK_TRUE})
            << "PW1 valid for one signature";
        // Without the context-specific login the card would refuse: the module says so first.
        EXPECT_EQ(sign(h, 0x01, c.mech, kData, sig, false), CKR_USER_NOT_LOGGED_IN);
        ASSERT_EQ(sign(h, 0x01, c.mech, kData, sig), CKR_OK);
        bool ok = false;
        if (c.mech == CKM_SHA256_RSA_PKCS)
            ok = hc::verify(spki, "SHA256", kData, sig);
        else if (c.mech == CKM_ECDSA_SHA256)
            ok = hc::verifyEcdsaRawHash(spki, hc::sha256(kData), sig);
        else if (c.mech == CKM_ECDSA_SHA384)
            ok = hc::verifyEcdsaRawHash(spki, hc::sha384(kData), sig);
        else
            ok = hc::verify(spki, "", kData, sig);
        EXPECT_TRUE(ok) << "OpenSSL rejects the signature";
        ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    }

    // Decryption slot: RSA, then ECDH on P-256, P-384 and X25519.
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    Bytes spki = generate(h, 0x02, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    const Bytes secret = {'s', 'e', 's', 's', 'i', 'o', 'n', ' ', 'k', 'e', 'y'};
    Bytes plain;
    ASSERT_EQ(decrypt(h, 0x02, hc::rsaEncrypt(spki, secret), plain), CKR_OK);
    EXPECT_EQ(plain, secret);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    struct DeriveCase {
        const char* name;
        CK_MECHANISM_TYPE gen;
        Bytes params;
    };
    const DeriveCase deriveCases[] = {{"P-256", CKM_EC_KEY_PAIR_GEN, kP256},
                                      {"P-384", CKM_EC_KEY_PAIR_GEN, kP384},
                                      {"X25519", CKM_EC_MONTGOMERY_KEY_PAIR_GEN, {}}};
    for (const DeriveCase& c : deriveCases) {
        SCOPED_TRACE(c.name);
        ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
        spki = generate(h, 0x02, c.gen, 0, c.params);
        ASSERT_FALSE(spki.empty());
        ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
        ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
        auto [hostPublic, expected] = hc::ecdhWithHostKey(spki);
        ASSERT_FALSE(expected.empty());
        Bytes z;
        ASSERT_EQ(derive(h, 0x02, hostPublic, z), CKR_OK);
        EXPECT_EQ(z, expected) << "the card and OpenSSL disagree on the ECDH secret";
        ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    }

    // Authentication slot (INTERNAL AUTHENTICATE): P-256, no per-signature PIN.
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    spki = generate(h, 0x03, CKM_EC_KEY_PAIR_GEN, 0, kP256);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    auto aut = find(h, CKO_PRIVATE_KEY, 0x03);
    ASSERT_TRUE(aut);
    EXPECT_EQ(attribute(h, *aut, CKA_ALWAYS_AUTHENTICATE), Bytes{CK_FALSE});
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(sign(h, 0x03, CKM_ECDSA_SHA256, kData, sig, false), CKR_OK);
        EXPECT_TRUE(hc::verifyEcdsaRawHash(spki, hc::sha256(kData), sig));
    }
}

TEST_F(OpenPgpModuleTest, CertificateImportNeedsPw3AndShowsUp) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    CK_SESSION_HANDLE h = open(pgpSlot());
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    const Bytes spki = generate(h, 0x01, CKM_EC_KEY_PAIR_GEN, 0, kP256);
    ASSERT_FALSE(spki.empty());
    const Bytes cert = hc::certificateFor(spki, "OpenPGP signature");
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    uint8_t id = 0x01;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                        {CKA_CERTIFICATE_TYPE, &type, sizeof type},
                        {CKA_TOKEN, &yes, sizeof yes},
                        {CKA_ID, &id, 1},
                        {CKA_VALUE, const_cast<uint8_t*>(cert.data()), cert.size()}};
    CK_OBJECT_HANDLE obj = 0;
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, kUserPin), CKR_OK);
    EXPECT_EQ(p11()->C_CreateObject(h, t, 5, &obj), CKR_USER_NOT_LOGGED_IN)
        << "certificate import needs the SO";
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    ASSERT_EQ(p11()->C_CreateObject(h, t, 5, &obj), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);

    // A fresh module instance reads it from the card (7F21 occurrence of the signature key).
    ASSERT_EQ(p11()->C_Finalize(nullptr), CKR_OK);
    ASSERT_NO_FATAL_FAILURE(startModule());
    h = open(pgpSlot(), false);
    auto found = find(h, CKO_CERTIFICATE, 0x01);
    ASSERT_TRUE(found);
    EXPECT_EQ(attribute(h, *found, CKA_VALUE), cert);
    EXPECT_FALSE(find(h, CKO_CERTIFICATE, 0x02));
}

TEST_F(OpenPgpModuleTest, SetPinForPw1AndPw3) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    CK_SESSION_HANDLE h = open(pgpSlot());
    EXPECT_EQ(setPin(h, "000000", "654321"), CKR_PIN_INCORRECT);
    EXPECT_EQ(setPin(h, kUserPin, "12345"), CKR_PIN_LEN_RANGE);
    ASSERT_EQ(setPin(h, kUserPin, "654321"), CKR_OK);
    EXPECT_EQ(login(h, CKU_USER, kUserPin), CKR_PIN_INCORRECT);
    ASSERT_EQ(login(h, CKU_USER, "654321"), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    ASSERT_EQ(setPin(h, kAdminPin, "87654321"), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    EXPECT_EQ(login(h, CKU_SO, kAdminPin), CKR_PIN_INCORRECT);
    ASSERT_EQ(login(h, CKU_SO, "87654321"), CKR_OK);
}

TEST_F(OpenPgpModuleTest, InitPinWithAdminPin) {
    ASSERT_NO_FATAL_FAILURE(startModule());
    CK_SESSION_HANDLE h = open(pgpSlot());
    EXPECT_EQ(initPin(h, "112233"), CKR_USER_NOT_LOGGED_IN);
    blockUserPin(h);

    // A read-only session cannot hold the SO login.
    CK_SESSION_HANDLE ro = open(pgpSlot(), false);
    EXPECT_EQ(login(ro, CKU_SO, kAdminPin), CKR_SESSION_READ_ONLY_EXISTS);
    ASSERT_EQ(p11()->C_CloseSession(ro), CKR_OK);
    EXPECT_EQ(login(h, CKU_SO, "87654321"), CKR_PIN_INCORRECT);
    ASSERT_EQ(login(h, CKU_SO, kAdminPin), CKR_OK);
    EXPECT_EQ(initPin(h, "12345"), CKR_PIN_LEN_RANGE);
    EXPECT_EQ(p11()->C_InitPIN(h, nullptr, 6), CKR_ARGUMENTS_BAD);
    ASSERT_EQ(initPin(h, "112233"), CKR_OK);
    EXPECT_EQ(tokenFlags() & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW), 0u);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    EXPECT_EQ(login(h, CKU_USER, kUserPin), CKR_PIN_INCORRECT);
    ASSERT_EQ(login(h, CKU_USER, "112233"), CKR_OK);
    EXPECT_EQ(initPin(h, "223344"), CKR_USER_NOT_LOGGED_IN) << "the user is not the SO";
}

// PW3 blocked, a resetting code set: the SO secret is taken as the resetting code.
TEST_F(OpenPgpModuleTest, InitPinWithResettingCodeWhilePw3IsBlocked) {
    {  // Before the module: the resetting code is set through our driver (PKCS#11 has no call for it).
        auto ctx = transport::PcscContext::establish();
        ASSERT_TRUE(ctx) << ctx.error().describe();
        auto t = transport::PcscTransport::connect(*ctx, reader());
        ASSERT_TRUE(t) << t.error().describe();
        openpgp::OpenPgpApplication app(**t);
        auto st = app.setResettingCode(core::Bytes(kAdminPin.begin(), kAdminPin.end()),
                                       core::hexBytes("52432D3132333435"));  // "RC-12345"
        ASSERT_TRUE(st) << st.error().describe();
    }
    ASSERT_NO_FATAL_FAILURE(startModule());
    CK_SESSION_HANDLE h = open(pgpSlot());
    blockUserPin(h);
    EXPECT_EQ(login(h, CKU_SO, "wrong-pw3"), CKR_PIN_INCORRECT);
    EXPECT_EQ(login(h, CKU_SO, "wrong-pw3"), CKR_PIN_INCORRECT);
    EXPECT_EQ(login(h, CKU_SO, "wrong-pw3"), CKR_PIN_LOCKED);
    EXPECT_NE(tokenFlags() & CKF_SO_PIN_LOCKED, 0u);

    // A wrong resetting code is only found out by the card at C_InitPIN, and costs one of its tries.
    ASSERT_EQ(login(h, CKU_SO, "RC-00000"), CKR_OK);
    EXPECT_EQ(initPin(h, "112233"), CKR_PIN_INCORRECT);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_SO, "RC-12345"), CKR_OK);
    ASSERT_EQ(initPin(h, "112233"), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);
    ASSERT_EQ(login(h, CKU_USER, "112233"), CKR_OK);
    ASSERT_EQ(p11()->C_Logout(h), CKR_OK);

    // Used up: three wrong codes block it, then the SO login itself is refused.
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(login(h, CKU_SO, "RC-00000"), CKR_OK) << i;
        EXPECT_EQ(initPin(h, "112233"), i < 2 ? CKR_PIN_INCORRECT : CKR_PIN_LOCKED) << i;
        (void)p11()->C_Logout(h);
    }
    EXPECT_EQ(login(h, CKU_SO, "RC-12345"), CKR_PIN_LOCKED);
}

}  // namespace
}  // namespace itest
