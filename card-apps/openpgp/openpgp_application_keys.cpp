// OpenPgpApplication: private-key operations (with the interface's input/output conventions, see the
// header), key generation and key import.
#include "card-apps/openpgp/openpgp_application.h"
#include "card-apps/openpgp/openpgp_application_run.h"
#include "card-apps/openpgp/openpgp_crypto.h"
#include "card-apps/openpgp/openpgp_key_import.h"
#include "core/crypto/public_key.h"

namespace openpgp {

using cardapp::KeyAlgorithm;
using cardapp::KeyInfo;
using core::Errc;
using core::fail;

namespace {

// T from an EMSA-PKCS1-v1_5 block 00 01 FF..FF 00 T (at least 8 FF). The input is not secret.
std::optional<ByteView> unwrapSignBlock(ByteView block) {
    if (block.size() < 11 || block[0] != 0x00 || block[1] != 0x01) return std::nullopt;
    std::size_t i = 2;
    while (i < block.size() && block[i] == 0xFF) ++i;
    if (i < 10 || i >= block.size() || block[i] != 0x00) return std::nullopt;
    return block.subspan(i + 1);
}

// 00 02 PS 00 M with a fresh random non-zero PS: the card has already checked and removed the real one.
core::Result<Bytes> rewrapDecrypted(ByteView message, std::size_t k) {
    if (message.size() + 11 > k)
        return fail(Errc::Malformed, "PSO: DECIPHER: plaintext too long for the key");
    Bytes block(k);
    block[0] = 0x00;
    block[1] = 0x02;
    const std::size_t psEnd = k - message.size() - 1;
    for (std::size_t i = 2; i < psEnd; ++i) {
        do {
            MESIGN_TRY(systemRandom(std::span<uint8_t>(&block[i], 1)));
        } while (block[i] == 0);
    }
    block[psEnd] = 0x00;
    std::copy(message.begin(), message.end(), block.begin() + static_cast<std::ptrdiff_t>(psEnd + 1));
    return block;
}

bool oneSignature(const ApplicationData& app) {
    return app.pwStatus && !app.pwStatus->pw1ValidForSeveralSignatures;
}

Bytes leftPadTo(ByteView v, std::size_t n) {
    Bytes out(n - std::min(n, v.size()), 0x00);
    core::append(out, v);
    return out;
}

}  // namespace

core::Result<Bytes> OpenPgpApplication::signOnCard(const SlotInfo& slot, const AlgorithmAttributes& attrs,
                                                   ByteView input, const ByteView* pin) {
    Bytes data;
    std::size_t field = 0;
    if (attrs.isRsa()) {
        const std::size_t k = (attrs.rsaBits + 7u) / 8u;
        if (input.size() == k) {
            auto t = unwrapSignBlock(input);
            if (!t)
                return fail(Errc::NotSupported,
                            "OpenPGP cards pad RSA themselves: only PKCS#1 v1.5 signatures");
            data.assign(t->begin(), t->end());
        } else if (!input.empty() && input.size() + 11 <= k) {
            data.assign(input.begin(), input.end());  // already the DigestInfo
        } else {
            return fail(Errc::InvalidArgument, "RSA input must be the k-byte block or a DigestInfo");
        }
    } else if (attrs.algorithm == algo::kEcdsa && attrs.curve) {
        // The leftmost field-size bytes of a longer hash, a shorter one left-padded: the same integer
        // for ECDSA, and a length every card accepts.
        field = curveInfo(*attrs.curve).fieldBytes;
        if (input.empty()) return fail(Errc::InvalidArgument, "empty hash");
        data = input.size() >= field
                   ? Bytes(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(field))
                   : leftPadTo(input, field);
    } else if (attrs.algorithm == algo::kEdDsa) {
        data.assign(input.begin(), input.end());
    } else {
        return fail(Errc::InvalidArgument, "this key cannot sign");
    }

    core::Result<Bytes> sig = fail(Errc::Internal, "unreachable");
    if (slot.ref == key::kSig) {
        if (pin) MESIGN_TRY(m_card.verify(pw::kPw1Sign, *pin));
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        if (oneSignature(**app) && !m_card.signaturePinFresh())
            return fail(Errc::SecurityNotSatisfied, "the card wants the PIN again for every signature");
        sig = m_card.computeSignature(data);
    } else {
        if (pin) MESIGN_TRY(m_card.verify(pw::kPw1Other, *pin));
        sig = m_card.internalAuthenticate(data);
    }
    if (!sig) return fail(sig.error());

    if (attrs.isRsa()) {
        const std::size_t k = (attrs.rsaBits + 7u) / 8u;
        if (sig->size() > k) return fail(Errc::Malformed, "RSA signature longer than the modulus");
        return leftPadTo(*sig, k);
    }
    if (field) {
        if (sig->size() != 2 * field)
            return fail(Errc::Malformed, "ECDSA signature is not r||s of the curve size");
        return crypto::ecdsaRawToDer(*sig);
    }
    if (sig->size() != 64) return fail(Errc::Malformed, "Ed25519 signature is not 64 bytes");
    return sig;
}

core::Result<Bytes> OpenPgpApplication::decipherOnCard(const AlgorithmAttributes& attrs, ByteView input,
                                                       const ByteView* pin, KeyOp op) {
    if (op == KeyOp::Derive) {
        if (attrs.algorithm != algo::kEcdh || !attrs.curve)
            return fail(Errc::InvalidArgument, "the encryption key is not an ECDH key");
        const CurveInfo& ci = curveInfo(*attrs.curve);
        ByteView peer = input;
        if (ci.edwardsOrMontgomery) {
            if (peer.size() == 33 && peer[0] == 0x40) peer = peer.subspan(1);  // OpenPGP's native prefix
            if (peer.size() != 32) return fail(Errc::InvalidArgument, "X25519 peer key must be 32 bytes");
        } else if (peer.size() != 1 + 2u * ci.fieldBytes || peer[0] != 0x04) {
            return fail(Errc::InvalidArgument, "peer key must be an uncompressed point of the key's curve");
        }
        if (pin) MESIGN_TRY(m_card.verify(pw::kPw1Other, *pin));
        auto z = m_card.decipherEcdh(peer);
        if (!z) return fail(z.error());
        ByteView v = *z;
        // The spec intends X only; GnuPG also accepts a whole point (§5.2).
        if (!ci.edwardsOrMontgomery && v.size() == 1 + 2u * ci.fieldBytes && v[0] == 0x04)
            v = v.subspan(1, ci.fieldBytes);
        if (ci.edwardsOrMontgomery && v.size() == 33 && v[0] == 0x40) v = v.subspan(1);
        if (v.size() != ci.fieldBytes)
            return fail(Errc::Malformed, "ECDH shared secret has the wrong length");
        return Bytes(v.begin(), v.end());
    }
    if (!attrs.isRsa()) return fail(Errc::InvalidArgument, "the encryption key is not an RSA key");
    const std::size_t k = (attrs.rsaBits + 7u) / 8u;
    if (pin) MESIGN_TRY(m_card.verify(pw::kPw1Other, *pin));
    auto plain = m_card.decipherRsa(input, k);
    if (!plain) return fail(plain.error());
    if (op == KeyOp::DecipherPlain) return plain;
    auto block = rewrapDecrypted(*plain, k);
    core::secureWipe(plain->data(), plain->size());
    return block;
}

core::Result<Bytes> OpenPgpApplication::privateKeyOp(uint8_t keyRef, ByteView input, const ByteView* pin,
                                                     KeyOp op) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    const bool wantsSign = op == KeyOp::Sign;
    if (wantsSign == (keyRef == key::kDec))
        return fail(Errc::InvalidArgument, wantsSign
                                               ? "the encryption key (2) cannot sign"
                                               : "only the encryption key (2) deciphers or agrees keys");
    return run(Retry::Never, [&]() -> core::Result<Bytes> {
        // The attributes come from the cached 6E: nothing but VERIFY precedes the operation.
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        const auto& attrs = (*app)->attributes[slot->index];
        if (!attrs) return fail(Errc::NotFound, "the card does not tell the key's algorithm");
        const AlgorithmAttributes a = *attrs;
        return wantsSign ? signOnCard(*slot, a, input, pin) : decipherOnCard(a, input, pin, op);
    });
}

