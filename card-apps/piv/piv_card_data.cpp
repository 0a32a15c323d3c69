// PivCard: GET DATA / PUT DATA and the data objects built on them (§2, §5.2, §5.3).
#include "card-apps/piv/piv_card.h"
#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "core/transport/transport.h"

namespace piv {

using core::Errc;
using core::fail;

namespace {
// Discovery and the biometric group template travel as their own template, not inside 53.
bool isBareTemplate(uint32_t objectTag) {
    return objectTag == obj::kDiscovery || objectTag == obj::kBiometricGroup;
}

Bytes tagBytes(uint32_t t) {
    Bytes b;
    apdu::appendTag(b, t);
    return b;
}

core::Result<uint32_t> certificateObject(uint8_t slot) {
    auto objTag = certificateObjectFor(slot);
    if (!objTag) return fail(Errc::InvalidArgument, "not a PIV key slot with a certificate object");
    return *objTag;
}
}  // namespace

core::Result<Bytes> PivCard::getDataRaw(uint32_t objectTag) {
    // Le: the whole object (65536) when the channel may use extended length: a certificate then comes in
    // one APDU instead of a GET RESPONSE chain, and such a read is what probes the card's support (see
    // apdu::ChannelOptions). The short objects a new connection reads to identify the card ask 256, so the
    // probe waits until the disk cache (which remembers its outcome per card) has been consulted.
    const bool small =
        objectTag == obj::kChuid || objectTag == obj::kDiscovery || objectTag == obj::kKeyHistory;
    apdu::Command cmd(0x00, ins::kGetData, 0x3F, 0xFF, apdu::encodeTlv(tag::kTagList, tagBytes(objectTag)),
                      small ? apdu::kMaxShortLe : apdu::kMaxExtended + 1);
    auto resp = send(cmd);
    if (!resp) return fail(resp.error());
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, "GET DATA " + core::toHex(tagBytes(objectTag))));
    return std::move(resp->data);
}

core::Result<Bytes> PivCard::getData(uint32_t objectTag) {
    auto raw = getDataRaw(objectTag);
    if (!raw) return fail(raw.error());
    if (raw->empty()) return Bytes();  // some cards answer an empty object with no 53 at all
    const uint32_t wrapper = isBareTemplate(objectTag) ? objectTag : tag::kData;
    auto content = apdu::unwrap(*raw, wrapper);
    if (!content)
        return fail(Errc::Malformed,
                    "GET DATA " + core::toHex(tagBytes(objectTag)) + ": " + content.error().message);
    return Bytes(content->begin(), content->end());
}

core::Result<std::optional<Bytes>> PivCard::getDataIfPresent(uint32_t objectTag) {
    auto content = getData(objectTag);
    if (!content) {
        if (content.error().code == Errc::NotFound) return std::optional<Bytes>();
        return fail(content.error());
    }
    return std::optional<Bytes>(std::move(*content));
}

core::Status PivCard::putData(uint32_t objectTag, ByteView content) {
    Bytes data;
    if (isBareTemplate(objectTag)) {
        data = apdu::encodeTlv(objectTag, content);
    } else {
        data = apdu::encodeTlv(tag::kTagList, tagBytes(objectTag));
        core::append(data, apdu::encodeTlv(tag::kData, content));
    }
    apdu::Command cmd(0x00, ins::kPutData, 0x3F, 0xFF, std::move(data));
    auto ok = sendOk(cmd, "PUT DATA " + core::toHex(tagBytes(objectTag)));
    if (!ok) return fail(ok.error());
    return {};
}

core::Result<std::optional<Chuid>> PivCard::readChuid() {
    auto content = getDataIfPresent(obj::kChuid);
    if (!content) return fail(content.error());
    if (!*content || (*content)->empty()) return std::optional<Chuid>();
    auto chuid = decodeChuid(**content);
    if (!chuid) return fail(chuid.error());
    return std::optional<Chuid>(std::move(*chuid));
}

