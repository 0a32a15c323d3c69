// OpenPgpCard: PSO:COMPUTE DIGITAL SIGNATURE, PSO:DECIPHER, INTERNAL AUTHENTICATE (§5.1-5.3),
// GENERATE ASYMMETRIC KEY PAIR (§5.4) and key import (§5.5).
#include "card-apps/openpgp/openpgp_card.h"
#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"

namespace openpgp {

using core::Errc;
using core::fail;

core::Result<Bytes> OpenPgpCard::computeSignature(ByteView input) {
    if (input.empty()) return fail(Errc::InvalidArgument, "nothing to sign");
    auto app = applicationData();
    if (!app) return fail(app.error());
    const bool oneSignature = (*app)->pwStatus && !(*app)->pwStatus->pw1ValidForSeveralSignatures;
    apdu::Command cmd(0x00, ins::kPso, pso::kCdsP1, pso::kCdsP2, Bytes(input.begin(), input.end()),
                      largeNe());
    auto sig = sendOk(cmd, "PSO: COMPUTE DIGITAL SIGNATURE");
    // A card with "PW1 valid for one signature" consumes VERIFY 81 with the attempt (SmartPGP clears it
    // at the start), so the next signature needs a new VERIFY whatever happened here.
    if (oneSignature) m_pw81Fresh = false;
    if (!sig) return fail(sig.error());
    if (sig->empty()) return fail(Errc::Malformed, "PSO: COMPUTE DIGITAL SIGNATURE: empty answer");
    return sig;
}

core::Result<Bytes> OpenPgpCard::internalAuthenticate(ByteView input) {
    if (input.empty()) return fail(Errc::InvalidArgument, "nothing to authenticate");
    apdu::Command cmd(0x00, ins::kInternalAuthenticate, 0x00, 0x00, Bytes(input.begin(), input.end()),
                      largeNe());
    auto sig = sendOk(cmd, "INTERNAL AUTHENTICATE");
    if (!sig) return fail(sig.error());
    if (sig->empty()) return fail(Errc::Malformed, "INTERNAL AUTHENTICATE: empty answer");
    return sig;
}

core::Result<Bytes> OpenPgpCard::decipherRsa(ByteView cryptogram, std::size_t modulusBytes) {
    if (cryptogram.empty() || cryptogram.size() > modulusBytes)
        return fail(Errc::InvalidArgument, "RSA cryptogram is empty or longer than the modulus");
    // Padding indicator 00, then the cryptogram left-padded to the modulus length (it may have lost
    // leading zero bytes on its way, as GnuPG notes).
    Bytes data(1 + modulusBytes - cryptogram.size(), 0x00);
    data[0] = pso::kRsaPaddingIndicator;
    core::append(data, cryptogram);
    apdu::Command cmd(0x00, ins::kPso, pso::kDecipherP1, pso::kDecipherP2, std::move(data), largeNe());
    auto plain = sendOk(cmd, "PSO: DECIPHER");
    if (!plain) return fail(plain.error());
    return plain;
}

core::Result<Bytes> OpenPgpCard::decipherEcdh(ByteView peerPublic) {
    if (peerPublic.empty()) return fail(Errc::InvalidArgument, "empty peer public key");
    apdu::TlvBuilder b;
    b.begin(tag::kCipher).begin(tag::kPublicKey).add(tag::kEcPoint, peerPublic).end().end();
    apdu::Command cmd(0x00, ins::kPso, pso::kDecipherP1, pso::kDecipherP2, b.take(), 256);
    auto secret = sendOk(cmd, "PSO: DECIPHER (ECDH)");
    if (!secret) return fail(secret.error());
    if (secret->empty()) return fail(Errc::Malformed, "PSO: DECIPHER (ECDH): empty answer");
    return secret;
}

core::Result<CardPublicKey> OpenPgpCard::generate(uint8_t p1, uint8_t keyRef,
                                                  const AlgorithmAttributes& attrs) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    const char* context =
        p1 == generate::kGenerate ? "GENERATE ASYMMETRIC KEY PAIR" : "READ PUBLIC KEY (47 81)";
    apdu::Command cmd(0x00, ins::kGenerateKeyPair, p1, 0x00, Bytes{slot->crt, 0x00}, largeNe());
    auto answer = sendOk(cmd, context);
    // DE (key status), and for SIG the signature counter, change with a new key.
    if (p1 == generate::kGenerate) invalidateApplicationData();
    if (!answer) return fail(answer.error());
    auto key = decodePublicKeyTemplate(*answer, attrs);
    if (!key) return fail(core::Errc::Malformed, std::string(context) + ": " + key.error().message);
    return key;
}

core::Result<CardPublicKey> OpenPgpCard::generateKeyPair(uint8_t keyRef, const AlgorithmAttributes& attrs) {
    return generate(generate::kGenerate, keyRef, attrs);
}

core::Result<CardPublicKey> OpenPgpCard::readPublicKey(uint8_t keyRef, const AlgorithmAttributes& attrs) {
    return generate(generate::kReadPublicKey, keyRef, attrs);
}

core::Status OpenPgpCard::importKey(ByteView extendedHeaderList) {
    apdu::Command cmd(0x00, ins::kPutDataOdd, 0x3F, 0xFF,
                      Bytes(extendedHeaderList.begin(), extendedHeaderList.end()));
    auto st = sendOk(cmd, "PUT DATA (key import)");
    core::secureWipe(cmd.data.data(), cmd.data.size());
    invalidateApplicationData();
    if (!st) return fail(st.error());
    return {};
}

}  // namespace openpgp
