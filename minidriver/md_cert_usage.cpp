#include "minidriver/md_cert_usage.h"

#include <algorithm>
#include <array>

#include "core/apdu/tlv.h"

namespace md {
namespace {

constexpr std::array<uint8_t, 3> kKeyUsageOid = {0x55, 0x1D, 0x0F};  // 2.5.29.15
constexpr uint8_t kKeyEncipherment = 0x20;                          // bit 2 of the first byte
constexpr uint8_t kDataEncipherment = 0x10;                         // bit 3

// The keyUsage BIT STRING's first content byte, from the extnValue OCTET STRING's content.
std::optional<uint8_t> usageBits(core::ByteView extnValue) {
    apdu::TlvReader r(extnValue);
    auto bits = r.next();
    if (!bits || bits->tag != 0x03 || bits->value.empty()) return std::nullopt;
    return bits->value.size() > 1 ? bits->value[1] : uint8_t(0);  // value[0]: unused bits
}

}  // namespace

std::optional<bool> certificateSignsOnly(core::ByteView certDer) {
    if (certDer.empty() || certDer[0] != 0x30) return std::nullopt;
    apdu::TlvReader outer(certDer);
    auto cert = outer.next();
    if (!cert || cert->tag != 0x30) return std::nullopt;
    apdu::TlvReader certParts(cert->value);
    auto tbs = certParts.next();
    if (!tbs || tbs->tag != 0x30) return std::nullopt;
    apdu::TlvReader fields(tbs->value);
    while (!fields.atEnd()) {
        auto f = fields.next();
        if (!f) return std::nullopt;
        if (f->tag != 0xA3) continue;  // [3] extensions, the last field of tbsCertificate
        apdu::TlvReader wrapper(f->value);
        auto list = wrapper.next();
        if (!list || list->tag != 0x30) return std::nullopt;
        apdu::TlvReader exts(list->value);
        while (!exts.atEnd()) {
            auto ext = exts.next();
            if (!ext || ext->tag != 0x30) return std::nullopt;
            auto parts = apdu::parseAll(ext->value);  // extnID, critical (optional), extnValue
            if (!parts || parts->size() < 2 || (*parts)[0].tag != 0x06) return std::nullopt;
            const core::ByteView oid = (*parts)[0].value;
            if (!std::equal(oid.begin(), oid.end(), kKeyUsageOid.begin(), kKeyUsageOid.end())) continue;
            const apdu::Tlv& value = parts->back();
            if (value.tag != 0x04) return std::nullopt;
            auto bits = usageBits(value.value);
            if (!bits) return std::nullopt;
            return (*bits & (kKeyEncipherment | kDataEncipherment)) == 0;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace md
