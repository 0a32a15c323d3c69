// The module under test, driven like an application: dlopen, C_GetFunctionList, and the handful of
// operations the fault tests exercise. Every call returns its CK_RV (never asserts) so a test can check
// the exact code; OpenSSL verifies what the token produced.
#pragma once

#include <pkcs11-helper-1.0/pkcs11.h>

#include <string>
#include <vector>

#include "harness.h"

namespace fault {

CK_FUNCTION_LIST* p11();  // loaded once (never unloaded, like most applications)
void loadModule(const std::string& path);
std::string ckrName(CK_RV rv);

// PIV defaults of a fresh mesign-vcard card.
inline constexpr char kUserPin[] = "123456";
inline constexpr char kManagementKey[] = "010203040506070801020304050607080102030405060708";
// CKA_ID of the PIV slots (pkcs11/README.md): 9A = 01, 9D = 03, 9E = 04.
inline constexpr unsigned char kIdSign = 0x01, kIdDecrypt = 0x03, kIdKeygen = 0x04;

// The first slot with a token; 0 with *rv set when none appears within `seconds`.
bool waitForToken(double seconds, CK_SLOT_ID* slot);

CK_RV openSession(CK_SLOT_ID slot, bool rw, CK_SESSION_HANDLE* h);
CK_RV login(CK_SESSION_HANDLE h, CK_USER_TYPE who, const std::string& pin);
CK_RV findKey(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls, unsigned char id, CK_OBJECT_HANDLE* key);
CK_RV signSha256Rsa(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, const Bytes& data, Bytes* sig);
CK_RV decryptRsaPkcs(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, const Bytes& cipher, Bytes* plain);
CK_RV generateEcP256(CK_SESSION_HANDLE h, unsigned char id);
CK_RV writeCertificate(CK_SESSION_HANDLE h, unsigned char id, const Bytes& der);

// OpenSSL with the public keys the provisioning wrote as PEM ("" = verified / encrypted).
std::string verifySha256Rsa(const fs::path& pubPem, const Bytes& data, const Bytes& sig);
Bytes encryptRsaPkcs(const fs::path& pubPem, const Bytes& plain, std::string* error);

}  // namespace fault
