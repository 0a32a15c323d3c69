// Our PKCS#11 module (libmesign-pkcs11.so, loaded with dlopen as applications do) through pcscd against a
// fresh `mesign-vcard --init piv,openpgp` card per test: the PIV token and the OpenPGP token of one card.
#pragma once

#include <pkcs11-helper-1.0/pkcs11.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/integration/vcard_fixture.h"
#include "tests/integration_openpgp/host_crypto.h"

#ifndef CKA_PUBLIC_KEY_INFO
#define CKA_PUBLIC_KEY_INFO 0x129UL
#endif

namespace itest {

using core::Bytes;
using core::ByteView;

inline const std::string kUserPin = "123456";
inline const std::string kAdminPin = "12345678";                                               // OpenPGP PW3
inline const std::string kManagementKey = "010203040506070801020304050607080102030405060708";  // PIV

class OpenPgpModuleFixture : public VcardFixture {
  protected:
    void SetUp() override;
    void TearDown() override;
    bool insertCardAtSetUp() const override { return false; }

    // Loads and initialises the module, then finds the card's two tokens.
    void startModule();
    CK_FUNCTION_LIST* p11() { return m_fl; }
    CK_SLOT_ID pivSlot() const { return m_pivSlot; }
    CK_SLOT_ID pgpSlot() const { return m_pgpSlot; }
    std::string tokenLabel(CK_SLOT_ID slot);

    CK_SESSION_HANDLE open(CK_SLOT_ID slot, bool readWrite = true);
    CK_RV login(CK_SESSION_HANDLE h, CK_USER_TYPE who, const std::string& pin);
    std::optional<CK_OBJECT_HANDLE> find(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls, uint8_t id);
    Bytes attribute(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type);
    // C_GenerateKeyPair in slot `id` (SO logged in); ecParams: DER OID or printable curve name. Returns the
    // public key's SPKI (CKA_PUBLIC_KEY_INFO).
    Bytes generate(CK_SESSION_HANDLE h, uint8_t id, CK_MECHANISM_TYPE mech, CK_ULONG bits = 0,
                   const Bytes& ecParams = {});
    // C_SignInit + (context-specific login when the key says CKA_ALWAYS_AUTHENTICATE) + C_Sign.
    CK_RV sign(CK_SESSION_HANDLE h, uint8_t id, CK_MECHANISM_TYPE mech, ByteView data, Bytes& sig,
               bool contextLogin = true);
    CK_RV decrypt(CK_SESSION_HANDLE h, uint8_t id, ByteView cryptogram, Bytes& plain);
    CK_RV derive(CK_SESSION_HANDLE h, uint8_t id, ByteView peer, Bytes& secret);

  private:
    CK_FUNCTION_LIST* m_fl = nullptr;
    bool m_initialized = false;
    CK_SLOT_ID m_pivSlot = ~0UL;
    CK_SLOT_ID m_pgpSlot = ~0UL;
};

}  // namespace itest
