// PIV response and container decoders (piv_containers.h), selected by the first input byte. The
// certificate container also round-trips: encode (plain or gzip) then decode gives the input back.
#include <algorithm>

#include "card-apps/piv/piv_containers.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const uint8_t which = in.byte();
    const fuzz::ByteView body = in.rest();
    switch (which % 10) {
    case 0: (void)piv::decodeSelectResponse(body); break;
    case 1:
        if (auto c = piv::decodeChuid(body)) (void)piv::encodeChuid(*c);
        break;
    case 2: (void)piv::decodeDiscovery(body); break;
    case 3: (void)piv::decodeKeyHistory(body); break;
    case 4: (void)piv::decodeCertificateContainer(body); break;
    case 5: (void)piv::decodeMetadata(body); break;
    case 6: {
        const std::size_t maxOut = (which & 0x80) ? 4096 : 64;
        if (auto out = piv::inflateBounded(body, maxOut)) FUZZ_CHECK(out->size() <= maxOut);
        break;
    }
    case 7: (void)piv::formatPin(body); break;
    case 8: (void)piv::formatPuk(body); break;
    case 9: {
        if (body.empty()) break;
        auto enc = piv::encodeCertificateContainer(body, which & 0x80);
        if (!enc) break;
        auto dec = piv::decodeCertificateContainer(*enc);
        FUZZ_CHECK(dec.has_value() && dec->has_value());
        FUZZ_CHECK(std::ranges::equal(**dec, body));
        break;
    }
    }
    return 0;
}
