// Drives the minidriver as Windows' Base CSP would: the test owns the SCARDCONTEXT / SCARDHANDLE,
// holds the card transaction around the calls, and fills CARD_DATA with its own allocator (every
// allocation counted; all must be freed by the end of each test) and cache callbacks. The card is a
// fresh `mesign-vcard --init piv` in pcsc-sandbox.sh's reader; keys and certificates are provisioned
// beforehand through our PIV driver on a second connection, and results are checked with OpenSSL.
#pragma once

#include <memory>
#include <string>

#include "card-apps/common/card_application.h"
#include "minidriver/cardmod_v7.h"
#include "tests/integration/vcard_fixture.h"

extern "C" DWORD WINAPI CardAcquireContext(PCARD_DATA pCardData, DWORD dwFlags);

namespace mdtest {

using core::Bytes;
using core::ByteView;

// Live allocations made through the test's pfnCspAlloc / pfnCspReAlloc.
std::size_t liveAllocations();

class MinidriverTest : public itest::VcardFixture {
protected:
    void SetUp() override;
    // The card SetUp inserts: `mesign-vcard --init piv` unless a suite says otherwise (OpenPGP suites).
    bool insertCardAtSetUp() const override { return false; }
    virtual std::vector<std::string> cardOptions() const { return {"--init", "piv", "--once"}; }
    void TearDown() override;

    // A CARD_DATA as the CSP prepares it (requested version, our callbacks, our handles).
    void prepare(CARD_DATA& d, DWORD version = CARD_DATA_CURRENT_VERSION);
    // prepare() + CardAcquireContext into m_data; fails the test unless it succeeds.
    void acquire(DWORD version = CARD_DATA_CURRENT_VERSION);
    void release();  // CardDeleteContext if acquired

    // Provisioning through a second connection (before acquire()): key + certificate; returns the
    // DER SubjectPublicKeyInfo. The certificate (for the card's key) goes to `name`.der; an empty `name`
    // generates the key only (no certificate).
    // `keyUsage`: an OpenSSL keyUsage value for the certificate ("digitalSignature"); empty: no keyUsage.
    Bytes provision(uint8_t slot, cardapp::KeyAlgorithm alg, const std::string& name, const std::string& keyUsage = "");
    // A certificate for `spki` from the test CA (created once per test), DER; also left in `name`.der.
    Bytes certify(ByteView spki, const std::string& name, const std::string& keyUsage = "");

    // Drops the card's PIV security status (PIN, management key) that provisioning left behind: it is
    // card-wide, not per connection. Selects the Yubico management AID (which deselects PIV), then PIV.
    void dropSecurityStatus();

    // CardReadFile into a Bytes (freeing the caller-owned buffer); returns the code.
    DWORD readCardFile(const char* dir, const char* file, Bytes& out);
    DWORD authenticate(const char* pin, DWORD* attempts = nullptr);

    // CardRSADecrypt (info version `version`) of `cipher` (big-endian, as OpenSSL makes it) with container
    // `index`; `out` gets the plaintext the card left in the buffer.
    DWORD decrypt(BYTE index, ByteView cipher, DWORD padding, void* paddingInfo, Bytes& out,
                  DWORD version = CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO);
    // An ephemeral P-256 peer key agreed with `ourPubPem` (a PEM file in the test directory) by OpenSSL: the
    // peer's BCRYPT_ECCKEY_BLOB for CardConstructDHAgreement and the shared secret OpenSSL computed.
    std::pair<Bytes, Bytes> ecdhPeerP256(const std::string& ourPubPem);

    CARD_DATA m_data{};
    SCARDCONTEXT m_ctx = 0;
    SCARDHANDLE m_card = 0;
    Bytes m_atr;
    bool m_acquired = false;
    bool m_inTransaction = false;
};

// Bytes reversed (CAPI little-endian <-> big-endian).
Bytes reversed(ByteView b);
// A CARD_SIGNING_INFO (current version, no padding info) over `hash`.
CARD_SIGNING_INFO signingInfo(BYTE index, DWORD keySpec, ALG_ID hashAlg, Bytes& hash);
// The modulus of an RSA SubjectPublicKeyInfo, big-endian.
Bytes rsaModulus(ByteView spki);
// OpenSSL checks.
bool verifyRsa(ByteView spki, ByteView hash, ByteView sigBigEndian, const char* mdName, bool pss, int saltLen);
bool verifyRsaRawPkcs1(ByteView spki, ByteView payload, ByteView sigBigEndian);
bool verifyEcdsaRaw(ByteView spki, ByteView hash, ByteView rs);
Bytes rsaEncrypt(ByteView spki, ByteView msg, bool oaep);
Bytes sha256(ByteView data);

}  // namespace mdtest
