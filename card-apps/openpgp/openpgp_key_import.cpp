#include "card-apps/openpgp/openpgp_key_import.h"

#include <algorithm>

#include "core/apdu/tlv.h"

namespace openpgp {

using cardapp::KeyAlgorithm;
using core::Errc;
using core::fail;

namespace {

struct Element {
    uint8_t tag;
    core::SecureBytes value;
};

// A big-endian value left-padded to `width` bytes (0: minimal).
core::Status add(std::vector<Element>& out, uint8_t tag, ByteView v, std::size_t width) {
    v = cardapp::stripLeadingZeros(v);
    if (width == 0) width = v.size();
    if (v.size() > width) return fail(Errc::InvalidArgument, "key component larger than the card's field");
    core::SecureBytes padded(width - v.size(), 0x00);
    padded.insert(padded.end(), v.begin(), v.end());
    out.push_back({tag, std::move(padded)});
    return {};
}

core::Status rsaElements(const cardapp::PrivateKeyComponents& k, const AlgorithmAttributes& attrs,
                         std::vector<Element>& out) {
    const std::size_t nBytes = (attrs.rsaBits + 7u) / 8u, half = (attrs.rsaBits + 15u) / 16u;
    if (cardapp::rsaModulusBytes(k.algorithm) != nBytes)
        return fail(Errc::InvalidArgument, "RSA key size differs from the slot's attributes");
    const bool crt = attrs.rsaImportFormat == 0x02 || attrs.rsaImportFormat == 0x03;
    const bool withN = attrs.rsaImportFormat == 0x01 || attrs.rsaImportFormat == 0x03;
    MESIGN_TRY(add(out, keytag::kRsaE, k.publicExponent, (attrs.rsaExponentBits + 7u) / 8u));
    MESIGN_TRY(add(out, keytag::kRsaP, core::view(k.p), half));
    MESIGN_TRY(add(out, keytag::kRsaQ, core::view(k.q), half));
    if (crt) {
        // The PKCS#11 / OpenSSL coefficient is q^-1 mod p, which is the card's "1/q mod p" (94).
        MESIGN_TRY(add(out, keytag::kRsaQinv, core::view(k.qinv), half));
        MESIGN_TRY(add(out, keytag::kRsaDp, core::view(k.dp), half));
        MESIGN_TRY(add(out, keytag::kRsaDq, core::view(k.dq), half));
    }
    if (withN) MESIGN_TRY(add(out, keytag::kRsaN, k.modulus, nBytes));
    return {};
}

core::Status eccElements(const cardapp::PrivateKeyComponents& k, const AlgorithmAttributes& attrs,
                         std::vector<Element>& out) {
    if (k.algorithm == KeyAlgorithm::Ed25519 || k.algorithm == KeyAlgorithm::X25519) {
        core::SecureBytes raw = k.scalar;
        if (k.algorithm == KeyAlgorithm::X25519) std::reverse(raw.begin(), raw.end());
        out.push_back({keytag::kEcPrivate, std::move(raw)});
    } else {
        const std::size_t field = attrs.curve ? curveInfo(*attrs.curve).fieldBytes : 0;
        MESIGN_TRY(add(out, keytag::kEcPrivate, core::view(k.scalar), field));
    }
    if (attrs.ecImportByte == 0xFF) {
        if (k.publicPoint.empty())
            return fail(Errc::InvalidArgument, "this card wants the public key with an imported ECC key");
        out.push_back({keytag::kEcPublic, core::secureCopy(k.publicPoint)});
    }
    return {};
}

void appendSecure(core::SecureBytes& out, ByteView v) {
    out.insert(out.end(), v.begin(), v.end());
}

}  // namespace

core::Result<KeyImport> buildKeyImport(uint8_t keyRef, const cardapp::PrivateKeyComponents& key,
                                       const AlgorithmAttributes& attrs) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    MESIGN_TRY(cardapp::checkComponents(key));
    if (attrs.keyAlgorithm() != key.algorithm)
        return fail(Errc::InvalidArgument, "key does not match the slot's attributes");

    KeyImport out;
    out.algorithm = key.algorithm;
    if (attrs.isRsa() || !key.publicPoint.empty()) {
        CardPublicKey pub;
        if (attrs.isRsa()) {
            const ByteView n = cardapp::stripLeadingZeros(key.modulus);
            const ByteView e = cardapp::stripLeadingZeros(key.publicExponent);
            pub.modulus.assign(n.begin(), n.end());
            pub.exponent.assign(e.begin(), e.end());
        } else {
            pub.point = key.publicPoint;
        }
        auto spki = spkiFromCardKey(pub, attrs);
        if (!spki) return fail(spki.error());
        out.spki = std::move(*spki);
        out.publicKey = std::move(pub);
    }

    std::vector<Element> elements;
    if (attrs.isRsa())
        MESIGN_TRY(rsaElements(key, attrs, elements));
    else
        MESIGN_TRY(eccElements(key, attrs, elements));

    Bytes header;  // 7F48: the tags and lengths only
    core::SecureBytes values;
    for (const Element& e : elements) {
        header.push_back(e.tag);
        apdu::appendLength(header, e.value.size());
        appendSecure(values, core::view(e.value));
    }
    Bytes prefix{slot->crt, 0x00};
    apdu::appendTag(prefix, tag::kPrivateKeyTemplate);
    apdu::appendLength(prefix, header.size());
    core::append(prefix, header);
    apdu::appendTag(prefix, tag::kPrivateKeyData);
    apdu::appendLength(prefix, values.size());

    Bytes outer;
    apdu::appendTag(outer, tag::kExtendedHeaderList);
    apdu::appendLength(outer, prefix.size() + values.size());
    out.extendedHeaderList.reserve(outer.size() + prefix.size() + values.size());
    appendSecure(out.extendedHeaderList, outer);
    appendSecure(out.extendedHeaderList, prefix);
    appendSecure(out.extendedHeaderList, core::view(values));
    return out;
}

}  // namespace openpgp
