// What differs between the card applications the minidriver presents (PIV, OpenPGP): a constant policy
// object per application, chosen by openCard() with the card. The md_*.cpp entry points ask it instead
// of testing the application in scattered places.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "minidriver/cardmod_v7.h"

namespace md {

enum class CardKind { Piv, OpenPgp };

// How ROLE_ADMIN authenticates: PIV's management key (challenge-response) or a PIN (OpenPGP PW3).
enum class AdminAuth { ChallengeResponse, Pin };

struct PinLength {
    DWORD min = 0, max = 0;
    bool ok(std::size_t n) const { return n >= min && n <= max; }
};

struct CardProfile {
    CardKind kind;
    std::span<const uint8_t> keyRefs;    // container index -> the application's key reference
    std::span<const char* const> names;  // container name suffix per index ("<cardid hex>-<suffix>")
    BYTE preferredDefault;               // default container when it holds a key (else the lowest index)
    AdminAuth adminAuth;
    PinLength userPin;      // ROLE_USER (and the OpenPGP signature role)
    PinLength adminPin;     // ROLE_ADMIN when it is a PIN
    PinLength unblockCode;  // PIV PUK / OpenPGP resetting code
    PIN_ID unblockRole;     // role id of the PUK / resetting code
    PIN_ID signatureRole;   // OpenPGP: PW1 in signature mode (81) for the SIG key; 0 = none
    DWORD rsaMinBits, rsaMaxBits;
    bool rsaRawDecrypt;  // the card returns the padded block (PIV) or strips PKCS#1 (OpenPGP)
    bool canDeleteKeys;  // CardDeleteContainer possible at all

    BYTE maxContainers() const { return static_cast<BYTE>(keyRefs.size()); }
    // Container index of a key reference, or -1.
    int indexOf(uint8_t keyRef) const;
    // RSA key spec a key reference carries by default (AT_SIGNATURE / AT_KEYEXCHANGE).
    DWORD rsaSpec(uint8_t keyRef) const;
    // True when the EC key at this reference does ECDH (else ECDSA).
    bool ecdhKey(uint8_t keyRef) const;
    // Whether the key at this reference can make signatures at all (OpenPGP DEC cannot).
    bool canSign(uint8_t keyRef) const;
    // Whether RSA PKCS#1 v1.5 without a DigestInfo can be signed by this key (OpenPGP SIG: PSO:CDS takes
    // a DigestInfo only).
    bool rawPkcs1Sign(uint8_t keyRef) const;
    // The role that guards this key (CCP_PIN_IDENTIFIER).
    PIN_ID pinRole(uint8_t keyRef) const;
};

const CardProfile& pivProfile();
const CardProfile& openPgpProfile();

// OpenPGP key references (card-apps/openpgp numbering).
inline constexpr uint8_t kPgpSig = 0x01, kPgpDec = 0x02, kPgpAut = 0x03;
// Extra roles (ids 3..7 are the card's): PIV PUK; OpenPGP PW1-for-signatures and resetting code.
inline constexpr PIN_ID kRolePuk = 3;
inline constexpr PIN_ID kRolePgpSignature = 3;
inline constexpr PIN_ID kRolePgpResetCode = 4;

}  // namespace md
