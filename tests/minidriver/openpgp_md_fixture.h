// The minidriver over an OpenPGP card: `mesign-vcard --init openpgp` (no PIV application, so openCard()
// picks OpenPGP). Keys are provisioned through card-apps/openpgp on a second connection with PW3 before
// acquire(), which then leaves no PIN verified on the card.
#pragma once

#include <functional>

#include "card-apps/openpgp/openpgp_application.h"
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {

inline constexpr DWORD kOk = SCARD_S_SUCCESS;
inline DWORD c(LONG v) {
    return static_cast<DWORD>(v);
}
inline constexpr const char* kPw1 = "123456";
inline constexpr const char* kPw3 = "12345678";
inline constexpr BYTE kSig = 0, kDec = 1, kAut = 2;  // container indices

class OpenPgpMinidriverTest : public MinidriverTest {
  protected:
    std::vector<std::string> cardOptions() const override { return {"--init", "openpgp", "--once"}; }

    // Generates a key in the OpenPGP slot (01 SIG, 02 DEC, 03 AUT) and, unless `name` is empty, writes a
    // certificate for it to the slot's 7F21; returns the DER SPKI.
    Bytes provisionPgp(uint8_t keyRef, cardapp::KeyAlgorithm alg, const std::string& name);
    // C4 byte 1: "PW1 valid for several signatures" (true) or for one (false, the card's default).
    void setSeveralSignatures(bool several);

    DWORD authRole(PIN_ID role, const std::string& pin, DWORD* attempts = nullptr);
    DWORD sign(CARD_SIGNING_INFO& info, Bytes& sig);
    DWORD pinInfo(PIN_ID role, PIN_INFO& info);
    DWORD authenticatedState(PIN_SET& set);

};

// provisionPgp() for any fixture (the Wine test's too): PW3 on an own connection to `reader`, GENERATE in
// `keyRef`, the certificate `certify` makes from the SPKI written to 7F21 (none when `certify` is empty),
// then logout. Returns the DER SPKI (empty after a failed assertion).
Bytes provisionOpenPgpKey(const std::string& reader, uint8_t keyRef, cardapp::KeyAlgorithm alg,
                          const std::function<Bytes(ByteView)>& certify);
// Leaves no PIN verified on the OpenPGP card in `reader` (OpenPgpApplication::logout on an own connection).
void logoutOpenPgp(const std::string& reader);

// OpenSSL's SHA-256/384 digest.
Bytes digest(const char* md, ByteView data);

}  // namespace mdtest
