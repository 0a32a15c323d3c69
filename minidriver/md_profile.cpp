// The PIV and OpenPGP card profiles (md_profile.h).
#include "minidriver/md_profile.h"

namespace md {
namespace {

constexpr uint8_t kPivRefs[] = {0x9A, 0x9C, 0x9D, 0x9E};
constexpr const char* kPivNames[] = {"9A", "9C", "9D", "9E"};
constexpr uint8_t kPgpRefs[] = {kPgpSig, kPgpDec, kPgpAut};
constexpr const char* kPgpNames[] = {"SIG", "DEC", "AUT"};

// PIV: 0 9A, 1 9C, 2 9D, 3 9E; PIN 6-8 bytes, PUK 6-8; management key as challenge-response.
const CardProfile kPiv{.kind = CardKind::Piv,
                       .keyRefs = kPivRefs,
                       .names = kPivNames,
                       .preferredDefault = 0,
                       .adminAuth = AdminAuth::ChallengeResponse,
                       .userPin = {6, 8},
                       .adminPin = {0, 0},
                       .unblockCode = {6, 8},
                       .unblockRole = kRolePuk,
                       .signatureRole = 0,
                       .rsaMinBits = 1024,
                       .rsaMaxBits = 4096,
                       .rsaRawDecrypt = true,
                       .canDeleteKeys = true};
// OpenPGP 3.4: 0 SIG, 1 DEC, 2 AUT (the logon key is the default container); PW1 >= 6, PW3 and the
// resetting code >= 8 (§4.3), at most 127 (the card's C4 may say less and then refuses). The card
// strips PKCS#1 v1.5 itself and has no command to delete a key.
const CardProfile kPgp{.kind = CardKind::OpenPgp,
                       .keyRefs = kPgpRefs,
                       .names = kPgpNames,
                       .preferredDefault = 2,
                       .adminAuth = AdminAuth::Pin,
                       .userPin = {6, 127},
                       .adminPin = {8, 127},
                       .unblockCode = {8, 127},
                       .unblockRole = kRolePgpResetCode,
                       .signatureRole = kRolePgpSignature,
                       .rsaMinBits = 2048,
                       .rsaMaxBits = 4096,
                       .rsaRawDecrypt = false,
                       .canDeleteKeys = false};

}  // namespace

const CardProfile& pivProfile() {
    return kPiv;
}
const CardProfile& openPgpProfile() {
    return kPgp;
}

int CardProfile::indexOf(uint8_t keyRef) const {
    for (std::size_t i = 0; i < keyRefs.size(); ++i)
        if (keyRefs[i] == keyRef) return static_cast<int>(i);
    return -1;
}

DWORD CardProfile::rsaSpec(uint8_t keyRef) const {
    if (kind == CardKind::Piv)
        return keyRef == 0x9C ? AT_SIGNATURE : AT_KEYEXCHANGE;  // 9C: PIV signature slot
    return keyRef == kPgpDec ? AT_KEYEXCHANGE : AT_SIGNATURE;
}

bool CardProfile::ecdhKey(uint8_t keyRef) const {
    return kind == CardKind::Piv ? keyRef == 0x9D : keyRef == kPgpDec;  // the key-management slots
}

bool CardProfile::canSign(uint8_t keyRef) const {
    return kind == CardKind::Piv || keyRef != kPgpDec;
}

bool CardProfile::rawPkcs1Sign(uint8_t keyRef) const {
    return kind == CardKind::Piv || keyRef == kPgpAut;
}

PIN_ID CardProfile::pinRole(uint8_t keyRef) const {
    return kind == CardKind::OpenPgp && keyRef == kPgpSig ? signatureRole : PIN_ID(ROLE_USER);
}

}  // namespace md