core::Result<Bytes> OpenPgpApplication::sign(uint8_t keyRef, ByteView input) {
    return privateKeyOp(keyRef, input, nullptr, KeyOp::Sign);
}
core::Result<Bytes> OpenPgpApplication::decipher(uint8_t keyRef, ByteView ciphertext) {
    return privateKeyOp(keyRef, ciphertext, nullptr, KeyOp::Decipher);
}
core::Result<Bytes> OpenPgpApplication::deriveEcdh(uint8_t keyRef, ByteView peerPoint) {
    return privateKeyOp(keyRef, peerPoint, nullptr, KeyOp::Derive);
}
core::Result<Bytes> OpenPgpApplication::signWithPin(uint8_t keyRef, ByteView input, ByteView pin) {
    return privateKeyOp(keyRef, input, &pin, KeyOp::Sign);
}
core::Result<Bytes> OpenPgpApplication::decipherWithPin(uint8_t keyRef, ByteView ciphertext, ByteView pin) {
    return privateKeyOp(keyRef, ciphertext, &pin, KeyOp::Decipher);
}
core::Result<Bytes> OpenPgpApplication::deriveEcdhWithPin(uint8_t keyRef, ByteView peerPoint, ByteView pin) {
    return privateKeyOp(keyRef, peerPoint, &pin, KeyOp::Derive);
}
core::Result<Bytes> OpenPgpApplication::decipherPlaintext(uint8_t keyRef, ByteView ciphertext) {
    return privateKeyOp(keyRef, ciphertext, nullptr, KeyOp::DecipherPlain);
}

