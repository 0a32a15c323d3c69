#include "vcard/piv/piv_types.h"

namespace vcard::piv {

bool isRsa(uint8_t a) {
    return a == alg::kRsa1024 || a == alg::kRsa2048 || a == alg::kRsa3072 || a == alg::kRsa4096;
}
bool isEc(uint8_t a) {
    return a == alg::kEccP256 || a == alg::kEccP384;
}
bool isAsymmetric(uint8_t a) {
    return isRsa(a) || isEc(a) || a == alg::kEd25519 || a == alg::kX25519;
}
bool isSymmetric(uint8_t a) {
    return a == alg::kTdes || a == alg::kAes128 || a == alg::kAes192 || a == alg::kAes256;
}

std::size_t rsaBytes(uint8_t a) {
    switch (a) {
        case alg::kRsa1024:
            return 128;
        case alg::kRsa2048:
            return 256;
        case alg::kRsa3072:
            return 384;
        case alg::kRsa4096:
            return 512;
        default:
            return 0;
    }
}

std::size_t ecFieldBytes(uint8_t a) {
    if (a == alg::kEccP384) return 48;
    if (a == alg::kEccP256 || a == alg::kEd25519 || a == alg::kX25519) return 32;
    return 0;
}

std::size_t symKeyBytes(uint8_t a) {
    switch (a) {
        case alg::kTdes:
            return 24;
        case alg::kAes128:
            return 16;
        case alg::kAes192:
            return 24;
        case alg::kAes256:
            return 32;
        default:
            return 0;
    }
}

std::size_t symBlockBytes(uint8_t a) {
    return a == alg::kTdes ? 8 : (isSymmetric(a) ? 16 : 0);
}

bool isUserKeySlot(uint8_t r) {
    return r == ref::kAuth || r == ref::kSign || r == ref::kKeyMgmt || r == ref::kCardAuth ||
           (r >= ref::kRetiredFirst && r <= ref::kRetiredLast);
}
bool isKeySlot(uint8_t r) {
    return isUserKeySlot(r) || r == ref::kAttestation;
}

uint8_t defaultPinPolicy(uint8_t slot) {
    if (slot == ref::kSign) return policy::kAlways;
    if (slot == ref::kCardAuth || slot == ref::kAttestation) return policy::kNever;
    return policy::kOnce;
}

SecureBytes defaultPin() {
    return {'1', '2', '3', '4', '5', '6', 0xFF, 0xFF};
}
SecureBytes defaultPuk() {
    return {'1', '2', '3', '4', '5', '6', '7', '8'};
}
SecureBytes defaultMgmtKey() {
    SecureBytes k;
    for (int i = 0; i < 3; ++i)
        for (uint8_t b = 1; b <= 8; ++b) k.push_back(b);
    return k;
}

}  // namespace vcard::piv
