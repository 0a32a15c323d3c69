#include "vcard/piv/piv_objects.h"

#include "core/apdu/tlv.h"

namespace vcard::piv::objects {

bool isValidTag(uint32_t tag) {
    return tag == kDiscovery || tag == kBioGroupTemplate || (tag >= 0x5FC101 && tag <= 0x5FC123) ||
           (tag >= 0x5FFF00 && tag <= 0x5FFFFF);
}

std::optional<uint32_t> tagFromBytes(ByteView b) {
    if (b.empty() || b.size() > 3) return std::nullopt;
    uint32_t t = 0;
    for (uint8_t x : b) t = (t << 8) | x;
    // The tag must be encoded in exactly as many bytes as its value needs (7E is 1 byte, 7F61 is 2).
    const std::size_t need = t > 0xFFFF ? 3 : (t > 0xFF ? 2 : 1);
    if (need != b.size() || !isValidTag(t)) return std::nullopt;
    return t;
}

bool needsPinToRead(uint32_t tag) {
    return tag == 0x5FC103 || tag == 0x5FC108 || tag == kPrintedInfo || tag == 0x5FC121 || tag == 0x5FC123;
}

bool isBareTemplate(uint32_t tag) {
    return tag == kDiscovery || tag == kBioGroupTemplate;
}

uint32_t certObjectFor(uint8_t slot) {
    switch (slot) {
        case ref::kAuth:
            return 0x5FC105;
        case ref::kSign:
            return 0x5FC10A;
        case ref::kKeyMgmt:
            return 0x5FC10B;
        case ref::kCardAuth:
            return 0x5FC101;
        case ref::kAttestation:
            return kAttestationCert;
        default:
            if (slot >= ref::kRetiredFirst && slot <= ref::kRetiredLast)
                return 0x5FC10D + static_cast<uint32_t>(slot - ref::kRetiredFirst);
            return 0;
    }
}

Bytes makeChuid(ByteView guid16) {
    // FASC-N of Yubico's template (agency code 9999, all-nines credential); tags 30/34/35/3E/FE.
    static const uint8_t kFascn[25] = {0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE,
                                       0x73, 0x9D, 0x83, 0x68, 0x58, 0x21, 0x08, 0x42, 0x10,
                                       0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB};
    const char* expiry = "20300101";
    apdu::TlvBuilder b;
    b.add(0x30, ByteView(kFascn, sizeof kFascn));
    b.add(0x34, guid16);
    b.add(0x35, ByteView(reinterpret_cast<const uint8_t*>(expiry), 8));
    b.add(0x3E, ByteView());
    b.add(0xFE, ByteView());
    return b.take();
}

Bytes makeCcc(ByteView cardId14) {
    Bytes id = {0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02};
    core::append(id, cardId14);
    apdu::TlvBuilder b;
    b.add(0xF0, id).addByte(0xF1, 0x21).addByte(0xF2, 0x21).add(0xF3, ByteView()).addByte(0xF4, 0x00);
    b.addByte(0xF5, 0x10);
    for (apdu::Tag t : {0xF6u, 0xF7u, 0xFAu, 0xFBu, 0xFCu, 0xFDu, 0xFEu}) b.add(t, ByteView());
    return b.take();
}

Bytes makeDiscovery() {
    // PIV AID, PIN usage policy 40 00: only the PIV PIN satisfies access rules.
    return core::hexBytes("4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00");
}

Bytes certContainer(ByteView der) {
    apdu::TlvBuilder b;
    b.add(0x70, der).addByte(0x71, 0x00).add(0xFE, ByteView());
    return b.take();
}

}  // namespace vcard::piv::objects
