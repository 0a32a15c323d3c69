// PINs of an OpenPGP card through the minidriver (PW1 as ROLE_USER and as the signature role, PW3 as
// ROLE_ADMIN, the resetting code): right/wrong/retries/blocked, PIN information, unblock by PW3 and by the
// resetting code, changes; then an enrolment (key generated on the card under PW3, certificate written to
// the key's 7F21, cardcf moving) and CardDeleteContainer's refusal.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tests/minidriver/openpgp_md_fixture.h"

namespace mdtest {
namespace {

using cardapp::KeyAlgorithm;

TEST_F(OpenPgpMinidriverTest, PinInformationPerRole) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    PIN_INFO pi;
    ASSERT_EQ(pinInfo(ROLE_USER, pi), kOk);
    EXPECT_EQ(pi.PinType, AlphaNumericPinType);
    EXPECT_EQ(pi.PinPurpose, PrimaryCardPin);
    EXPECT_EQ(pi.dwChangePermission, CREATE_PIN_SET(ROLE_USER));
    EXPECT_EQ(pi.dwUnblockPermission, CREATE_PIN_SET(ROLE_ADMIN) | CREATE_PIN_SET(4));
    EXPECT_EQ(pi.PinCachePolicy.PinCachePolicyType, PinCacheNormal);
    ASSERT_EQ(pinInfo(ROLE_ADMIN, pi), kOk);
    EXPECT_EQ(pi.PinType, AlphaNumericPinType);  // PW3: a PIN, not challenge-response
    EXPECT_EQ(pi.PinPurpose, AdministratorPin);
    EXPECT_EQ(pi.dwChangePermission, CREATE_PIN_SET(ROLE_ADMIN));
    EXPECT_EQ(pi.dwUnblockPermission, 0u);
    ASSERT_EQ(pinInfo(4, pi), kOk);
    EXPECT_EQ(pi.PinPurpose, UnblockOnlyPin);
    EXPECT_EQ(pi.dwChangePermission, CREATE_PIN_SET(ROLE_ADMIN));
    EXPECT_EQ(pi.PinCachePolicy.PinCachePolicyType, PinCacheNone);
    ASSERT_EQ(pinInfo(3, pi), kOk);
    EXPECT_EQ(pi.PinPurpose, DigitalSignaturePin);
    EXPECT_EQ(pi.PinCachePolicy.PinCachePolicyType, PinCacheAlwaysPrompt);
    EXPECT_EQ(pinInfo(5, pi), c(SCARD_E_INVALID_PARAMETER));
    DWORD strength = 0, n = 0;
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_STRENGTH_VERIFY,
                                        reinterpret_cast<PBYTE>(&strength), sizeof strength, &n, 4),
              kOk);
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_STRENGTH_VERIFY,
                                        reinterpret_cast<PBYTE>(&strength), sizeof strength, &n, 5),
              c(SCARD_E_INVALID_PARAMETER));
}

