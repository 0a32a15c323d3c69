// Lookups over the constexpr tables of openpgp_constants.h.
#include "card-apps/openpgp/openpgp_constants.h"

#include <algorithm>

namespace openpgp {

const CurveInfo& curveInfo(Curve c) {
    for (const CurveInfo& ci : kCurves)
        if (ci.curve == c) return ci;
    return kCurves[0];  // unreachable: every enumerator has a row
}

std::optional<Curve> curveFromOid(core::ByteView oid) {
    for (const CurveInfo& ci : kCurves)
        if (std::ranges::equal(ci.oidBytes(), oid)) return ci.curve;
    if (std::ranges::equal(kOidX25519Rfc8410, oid)) return Curve::Cv25519;
    if (std::ranges::equal(kOidEd25519Rfc8410, oid)) return Curve::Ed25519;
    return std::nullopt;
}

const SlotInfo* findSlot(uint8_t keyRef) {
    for (const SlotInfo& s : kSlots)
        if (s.ref == keyRef) return &s;
    return nullptr;
}

bool slotAccepts(uint8_t keyRef, KeyAlgorithm alg) {
    if (!findSlot(keyRef) || alg == KeyAlgorithm::Rsa1024) return false;  // 3.4 cards start at 2048
    if (cardapp::isRsa(alg) || cardapp::isEc(alg)) return true;
    if (alg == KeyAlgorithm::Ed25519) return keyRef != key::kDec;
    if (alg == KeyAlgorithm::X25519) return keyRef == key::kDec;
    return false;
}

const char* manufacturerName(uint16_t id) {
    switch (id) {
        case 0x0001:
            return "PPC Card Systems";
        case 0x0002:
            return "Prism";
        case 0x0003:
            return "OpenFortress";
        case 0x0004:
            return "Wewid";
        case 0x0005:
            return "ZeitControl";
        case 0x0006:
            return "Yubico";
        case 0x0007:
            return "OpenKMS";
        case 0x0008:
            return "LogoEmail";
        case 0x0009:
            return "Fidesmo";
        case 0x000A:
            return "VivoKey";
        case 0x000B:
            return "Feitian";
        case 0x000D:
            return "Dangerous Things";
        case 0x000E:
            return "Excelsecu";
        case 0x000F:
            return "Nitrokey";
        case 0x0010:
            return "NeoPGP";
        case 0x0011:
            return "Token2";
        case 0x002A:
            return "Magrathea";
        case 0x0042:
            return "GnuPG e.V.";
        case 0xF1D0:
            return "CanoKeys";
        case 0xF517:
            return "FSIJ";
        case 0xF5EC:
            return "F-Secure";
        case 0x0000:
        case 0xFFFF:
            return "test card";
        default:
            return id >= 0xFF00 ? "unmanaged (random serial)" : "Unknown";
    }
}

}  // namespace openpgp
