// PIV public key answers (7F49 content, as GENERATE ASYMMETRIC returns) to SubjectPublicKeyInfo, plus the
// certificate and SPKI helpers. Invariant: an SPKI we build parses and names the algorithm it was built for.
#include "card-apps/piv/piv_public_key.h"
#include "core/crypto/public_key.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const uint8_t which = in.byte();
    const fuzz::ByteView body = in.rest();
    constexpr cardapp::KeyAlgorithm kAlgs[] = {
        cardapp::KeyAlgorithm::Rsa1024, cardapp::KeyAlgorithm::Rsa2048, cardapp::KeyAlgorithm::Rsa3072,
        cardapp::KeyAlgorithm::Rsa4096, cardapp::KeyAlgorithm::EcP256,  cardapp::KeyAlgorithm::EcP384,
        cardapp::KeyAlgorithm::Ed25519, cardapp::KeyAlgorithm::X25519};
    switch (which >> 6) {
    case 0:
    case 1: {
        const auto alg = kAlgs[which % 8];
        auto spki = piv::spkiFromPublicKeyTemplate(body, alg);
        if (!spki) break;
        FUZZ_CHECK(crypto::parseSpki(*spki).has_value());
        auto back = piv::algorithmFromSpki(*spki);
        FUZZ_CHECK(back.has_value() && *back == alg);
        break;
    }
    case 2: (void)piv::spkiFromCertificate(body); break;
    case 3: (void)piv::algorithmFromSpki(body); break;
    }
    return 0;
}
