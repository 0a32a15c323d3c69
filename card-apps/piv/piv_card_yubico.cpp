// PivCard: Yubico IMPORT KEY (§6); the other Yubico extensions are in piv_card_vendor.cpp.
#include "card-apps/common/private_key.h"
#include "card-apps/piv/piv_card.h"
#include "card-apps/piv/piv_card_util.h"
#include "card-apps/piv/piv_public_key.h"

namespace piv {

using cardapp::KeyAlgorithm;
using core::Errc;
using core::fail;

namespace {

// Appends tag + length + value to a buffer reserved up front, so no reallocation leaves key bytes behind.
void appendSecret(Bytes& out, uint32_t t, core::ByteView v) {
    apdu::appendTag(out, t);
    apdu::appendLength(out, v.size());
    out.insert(out.end(), v.begin(), v.end());
}

// A big-endian component left-padded to `width` (the card wants p, q, dP, dQ, qInv at half the modulus
// and the EC scalar at the field size); checkComponents() has made sure it fits.
void appendPadded(Bytes& out, uint32_t t, core::ByteView v, std::size_t width) {
    v = cardapp::stripLeadingZeros(v);
    apdu::appendTag(out, t);
    apdu::appendLength(out, width);
    out.insert(out.end(), width - v.size(), 0x00);
    out.insert(out.end(), v.begin(), v.end());
}

}  // namespace

core::Result<KeyAlgorithm> PivCard::importKey(uint8_t slot, const cardapp::PrivateKeyComponents& key,
                                              GenerateOptions opts) {
    if (!findSlot(slot)) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    MESIGN_TRY(cardapp::checkComponents(key));
    const KeyAlgorithm a = key.algorithm;
    apdu::Command cmd(0x00, ins::kImportKey, algorithmId(a), slot);
    detail::WipeOnExit wipe(cmd);
    cmd.data.reserve(5 * (256 + 4) + 16);  // largest case: RSA-4096
    if (cardapp::isRsa(a)) {
        const std::size_t half = cardapp::rsaModulusBytes(a) / 2;
        appendPadded(cmd.data, tag::kImportP, core::view(key.p), half);
        appendPadded(cmd.data, tag::kImportQ, core::view(key.q), half);
        appendPadded(cmd.data, tag::kImportDp, core::view(key.dp), half);
        appendPadded(cmd.data, tag::kImportDq, core::view(key.dq), half);
        appendPadded(cmd.data, tag::kImportQinv, core::view(key.qinv), half);
    } else if (cardapp::isEc(a)) {
        appendPadded(cmd.data, tag::kImportEcScalar, core::view(key.scalar), ecFieldBytes(a));
    } else {
        appendSecret(cmd.data, a == KeyAlgorithm::Ed25519 ? tag::kImportEd25519Seed : tag::kImportX25519Key,
                     core::view(key.scalar));
    }
    const uint8_t pin = static_cast<uint8_t>(opts.pinPolicy);
    const uint8_t touch = static_cast<uint8_t>(opts.touchPolicy);
    if (opts.pinPolicy != PinPolicyByte::Default) appendSecret(cmd.data, tag::kPinPolicy, ByteView(&pin, 1));
    if (opts.touchPolicy != TouchPolicy::Default)
        appendSecret(cmd.data, tag::kTouchPolicy, ByteView(&touch, 1));
    auto ok = sendVendor(cmd, "IMPORT KEY");
    if (!ok) return fail(ok.error());
    return a;
}

}  // namespace piv
