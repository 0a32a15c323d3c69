// The key pairs the crypto tests use: found on the token by type and usage, or (profiles with
// userKeyGeneration) generated once as token objects and found again by later tests.
#pragma once

#include <string>

#include "fixtures.h"
#include "openssl_verify.h"

namespace p11test {

struct KeyPair {
    CK_OBJECT_HANDLE privateKey = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE publicKey = CK_INVALID_HANDLE;
};

// DER OID of P-256 (prime256v1), the CKA_EC_PARAMS value for generation.
extern const Bytes kP256Params;

// A private key of `keyType` with `usage` (CKA_SIGN, CKA_DECRYPT, CKA_DERIVE) TRUE and the public key with
// the same CKA_ID. Needs a logged-in R/W session. Returns false with *why on failure.
bool findTestKey(CK_SESSION_HANDLE s, CK_KEY_TYPE keyType, CK_ATTRIBUTE_TYPE usage, KeyPair* out,
                 std::string* why);

CK_RV generateRsaPair(CK_SESSION_HANDLE s, CK_ULONG bits, bool token, const std::string& label, KeyPair* out);
CK_RV generateEcPair(CK_SESSION_HANDLE s, const Bytes& ecParams, bool token, const std::string& label,
                     KeyPair* out);

// The public key as OpenSSL sees it, built from the module's attributes of `publicKey`
// (CKA_MODULUS/CKA_PUBLIC_EXPONENT or CKA_EC_PARAMS/CKA_EC_POINT).
Pkey openSslPublicKey(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE publicKey, std::string* why);

// Fixture: logged in, with one key pair of the given kind ready (fails the test otherwise).
class KeyTest : public LoggedInTest {
  protected:
    void useKey(CK_KEY_TYPE keyType, CK_ATTRIBUTE_TYPE usage);
    KeyPair m_key;
    Pkey m_publicKey;  // OpenSSL's view of m_key.publicKey
};

}  // namespace p11test
