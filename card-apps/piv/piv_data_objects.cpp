#include "card-apps/piv/piv_data_objects.h"

#include <array>

namespace piv {
namespace {

// Certificates of key slots (5FC105, 5FC10A, 5FC10B, 5FC101, 5FC10D..5FC120) are listed as certificates,
// not here. Yubico's own vendor objects are left alone: 5FFF00 admin data, 5FFF01 attestation, and 5FFF10 MSCMAP
// + 5FFF11..5FFF15 MSROOTS, where Yubico's Windows minidriver keeps its container map and root certificates
// (yubico-piv-tool's ykpiv.h): a PKCS#11 data object there would overwrite them. Ours are 5FFF20..5FFF23.
constexpr std::array<DataObjectSpec, 16> kSpecs = {{
    {0x5FC107, "Card Capability Container", "2.16.840.1.101.3.7.1.219.0", false, false},
    {0x5FC102, "Card Holder Unique Identifier", "2.16.840.1.101.3.7.2.48.0", false, false},
    {0x5FC103, "Cardholder Fingerprints", "2.16.840.1.101.3.7.2.96.16", true, false},
    {0x5FC106, "Security Object", "2.16.840.1.101.3.7.2.144.0", false, false},
    {0x5FC108, "Cardholder Facial Image", "2.16.840.1.101.3.7.2.96.48", true, false},
    {0x5FC109, "Printed Information", "2.16.840.1.101.3.7.2.48.1", true, false},
    {0x00007E, "Discovery Object", "2.16.840.1.101.3.7.2.96.80", false, false},
    {0x5FC10C, "Key History Object", "2.16.840.1.101.3.7.2.96.96", false, false},
    {0x5FC121, "Cardholder Iris Images", "2.16.840.1.101.3.7.2.16.21", true, false},
    {0x007F61, "Biometric Information Templates Group Template", "2.16.840.1.101.3.7.2.16.22", false, false},
    {0x5FC122, "Secure Messaging Certificate Signer", "2.16.840.1.101.3.7.2.16.23", false, false},
    {0x5FC123, "Pairing Code Reference Data Container", "2.16.840.1.101.3.7.2.16.24", true, false},
    {0x5FFF20, "Data object 1", "", false, true},
    {0x5FFF21, "Data object 2", "", false, true},
    {0x5FFF22, "Data object 3", "", false, true},
    {0x5FFF23, "Data object 4", "", false, true},
}};

}  // namespace

std::span<const DataObjectSpec> dataObjectSpecs() {
    return kSpecs;
}

const DataObjectSpec* findDataObject(uint32_t tag) {
    for (const DataObjectSpec& s : kSpecs)
        if (s.tag == tag) return &s;
    return nullptr;
}

}  // namespace piv