core::Status PivCard::putChuid(const Chuid& chuid) {
    return putData(obj::kChuid, encodeChuid(chuid));
}

core::Result<std::optional<Discovery>> PivCard::readDiscovery() {
    auto content = getDataIfPresent(obj::kDiscovery);
    if (!content) return fail(content.error());
    if (!*content || (*content)->empty()) return std::optional<Discovery>();
    auto d = decodeDiscovery(**content);
    if (!d) return fail(d.error());
    return std::optional<Discovery>(std::move(*d));
}

core::Result<std::optional<KeyHistory>> PivCard::readKeyHistory() {
    auto content = getDataIfPresent(obj::kKeyHistory);
    if (!content) return fail(content.error());
    if (!*content || (*content)->empty()) return std::optional<KeyHistory>();
    auto h = decodeKeyHistory(**content);
    if (!h) return fail(h.error());
    return std::optional<KeyHistory>(std::move(*h));
}

core::Result<std::optional<Bytes>> PivCard::readCertificate(uint8_t slot, Bytes* tag) {
    auto objTag = certificateObject(slot);
    if (!objTag) return fail(objTag.error());
    auto raw = getDataRaw(*objTag);
    if (!raw) {
        if (raw.error().code == Errc::NotFound) return std::optional<Bytes>();
        return fail(raw.error());
    }
    if (tag) tag->assign(raw->begin(), raw->begin() + std::min(raw->size(), kObjectTagSize));
    if (raw->empty()) return std::optional<Bytes>();
    auto content = apdu::unwrap(*raw, tag::kData);
    if (!content)
        return fail(Errc::Malformed, "GET DATA " + core::toHex(tagBytes(*objTag)) + ": " + content.error().message);
    if (content->empty()) return std::optional<Bytes>();  // deleted (53 00)
    return decodeCertificateContainer(*content);
}

core::Result<std::optional<Bytes>> PivCard::probeObjectTag(uint32_t objectTag) {
    apdu::Command cmd(0x00, ins::kGetData, 0x3F, 0xFF, apdu::encodeTlv(tag::kTagList, tagBytes(objectTag)),
                      kObjectTagSize);
    auto raw = cmd.encode();
    if (!raw) return fail(raw.error());
    // Straight to the transport: the channel would collect the rest (61xx), which is what we avoid. The
    // rest stays pending on the card until our next command, which discards it (ISO 7816-4).
    auto rsp = m_channel.transport().transmit(*raw);
    if (!rsp) {
        if (rsp.error().code == Errc::CardReset) markSelectionLost();
        return fail(rsp.error());
    }
    if (rsp->size() < 2) return fail(Errc::Malformed, "GET DATA: answer without status word");
    const std::size_t n = rsp->size() - 2;
    const uint16_t sw = uint16_t((*rsp)[n] << 8 | (*rsp)[n + 1]);
    if (sw == apdu::sw::kFileNotFound) return std::optional<Bytes>();
    if (sw != apdu::sw::kOk && (sw & 0xFF00) != 0x6100)
        return fail(apdu::errorFromSw(sw, "GET DATA " + core::toHex(tagBytes(objectTag))));
    rsp->resize(std::min(n, kObjectTagSize));
    return std::optional<Bytes>(std::move(*rsp));
}

core::Status PivCard::putCertificate(uint8_t slot, ByteView der, bool compress) {
    auto objTag = certificateObject(slot);
    if (!objTag) return fail(objTag.error());
    auto content = encodeCertificateContainer(der, compress);
    if (!content) return fail(content.error());
    return putData(*objTag, *content);
}

core::Status PivCard::deleteCertificate(uint8_t slot) {
    auto objTag = certificateObject(slot);
    if (!objTag) return fail(objTag.error());
    return putData(*objTag, ByteView());
}

}  // namespace piv
