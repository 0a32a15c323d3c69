// Host-side DER parsing: ECDSA signatures, SubjectPublicKeyInfo, certificates (DER or PEM, one or many).
// Invariant: raw r||s -> DER -> raw gives the same bytes when r and s are non-zero (the DER reader
// rejects a zero INTEGER on purpose: ECDSA's r and s are in [1, n-1]).
#include <algorithm>

#include "core/crypto/certificate.h"
#include "core/crypto/public_key.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const uint8_t which = in.byte();
    const fuzz::ByteView body = in.rest();
    constexpr std::size_t kFields[] = {32, 48, 66, 1};
    switch (which % 5) {
    case 0: (void)crypto::ecdsaDerToRaw(body, kFields[(which >> 4) & 3]); break;
    case 1:
        if (auto k = crypto::parseSpki(body)) (void)crypto::parseSpki(k->spki);
        break;
    case 2:
        if (auto certs = crypto::loadCertificates(body))
            for (const auto& der : *certs) (void)crypto::parseCertificate(der);
        break;
    case 3:
        if (auto c = crypto::parseCertificate(body)) (void)crypto::certificateMatchesKey(*c, body);
        break;
    case 4: {
        if (body.empty() || body.size() % 2) break;
        const auto zero = [](fuzz::ByteView v) { return std::ranges::all_of(v, [](uint8_t b) { return b == 0; }); };
        if (zero(body.first(body.size() / 2)) || zero(body.last(body.size() / 2))) break;
        auto der = crypto::ecdsaRawToDer(body);
        if (!der) break;
        auto raw = crypto::ecdsaDerToRaw(*der, body.size() / 2);
        FUZZ_CHECK(raw.has_value());
        FUZZ_CHECK(std::ranges::equal(*raw, body));
        break;
    }
    }
    return 0;
}
