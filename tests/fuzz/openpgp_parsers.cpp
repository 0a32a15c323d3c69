// OpenPGP card response decoders: application related data (6E), cardholder data (65), security support
// template (7A), the single data objects inside them, and public key answers (7F49) with the algorithm
// attributes they are read against. A decoded key must give an SPKI that parses, and a fingerprint.
#include "card-apps/openpgp/openpgp_data.h"
#include "card-apps/openpgp/openpgp_public_key.h"
#include "core/crypto/public_key.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const uint8_t which = in.byte();
    switch (which % 10) {
    case 0:
        if (auto a = openpgp::decodeApplicationData(in.rest())) {
            (void)a->aidHex();
            (void)a->serialText();
            for (const auto& attrs : a->attributes)
                if (attrs) (void)attrs->keyAlgorithm();
        }
        break;
    case 1: (void)openpgp::decodeCardholderData(in.rest()); break;
    case 2: (void)openpgp::decodeSignatureCounter(in.rest()); break;
    case 3: (void)openpgp::decodeKdfActive(in.rest()); break;
    case 4: {
        const uint16_t version = static_cast<uint16_t>(in.byte() << 8 | in.byte());
        (void)openpgp::decodeExtendedCapabilities(in.rest(), version);
        break;
    }
    case 5: (void)openpgp::decodePwStatus(in.rest()); break;
    case 6: (void)openpgp::decodeHistoricalBytes(in.rest()); break;
    case 7: (void)openpgp::decodeExtendedLengthInfo(in.rest()); break;
    case 8: {
        // Algorithm attributes (one chunk), then the GENERATE / READ PUBLIC KEY answer.
        auto attrs = openpgp::decodeAlgorithmAttributes(in.chunk());
        if (!attrs) break;
        (void)attrs->keyAlgorithm();
        auto key = openpgp::decodePublicKeyTemplate(in.rest(), *attrs);
        if (!key) break;
        if (auto spki = openpgp::spkiFromCardKey(*key, *attrs)) {
            FUZZ_CHECK(crypto::parseSpki(*spki).has_value());
            FUZZ_CHECK(openpgp::cardKeyFromSpki(*spki).has_value());
        }
        (void)openpgp::v4Fingerprint(*key, *attrs, 0x5F000000);
        break;
    }
    case 9: (void)openpgp::cardKeyFromSpki(in.rest()); break;
    }
    return 0;
}
