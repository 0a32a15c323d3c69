// Fixture for the module's unit tests: a fake PC/SC world (tests/support) with one reader holding a
// fresh virtual PIV card, handed to the module through the test-only backend hook; every call goes
// through the function list from C_GetFunctionList / C_GetInterface, as a real application's would.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "card-apps/common/card_application.h"
#include "pkcs11/entry_points.h"
#include "pkcs11/p11_header.h"
#include "tests/support/fake_reader_backend.h"

namespace p11test {

using core::ByteView;
using core::Bytes;

inline const std::string kPin = "123456";
inline const std::string kPuk = "12345678";
inline const std::string kMgmtKeyHex = "010203040506070801020304050607080102030405060708";

// Host-side OpenSSL helpers (public keys only).
Bytes makeCertificate(ByteView spki, const std::string& cn);
bool verifySignature(ByteView spki, const char* digest, ByteView msg, ByteView sig, bool pss = false);
bool verifyEcdsaRaw(ByteView spki, ByteView hash, ByteView rawSig);
Bytes rsaEncrypt(ByteView spki, ByteView msg, bool oaep);
// ECDH with an ephemeral host key: returns {host public point 04||X||Y, shared secret}.
std::pair<Bytes, Bytes> ecdhWithHostKey(ByteView spki);
Bytes sha256(ByteView msg);

class P11Test : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    void initialize();
    CK_SLOT_ID slot();
    CK_SESSION_HANDLE open(bool rw = true);
    void loginUser(CK_SESSION_HANDLE h);
    CK_RV login(CK_SESSION_HANDLE h, CK_USER_TYPE type, const std::string& pin);

    // Puts a key (and optionally a certificate) on the card "from another process" (own TokenManager);
    // returns the SPKI. Call before initialize() or between calls.
    Bytes enrol(uint8_t ref, cardapp::KeyAlgorithm alg, bool withCertificate = true);

    std::vector<CK_OBJECT_HANDLE> find(CK_SESSION_HANDLE h, std::vector<CK_ATTRIBUTE> tmpl = {});
    CK_OBJECT_HANDLE findOne(CK_SESSION_HANDLE h, CK_OBJECT_CLASS cls, uint8_t id);
    Bytes attribute(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t);

    std::shared_ptr<testsupport::FakeReaders> m_world;
    std::shared_ptr<testsupport::FakeCard> m_card;
    CK_FUNCTION_LIST* m_fl = nullptr;
    CK_FUNCTION_LIST_3_0* m_fl3 = nullptr;
};

}  // namespace p11test
