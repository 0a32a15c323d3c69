// PivCard: GENERAL AUTHENTICATE with asymmetric keys (§5.6) and GENERATE ASYMMETRIC KEY PAIR (§5.7).
#include "card-apps/piv/piv_card.h"
#include "card-apps/piv/piv_card_util.h"
#include "card-apps/piv/piv_public_key.h"

namespace piv {

using cardapp::KeyAlgorithm;
using core::Errc;
using core::fail;

namespace {
bool isKeySlot(uint8_t slot) {
    return findSlot(slot) != nullptr || slot == key::kAttestation;
}
}  // namespace

core::Result<Bytes> PivCard::generalAuthenticate(uint8_t algId, uint8_t slot, uint32_t inputTag,
                                                 ByteView input, std::string_view context) {
    if (!isKeySlot(slot)) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    // "82 00" first ("put the result here"), then the input: the order NIST and yubico-piv-tool use.
    apdu::TlvBuilder b;
    b.begin(tag::kDynamicAuth).add(tag::kResponse, ByteView()).add(inputTag, input).end();
    // Le 65536: with extended length the whole answer (an RSA-2048 result is 264 bytes) comes at once; a
    // short channel asks 256 and collects the rest with GET RESPONSE.
    apdu::Command cmd(0x00, ins::kGeneralAuthenticate, algId, slot, b.take(), apdu::kMaxExtended + 1);
    detail::WipeOnExit wipe(cmd);  // may be a ciphertext's plaintext-to-be; keep nothing around
    auto answer = sendOk(cmd, context);
    if (!answer) return fail(answer.error());
    auto result = detail::dynamicAuthItem(*answer, tag::kResponse, context);
    if (!result) return fail(result.error());
    if (result->empty()) return fail(Errc::Malformed, std::string(context) + ": empty result");
    return result;
}

core::Result<Bytes> PivCard::sign(uint8_t slot, KeyAlgorithm alg, ByteView input) {
    constexpr const char* kContext = "GENERAL AUTHENTICATE (sign)";
    if (cardapp::isRsa(alg)) {
        // The card does raw RSA: the caller supplies the fully padded k-byte block.
        if (input.size() != cardapp::rsaModulusBytes(alg))
            return fail(Errc::InvalidArgument, "RSA input must be exactly the modulus length");
        return generalAuthenticate(algorithmId(alg), slot, tag::kChallenge, input, kContext);
    }
    if (cardapp::isEc(alg)) {
        // ECDSA uses the leftmost field-size bytes of a longer hash; shorter hashes are left-padded.
        const std::size_t field = ecFieldBytes(alg);
        if (input.empty()) return fail(Errc::InvalidArgument, "empty hash");
        Bytes h(field, 0);
        if (input.size() >= field)
            std::copy_n(input.begin(), field, h.begin());
        else
            std::copy(input.begin(), input.end(),
                      h.begin() + static_cast<std::ptrdiff_t>(field - input.size()));
        return generalAuthenticate(algorithmId(alg), slot, tag::kChallenge, h, kContext);
    }
    if (alg == KeyAlgorithm::Ed25519) {
        if (input.empty()) return fail(Errc::InvalidArgument, "empty message");
        return generalAuthenticate(alg::kEd25519, slot, tag::kChallenge, input, kContext);
    }
    return fail(Errc::InvalidArgument, "key algorithm cannot sign");
}

core::Result<Bytes> PivCard::decipher(uint8_t slot, KeyAlgorithm alg, ByteView ciphertext) {
    if (!cardapp::isRsa(alg)) return fail(Errc::InvalidArgument, "only RSA keys decipher");
    if (ciphertext.size() != cardapp::rsaModulusBytes(alg))
        return fail(Errc::InvalidArgument, "RSA ciphertext must be exactly the modulus length");
    return generalAuthenticate(algorithmId(alg), slot, tag::kChallenge, ciphertext,
                               "GENERAL AUTHENTICATE (decipher)");
}

core::Result<Bytes> PivCard::deriveEcdh(uint8_t slot, KeyAlgorithm alg, ByteView peerPoint) {
    constexpr const char* kContext = "GENERAL AUTHENTICATE (key agreement)";
    std::size_t zLength = 0;
    if (cardapp::isEc(alg)) {
        zLength = ecFieldBytes(alg);
        if (peerPoint.size() != 1 + 2 * zLength || peerPoint[0] != 0x04)
            return fail(Errc::InvalidArgument, "peer key must be an uncompressed point of the key's curve");
    } else if (alg == KeyAlgorithm::X25519) {
        zLength = 32;
        if (peerPoint.size() != 32) return fail(Errc::InvalidArgument, "X25519 peer key must be 32 bytes");
    } else {
        return fail(Errc::InvalidArgument, "key algorithm cannot do key agreement");
    }
    auto z = generalAuthenticate(algorithmId(alg), slot, tag::kExponentiation, peerPoint, kContext);
    if (!z) return fail(z.error());
    if (z->size() != zLength)
        return fail(Errc::Malformed, std::string(kContext) + ": shared secret has the wrong length");
    return z;
}

core::Result<Bytes> PivCard::generateKey(uint8_t slot, KeyAlgorithm alg, GenerateOptions opts) {
    if (!isKeySlot(slot)) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    apdu::TlvBuilder b;
    b.begin(tag::kGenerateControl).addByte(tag::kMechanism, algorithmId(alg));
    if (opts.pinPolicy != PinPolicyByte::Default)
        b.addByte(tag::kPinPolicy, static_cast<uint8_t>(opts.pinPolicy));
    if (opts.touchPolicy != TouchPolicy::Default)
        b.addByte(tag::kTouchPolicy, static_cast<uint8_t>(opts.touchPolicy));
    b.end();
    auto answer = sendOk(apdu::Command(0x00, ins::kGenerateKeyPair, 0x00, slot, b.take(), 256),
                         "GENERATE ASYMMETRIC KEY PAIR");
    if (!answer) return fail(answer.error());
    auto templ = apdu::unwrap(*answer, tag::kPublicKey);
    if (!templ)
        return fail(Errc::Malformed, "GENERATE answer is not a 7F49 template: " + templ.error().message);
    return spkiFromPublicKeyTemplate(*templ, alg);
}

}  // namespace piv