TEST_F(OpenPgpMinidriverTest, UserPinRetriesBlockAndUnblockByAdmin) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    DWORD left = 99;
    EXPECT_EQ(authenticate("12345", &left), c(SCARD_E_INVALID_CHV));  // too short for PW1: no try spent
    EXPECT_EQ(authenticate("654321", &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    ASSERT_EQ(authenticate(kPw1, &left), kOk);  // a right PIN resets the counter
    EXPECT_EQ(authenticate("654321", &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    EXPECT_EQ(authRole(3, "654321", &left), c(SCARD_W_WRONG_CHV));  // the signature role is the same PW1
    EXPECT_EQ(left, 1u);
    EXPECT_EQ(authenticate("654321", &left), c(SCARD_W_CHV_BLOCKED));
    EXPECT_EQ(left, 0u);
    EXPECT_EQ(authenticate(kPw1, &left), c(SCARD_W_CHV_BLOCKED));

    // PW3 unblocks PW1 (CardUnblockPin takes the administrator's secret); a wrong PW3 costs a PW3 try.
    std::string wrongPw3 = "87654321", pw3 = kPw3, newPin = "246810";
    EXPECT_EQ(m_data.pfnCardUnblockPin(
                  &m_data, const_cast<LPWSTR>(wszCARD_USER_USER), reinterpret_cast<PBYTE>(wrongPw3.data()), 8,
                  reinterpret_cast<PBYTE>(newPin.data()), 6, 0, CARD_AUTHENTICATE_PIN_PIN),
              c(SCARD_W_WRONG_CHV));
    ASSERT_EQ(authRole(ROLE_ADMIN, wrongPw3, &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 1u);  // the unblock's wrong PW3 counted
    ASSERT_EQ(m_data.pfnCardUnblockPin(
                  &m_data, const_cast<LPWSTR>(wszCARD_USER_USER), reinterpret_cast<PBYTE>(pw3.data()), 8,
                  reinterpret_cast<PBYTE>(newPin.data()), 6, 0, CARD_AUTHENTICATE_PIN_PIN),
              kOk);
    EXPECT_EQ(authenticate(kPw1, &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    ASSERT_EQ(authenticate(newPin.c_str()), kOk);

    // ROLE_ADMIN: PW3, with its own counter (back at 3 after the right PW3 of the unblock).
    EXPECT_EQ(authRole(ROLE_ADMIN, "1234567", &left), c(SCARD_E_INVALID_CHV));  // PW3 needs 8
    EXPECT_EQ(authRole(ROLE_ADMIN, wrongPw3, &left), c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    ASSERT_EQ(authRole(ROLE_ADMIN, pw3, &left), kOk);
    // The legacy call with L"admin" is PW3 too.
    EXPECT_EQ(m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(wszCARD_USER_ADMIN),
                                            reinterpret_cast<PBYTE>(wrongPw3.data()), 8, &left),
              c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    ASSERT_EQ(m_data.pfnCardAuthenticatePin(&m_data, const_cast<LPWSTR>(wszCARD_USER_ADMIN),
                                            reinterpret_cast<PBYTE>(pw3.data()), 8, &left),
              kOk);
    PIN_SET state = 0;
    ASSERT_EQ(authenticatedState(state), kOk);
    EXPECT_EQ(state, CREATE_PIN_SET(ROLE_USER) | CREATE_PIN_SET(3) | CREATE_PIN_SET(ROLE_ADMIN));
    ASSERT_EQ(m_data.pfnCardDeauthenticateEx(&m_data, PIN_SET_ALL_ROLES, 0), kOk);
    ASSERT_EQ(authenticatedState(state), kOk);
    EXPECT_EQ(state, PIN_SET(PIN_SET_NONE));
}

TEST_F(OpenPgpMinidriverTest, ResettingCodeSetByAdminUnblocksPw1AndPinsChange) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    std::string pw3 = kPw3, rc = "RC-12345", pw1 = kPw1, newPw1 = "135790", newPw3 = "abcdefgh";
    DWORD left = 0;
    // ROLE_ADMIN writes the resetting code (role 4).
    ASSERT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_ADMIN,
                                                  reinterpret_cast<PBYTE>(pw3.data()), 8, 4,
                                                  reinterpret_cast<PBYTE>(rc.data()), 8, 0, &left),
              kOk);
    for (int i = 0; i < 3; ++i) authenticate("000000");
    EXPECT_EQ(authenticate(kPw1), c(SCARD_W_CHV_BLOCKED));
    Bytes cf0, cf1;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf0), kOk);
    std::string wrongRc = "RC-00000";
    EXPECT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_UNBLOCK, 4,
                                                  reinterpret_cast<PBYTE>(wrongRc.data()), 8, ROLE_USER,
                                                  reinterpret_cast<PBYTE>(newPw1.data()), 6, 0, &left),
              c(SCARD_W_WRONG_CHV));
    EXPECT_EQ(left, 2u);
    ASSERT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_UNBLOCK, 4,
                                                  reinterpret_cast<PBYTE>(rc.data()), 8, ROLE_USER,
                                                  reinterpret_cast<PBYTE>(newPw1.data()), 6, 0, &left),
              kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf1), kOk);
    EXPECT_NE(cf1, cf0);  // PIN freshness moved
    ASSERT_EQ(authenticate(newPw1.c_str()), kOk);
    // The resetting code cannot unblock anything but ROLE_USER, and is no signature role.
    EXPECT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_UNBLOCK, 4,
                                                  reinterpret_cast<PBYTE>(rc.data()), 8, ROLE_ADMIN,
                                                  reinterpret_cast<PBYTE>(newPw3.data()), 8, 0, &left),
              c(SCARD_E_INVALID_PARAMETER));

    // PW1 changed with itself (legacy call), PW3 with itself (Ex).
    ASSERT_EQ(m_data.pfnCardChangeAuthenticator(
                  &m_data, const_cast<LPWSTR>(wszCARD_USER_USER), reinterpret_cast<PBYTE>(newPw1.data()), 6,
                  reinterpret_cast<PBYTE>(pw1.data()), 6, 0, CARD_AUTHENTICATE_PIN_PIN, &left),
              kOk);
    ASSERT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_ADMIN,
                                                  reinterpret_cast<PBYTE>(pw3.data()), 8, ROLE_ADMIN,
                                                  reinterpret_cast<PBYTE>(newPw3.data()), 8, 0, &left),
              kOk);
    EXPECT_EQ(authRole(ROLE_ADMIN, pw3, &left), c(SCARD_W_WRONG_CHV));
    ASSERT_EQ(authRole(ROLE_ADMIN, newPw3), kOk);
    ASSERT_EQ(authenticate(kPw1), kOk);
    // A new PW1 of a length the card refuses: no APDU, SCARD_E_INVALID_CHV.
    EXPECT_EQ(m_data.pfnCardChangeAuthenticatorEx(&m_data, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER,
                                                  reinterpret_cast<PBYTE>(pw1.data()), 6, ROLE_USER,
                                                  reinterpret_cast<PBYTE>(pw1.data()), 5, 0, &left),
              c(SCARD_E_INVALID_CHV));
}