// The slot's attributes for `alg`, written first when the card holds different ones (§5.4: GnuPG
// sets C1-C3 before generating or importing).
core::Result<AlgorithmAttributes> OpenPgpApplication::prepareAttributes(uint8_t keyRef, KeyAlgorithm alg) {
    const SlotInfo* slot = findSlot(keyRef);
    auto app = m_card.applicationData();
    if (!app) return fail(app.error());
    const auto current = (*app)->attributes[slot->index];
    const auto caps = (*app)->capabilities;
    auto wanted = encodeAlgorithmAttributes(keyRef, alg, current ? &*current : nullptr);
    if (!wanted) return fail(wanted.error());
    auto attrs = decodeAlgorithmAttributes(*wanted);
    if (!attrs) return fail(attrs.error());
    if (current && current->keyAlgorithm() == alg && current->algorithm == attrs->algorithm) return *current;
    if (caps && !caps->has(extcap::kAttributesChangeable))
        return fail(Errc::NotSupported, "the card does not allow changing the key algorithm");
    MESIGN_TRY(m_card.putData(slot->attributesTag, *wanted));
    return attrs;
}

// Fingerprint and creation time after generation or import, as GnuPG's store_fpr does (§3.6).
core::Result<KeyInfo> OpenPgpApplication::storeNewKey(uint8_t keyRef, const AlgorithmAttributes& attrs,
                                                      const CardPublicKey& key, bool generated,
                                                      bool pinPerSignature) {
    const SlotInfo* slot = findSlot(keyRef);
    auto spki = spkiFromCardKey(key, attrs);
    if (!spki) return fail(spki.error());
    const uint32_t created = m_clock();
    auto fp = v4Fingerprint(key, attrs, created);
    if (!fp) return fail(fp.error());
    MESIGN_TRY(m_card.putData(slot->fingerprintTag, *fp));
    const uint8_t time[] = {uint8_t(created >> 24), uint8_t(created >> 16), uint8_t(created >> 8),
                            uint8_t(created)};
    MESIGN_TRY(m_card.putData(slot->generationTimeTag, time));
    KeyInfo k;
    k.ref = keyRef;
    k.label = slot->label;
    k.algorithm = attrs.keyAlgorithm();
    k.publicKeyInfo = std::move(*spki);
    k.usage = keyRef != key::kDec ? cardapp::kUsageSign
              : attrs.isRsa()     ? cardapp::kUsageDecrypt
                                  : cardapp::kUsageDerive;
    k.pinPolicy =
        keyRef == key::kSig && pinPerSignature ? cardapp::PinPolicy::Always : cardapp::PinPolicy::Once;
    k.generatedOnCard = generated;
    return k;
}

core::Result<KeyInfo> OpenPgpApplication::generateKey(uint8_t keyRef, KeyAlgorithm alg) {
    if (!slotAccepts(keyRef, alg))
        return fail(Errc::InvalidArgument,
                    std::string(cardapp::keyAlgorithmName(alg)) + " is not usable in this slot");
    invalidateKeys();
    return run(Retry::Never, [&]() -> core::Result<KeyInfo> {
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        const bool one = oneSignature(**app);
        auto attrs = prepareAttributes(keyRef, alg);
        if (!attrs) return fail(attrs.error());
        auto key = m_card.generateKeyPair(keyRef, *attrs);
        if (!key) return fail(key.error());
        return storeNewKey(keyRef, *attrs, *key, true, one);
    });
}

core::Result<KeyInfo> OpenPgpApplication::importKey(uint8_t keyRef, const cardapp::PrivateKeyComponents& key) {
    MESIGN_TRY(cardapp::checkComponents(key));
    if (!slotAccepts(keyRef, key.algorithm))
        return fail(Errc::InvalidArgument,
                    std::string(cardapp::keyAlgorithmName(key.algorithm)) + " is not usable in this slot");
    invalidateKeys();
    return run(Retry::Never, [&]() -> core::Result<KeyInfo> {
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        if (!(*app)->capabilities || !(*app)->capabilities->has(extcap::kKeyImport))
            return fail(Errc::NotSupported, "the card does not allow key import");
        const bool one = oneSignature(**app);
        auto attrs = prepareAttributes(keyRef, key.algorithm);
        if (!attrs) return fail(attrs.error());
        auto imp = buildKeyImport(keyRef, key, *attrs);
        if (!imp) return fail(imp.error());
        MESIGN_TRY(m_card.importKey(core::view(imp->extendedHeaderList)));
        if (!imp->publicKey) {  // an ECC key given without its public point: the card computed it
            auto pub = m_card.readPublicKey(keyRef, *attrs);
            if (!pub) return fail(pub.error());
            imp->publicKey = std::move(*pub);
        }
        return storeNewKey(keyRef, *attrs, *imp->publicKey, false, one);
    });
}

}  // namespace openpgp
