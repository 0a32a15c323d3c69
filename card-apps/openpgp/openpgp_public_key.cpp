#include "card-apps/openpgp/openpgp_public_key.h"

#include "card-apps/openpgp/openpgp_crypto.h"
#include "core/apdu/tlv.h"

namespace openpgp {

using core::Errc;
using core::fail;

namespace {

// The "native" 25519 point prefix of OpenPGP packets (RFC 4880bis): cards send the bare 32 bytes.
constexpr uint8_t kNativePrefix = 0x40;

core::Error malformed(const std::string& what) {
    return core::Error(Errc::Malformed, "OpenPGP public key: " + what);
}

ByteView stripZeros(ByteView v) {
    std::size_t i = 0;
    while (i < v.size() && v[i] == 0) ++i;
    return v.subspan(i);
}

std::size_t bitLength(ByteView v) {
    v = stripZeros(v);
    if (v.empty()) return 0;
    std::size_t bits = (v.size() - 1) * 8;
    for (uint8_t b = v[0]; b; b >>= 1) ++bits;
    return bits;
}

// RFC 4880 §3.2 multiprecision integer: bit count (2 bytes) and the value without leading zeros.
void appendMpi(Bytes& out, ByteView v) {
    v = stripZeros(v);
    const std::size_t bits = bitLength(v);
    out.push_back(static_cast<uint8_t>(bits >> 8));
    out.push_back(static_cast<uint8_t>(bits));
    core::append(out, v);
}

}  // namespace

core::Result<const CurveInfo*> curveOf(const AlgorithmAttributes& attrs) {
    if (!attrs.isEcc())
        return fail(Errc::NotSupported, "algorithm attributes name no known public-key algorithm");
    if (!attrs.curve)
        return fail(Errc::NotSupported, "curve " + core::toHex(attrs.oid) + " is not supported");
    return &curveInfo(*attrs.curve);
}

core::Result<CardPublicKey> decodePublicKeyTemplate(ByteView answer, const AlgorithmAttributes& attrs) {
    ByteView content = answer;
    if (auto inner = apdu::unwrap(answer, tag::kPublicKey)) content = *inner;
    auto all = apdu::parseAll(content);
    if (!all) return fail(malformed("public key template: " + all.error().message));
    CardPublicKey k;
    if (attrs.isRsa()) {
        auto n = apdu::find(content, tag::kRsaModulus);
        auto e = apdu::find(content, tag::kRsaExponent);
        if (!n || !e) return fail(malformed("RSA template lacks modulus (81) or exponent (82)"));
        const ByteView nv = stripZeros(*n), ev = stripZeros(*e);
        if (bitLength(nv) != attrs.rsaBits)
            return fail(malformed("RSA modulus does not have the attributes' size"));
        if (ev.empty() || ev.size() > 8) return fail(malformed("RSA exponent has an unusable length"));
        k.modulus.assign(nv.begin(), nv.end());
        k.exponent.assign(ev.begin(), ev.end());
        return k;
    }
    auto curve = curveOf(attrs);
    if (!curve) return fail(curve.error());
    auto p = apdu::find(content, tag::kEcPoint);
    if (!p) return fail(malformed("ECC template lacks the point (86)"));
    ByteView point = *p;
    const CurveInfo& ci = **curve;
    if (ci.edwardsOrMontgomery) {
        if (point.size() == 33 && point[0] == kNativePrefix) point = point.subspan(1);  // tolerated
        if (point.size() != 32) return fail(malformed("25519 public key is not 32 bytes"));
    } else if (point.size() != 1 + 2 * std::size_t(ci.fieldBytes) || point[0] != 0x04) {
        return fail(malformed("EC point is not an uncompressed point of the attributes' curve"));
    }
    k.point.assign(point.begin(), point.end());
    return k;
}

core::Result<Bytes> publicKeyPacketBody(const CardPublicKey& key, const AlgorithmAttributes& attrs,
                                        uint32_t created) {
    Bytes body{0x04, uint8_t(created >> 24), uint8_t(created >> 16), uint8_t(created >> 8), uint8_t(created)};
    if (attrs.isRsa()) {
        if (key.modulus.empty() || key.exponent.empty())
            return fail(Errc::InvalidArgument, "incomplete RSA key");
        body.push_back(algo::kRsa);
        appendMpi(body, key.modulus);
        appendMpi(body, key.exponent);
        return body;
    }
    auto curve = curveOf(attrs);
    if (!curve) return fail(curve.error());
    const CurveInfo& ci = **curve;
    body.push_back(attrs.algorithm);
    // The curve's OpenPGP OID even when the card spells it the RFC 8410 way: what GnuPG hashes.
    body.push_back(ci.oidLength);
    core::append(body, ci.oidBytes());
    Bytes point;
    if (ci.edwardsOrMontgomery) point.push_back(kNativePrefix);
    core::append(point, key.point);
    appendMpi(body, point);
    if (attrs.algorithm == algo::kEcdh) {
        // RFC 6637 §9: KDF parameters (size 3, reserved 01, hash, key-wrap cipher), GnuPG's per-curve
        // defaults.
        const uint8_t kdfParams[] = {0x03, 0x01, ci.kdfHash, ci.kdfCipher};
        core::append(body, kdfParams);
    }
    return body;
}

core::Result<Fingerprint> v4Fingerprint(const CardPublicKey& key, const AlgorithmAttributes& attrs,
                                        uint32_t created) {
    auto body = publicKeyPacketBody(key, attrs, created);
    if (!body) return fail(body.error());
    Bytes packet{0x99, uint8_t(body->size() >> 8), uint8_t(body->size())};
    core::append(packet, *body);
    auto h = sha1(packet);
    if (!h) return fail(h.error());
    Fingerprint fp{};
    if (h->size() != fp.size()) return fail(Errc::Crypto, "SHA-1 failed");
    std::copy(h->begin(), h->end(), fp.begin());
    return fp;
}

}  // namespace openpgp
