// PivCard: Yubico extensions without host crypto (§6): GET VERSION / SERIAL / METADATA and ATTEST. Each
// answers NotSupported once the card said 6D00 / 6A81, without asking again (sendVendor caches it).
// IMPORT KEY is in piv_card_yubico.cpp.
#include "card-apps/piv/piv_card.h"
#include "card-apps/piv/piv_card_util.h"

namespace piv {

using core::Errc;
using core::fail;

core::Result<Version> PivCard::getVersion() {
    auto data = sendVendor(apdu::Command(0x00, ins::kGetVersion, 0x00, 0x00, {}, 256), "GET VERSION");
    if (!data) return fail(data.error());
    if (data->size() != 3) return fail(Errc::Malformed, "GET VERSION answer is not 3 bytes");
    return Version{(*data)[0], (*data)[1], (*data)[2]};
}

core::Result<uint32_t> PivCard::getSerial() {
    auto data = sendVendor(apdu::Command(0x00, ins::kGetSerial, 0x00, 0x00, {}, 256), "GET SERIAL");
    if (!data) return fail(data.error());
    if (data->size() != 4) return fail(Errc::Malformed, "GET SERIAL answer is not 4 bytes");
    const auto& d = *data;
    return uint32_t(d[0]) << 24 | uint32_t(d[1]) << 16 | uint32_t(d[2]) << 8 | d[3];
}

core::Result<Metadata> PivCard::getMetadata(uint8_t ref) {
    // Le 65536: an RSA key's metadata holds its public key (~280 bytes); with extended length it comes in
    // one APDU. GET METADATA never probes (apdu::ChannelOptions): it waits for a read to have decided.
    auto data = sendVendor(apdu::Command(0x00, ins::kGetMetadata, 0x00, ref, {}, apdu::kMaxExtended + 1),
                           "GET METADATA");
    if (!data) return fail(data.error());
    return decodeMetadata(*data);
}

core::Result<Bytes> PivCard::attest(uint8_t slot) {
    auto data = sendVendor(apdu::Command(0x00, ins::kAttest, slot, 0x00, {}, 256), "ATTEST");
    if (!data) return fail(data.error());
    if (data->empty() || (*data)[0] != 0x30)
        return fail(Errc::Malformed, "ATTEST answer is not a DER certificate");
    return data;
}

}  // namespace piv