TEST_F(OpenPgpMinidriverTest, EnrolsAKeyAndItsCertificate) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cf0, cf1, cf2;
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf0), kOk);
    // Without PW3 the card refuses key generation.
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, kSig, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256,
                                              256, nullptr, ROLE_USER),
              c(SCARD_W_SECURITY_VIOLATION));
    ASSERT_EQ(authRole(ROLE_ADMIN, kPw3), kOk);
    // Key specs that do not fit the slot, RSA below the card's 2048, import: nothing generated.
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, kSig, CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                                              2048, nullptr, ROLE_USER),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, kDec, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256,
                                              256, nullptr, ROLE_USER),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, kAut, CARD_CREATE_CONTAINER_KEY_GEN, AT_SIGNATURE,
                                              1024, nullptr, ROLE_USER),
              c(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 3, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256,
                                              nullptr, ROLE_USER),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, kSig, CARD_CREATE_CONTAINER_KEY_IMPORT, AT_ECDSA_P256,
                                              256, nullptr, ROLE_USER),
              c(SCARD_E_UNSUPPORTED_FEATURE));
    Bytes map;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", map), kOk);
    EXPECT_EQ(map, Bytes(3 * CONTAINER_MAP_RECORD_SIZE, 0));

    // SIG: P-256 generated on the card, guarded by the signature role.
    ASSERT_EQ(m_data.pfnCardCreateContainerEx(&m_data, kSig, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256,
                                              256, nullptr, 3),
              kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf1), kOk);
    EXPECT_NE(cf1, cf0);
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, kSig, 0, &ci), kOk);
    ASSERT_EQ(ci.cbSigPublicKey, 72u);
    // The key as an SPKI for the certificate: 04 || X || Y under the P-256 SPKI header.
    Bytes spki = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06,
                  0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
    spki.insert(spki.end(), ci.pbSigPublicKey + 8, ci.pbSigPublicKey + 72);
    m_data.pfnCspFree(ci.pbSigPublicKey);
    const Bytes cert = certify(spki, "enrolled");

    CARD_FILE_ACCESS_CONDITION ac = EveryoneReadUserWriteAc;
    ASSERT_EQ(m_data.pfnCardCreateFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), 0, ac),
              kOk);
    Bytes certCopy = cert;
    ASSERT_EQ(m_data.pfnCardWriteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), 0,
                                      certCopy.data(), DWORD(certCopy.size())),
              kOk);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cf2), kOk);
    EXPECT_NE(cf2, cf1);
    Bytes back;
    ASSERT_EQ(readCardFile("mscp", "ksc00", back), kOk);
    EXPECT_EQ(back, cert);
    ASSERT_EQ(readCardFile("mscp", "cmapfile", map), kOk);
    EXPECT_EQ(map[80],
              CONTAINER_MAP_VALID_CONTAINER | CONTAINER_MAP_DEFAULT_CONTAINER);  // the only key: default

    // A signature with the new key, checked against the certificate's key.
    ASSERT_EQ(authenticate(kPw1), kOk);
    Bytes hash = sha256(Bytes{'n', 'e', 'w'}), sig;
    CARD_SIGNING_INFO info = signingInfo(kSig, AT_ECDSA_P256, CALG_SHA_256, hash);
    ASSERT_EQ(sign(info, sig), kOk);
    EXPECT_TRUE(verifyEcdsaRaw(spki, hash, sig));

    // OpenPGP has no command that deletes one key: refused, nothing touched.
    EXPECT_EQ(m_data.pfnCardDeleteContainer(&m_data, kSig, 0), c(SCARD_E_UNSUPPORTED_FEATURE));
    ASSERT_EQ(readCardFile("mscp", "ksc00", back), kOk);
    EXPECT_EQ(back, cert);
    // The certificate file can go (7F21 emptied).
    ASSERT_EQ(m_data.pfnCardDeleteFile(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), 0),
              kOk);
    EXPECT_EQ(readCardFile("mscp", "ksc00", back), c(SCARD_E_FILE_NOT_FOUND));
}

}  // namespace
}  // namespace mdtest
