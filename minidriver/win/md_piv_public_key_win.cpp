// card-apps/piv/piv_public_key.h for the Windows DLL, which has no OpenSSL: the DER SubjectPublicKeyInfo
// is built and read with core/apdu's TLV code (DER's low tag numbers are single-byte BER-TLV tags) and
// an EC point is checked to lie on its curve by importing it into CNG. Same contract as the OpenSSL
// version in card-apps/piv/piv_public_key.cpp (RSA exponent minimal, modulus with a 00 sign byte).
#include <algorithm>

#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_public_key.h"
#include "core/apdu/tlv.h"
#include "minidriver/win_compat.h"

namespace piv {

using cardapp::KeyAlgorithm;
using core::Bytes;
using core::ByteView;
using core::Errc;
using core::fail;

namespace {

// Content octets of the algorithm OIDs (tag 06 added by the builder).
constexpr uint8_t kOidRsa[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};  // 1.2.840.113549.1.1.1
constexpr uint8_t kOidEc[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};               // 1.2.840.10045.2.1
constexpr uint8_t kOidP256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};       // 1.2.840.10045.3.1.7
constexpr uint8_t kOidP384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};                         // 1.3.132.0.34
constexpr uint8_t kOidEd25519[] = {0x2B, 0x65, 0x70};                                  // 1.3.101.112
constexpr uint8_t kOidX25519[] = {0x2B, 0x65, 0x6E};                                   // 1.3.101.110

core::Error malformed(std::string what) {
    return core::Error(Errc::Malformed, std::move(what));
}

bool equals(ByteView a, ByteView b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

ByteView stripZeros(ByteView v) {
    std::size_t i = 0;
    while (i < v.size() && v[i] == 0) ++i;
    return v.subspan(i);
}

// DER INTEGER content of an unsigned big-endian number: minimal, 00 prepended when the top bit is set.
Bytes unsignedInteger(ByteView v) {
    const ByteView s = stripZeros(v);
    const std::size_t pad = s.empty() || (s[0] & 0x80) ? 1 : 0;
    Bytes out(pad + s.size(), 0);  // sized up front (GCC 12 -O3 misreads push_back + insert)
    std::copy(s.begin(), s.end(), out.begin() + static_cast<std::ptrdiff_t>(pad));
    return out;
}

Bytes spki(ByteView algOid, ByteView params, ByteView key, bool nullParams) {
    Bytes bits(1 + key.size(), 0);  // leading 00: no unused bits
    std::copy(key.begin(), key.end(), bits.begin() + 1);
    apdu::TlvBuilder b;
    b.begin(0x30).begin(0x30).add(0x06, algOid);
    if (!params.empty()) b.add(0x06, params);
    if (nullParams) b.add(0x05, ByteView());
    b.end().add(0x03, bits).end();
    return b.take();
}

core::Status checkPointOnCurve(ByteView point, KeyAlgorithm alg) {
    const std::size_t field = ecFieldBytes(alg);
    Bytes blob(sizeof(BCRYPT_ECCKEY_BLOB));
    auto* hdr = reinterpret_cast<BCRYPT_ECCKEY_BLOB*>(blob.data());
    hdr->dwMagic =
        alg == KeyAlgorithm::EcP256 ? BCRYPT_ECDSA_PUBLIC_P256_MAGIC : BCRYPT_ECDSA_PUBLIC_P384_MAGIC;
    hdr->cbKey = ULONG(field);
    blob.insert(blob.end(), point.begin() + 1, point.end());  // X || Y
    BCRYPT_ALG_HANDLE provider = nullptr;
    BCRYPT_KEY_HANDLE key = nullptr;
    const LPCWSTR name =
        alg == KeyAlgorithm::EcP256 ? BCRYPT_ECDSA_P256_ALGORITHM : BCRYPT_ECDSA_P384_ALGORITHM;
    if (BCryptOpenAlgorithmProvider(&provider, name, nullptr, 0) < 0)
        return fail(Errc::Crypto, "BCrypt has no ECDSA provider");
    const bool ok = BCryptImportKeyPair(provider, nullptr, BCRYPT_ECCPUBLIC_BLOB, &key, blob.data(),
                                        ULONG(blob.size()), 0) >= 0;
    if (key) BCryptDestroyKey(key);
    BCryptCloseAlgorithmProvider(provider, 0);
    if (!ok) return fail(malformed("card returned an invalid EC public key"));
    return {};
}

core::Result<Bytes> rsaSpki(ByteView content, KeyAlgorithm alg) {
    auto n = apdu::find(content, tag::kRsaModulus);
    auto e = apdu::find(content, tag::kRsaExponent);
    if (!n || !e) return fail(malformed("RSA public key template lacks modulus (81) or exponent (82)"));
    // An RSA-k key's modulus has exactly k bits: the top bit of the first byte is set.
    if (n->size() != cardapp::rsaModulusBytes(alg) || ((*n)[0] & 0x80) == 0)
        return fail(malformed("RSA modulus does not match the key size"));
    if (e->empty() || e->size() > 8) return fail(malformed("RSA public exponent has an unusable length"));
    if (stripZeros(*e).empty()) return fail(malformed("RSA public exponent is zero"));
    const Bytes key = apdu::TlvBuilder()
                          .begin(0x30)
                          .add(0x02, unsignedInteger(*n))
                          .add(0x02, unsignedInteger(*e))
                          .end()
                          .take();
    return spki(kOidRsa, {}, key, true);
}

core::Result<Bytes> ecSpki(ByteView content, KeyAlgorithm alg) {
    auto point = apdu::find(content, tag::kEcPoint);
    if (!point) return fail(malformed("EC public key template lacks the point (86)"));
    const std::size_t field = ecFieldBytes(alg);
    if (point->size() != 1 + 2 * field || (*point)[0] != 0x04)
        return fail(malformed("EC point is not an uncompressed point of the key's curve"));
    MESIGN_TRY(checkPointOnCurve(*point, alg));
    return spki(kOidEc, alg == KeyAlgorithm::EcP256 ? ByteView(kOidP256) : ByteView(kOidP384), *point, false);
}

core::Result<Bytes> rawSpki(ByteView content, KeyAlgorithm alg) {
    auto point = apdu::find(content, tag::kEcPoint);
    if (!point || point->size() != 32) return fail(malformed("25519 public key is not 32 bytes in tag 86"));
    return spki(alg == KeyAlgorithm::Ed25519 ? ByteView(kOidEd25519) : ByteView(kOidX25519), {}, *point,
                false);
}

// The value of the one object with `tag` (one byte) that `data` starts with. DER has no padding: the BER-TLV
// reader skips 00/FF before an object, which OpenSSL's d2i on Linux would refuse.
core::Result<ByteView> only(ByteView data, apdu::Tag tag, const char* what) {
    if (data.empty() || data[0] != tag) return fail(malformed(std::string(what) + " is not DER"));
    auto v = apdu::unwrap(data, tag);
    if (!v) return fail(malformed(std::string(what) + " is not DER"));
    return *v;
}

}  // namespace

core::Result<Bytes> spkiFromPublicKeyTemplate(ByteView content, KeyAlgorithm alg) {
    if (auto all = apdu::parseAll(content); !all)
        return fail(malformed("public key template: " + all.error().message));
    if (cardapp::isRsa(alg)) return rsaSpki(content, alg);
    if (cardapp::isEc(alg)) return ecSpki(content, alg);
    return rawSpki(content, alg);
}

core::Result<Bytes> spkiFromCertificate(ByteView certDer) {
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }; in tbsCertificate the
    // SPKI follows [0] version (optional), serialNumber, signature, issuer, validity, subject.
    auto cert = only(certDer, 0x30, "certificate");
    if (!cert) return fail(cert.error());
    apdu::TlvReader outer(*cert);
    auto tbs = outer.next();
    if (!tbs || tbs->tag != 0x30) return fail(malformed("certificate is not DER X.509"));
    apdu::TlvReader r(tbs->value);
    auto first = r.next();
    if (!first) return fail(malformed("certificate is not DER X.509"));
    int skip = first->tag == 0xA0 ? 5 : 4;  // elements left before the SPKI
    for (; skip > 0; --skip)
        if (!r.next()) return fail(malformed("certificate is not DER X.509"));
    auto key = r.next();
    if (!key || key->tag != 0x30) return fail(malformed("certificate has no encodable public key"));
    return Bytes(key->raw.begin(), key->raw.end());
}

core::Result<KeyAlgorithm> algorithmFromSpki(ByteView spkiDer) {
    auto seq = only(spkiDer, 0x30, "SubjectPublicKeyInfo");
    if (!seq) return fail(seq.error());
    auto parts = apdu::parseAll(*seq);
    if (!parts || parts->size() != 2 || (*parts)[0].tag != 0x30 || (*parts)[1].tag != 0x03 ||
        (*parts)[1].value.empty())
        return fail(malformed("SubjectPublicKeyInfo does not parse"));
    auto algId = apdu::parseAll((*parts)[0].value);
    if (!algId || algId->empty() || (*algId)[0].tag != 0x06)
        return fail(malformed("SubjectPublicKeyInfo does not parse"));
    const ByteView oid = (*algId)[0].value;
    const ByteView key = (*parts)[1].value.subspan(1);
    if (equals(oid, kOidRsa)) {
        auto rsa = only(key, 0x30, "RSA public key");
        if (!rsa) return fail(rsa.error());
        apdu::TlvReader r(*rsa);
        auto n = r.next();
        if (!n || n->tag != 0x02) return fail(malformed("RSA public key does not parse"));
        const ByteView m = stripZeros(n->value);
        std::size_t bits = m.size() * 8;
        for (uint8_t top = m.empty() ? 0 : m[0]; bits && !(top & 0x80); top <<= 1) --bits;
        switch (bits) {
            case 1024:
                return KeyAlgorithm::Rsa1024;
            case 2048:
                return KeyAlgorithm::Rsa2048;
            case 3072:
                return KeyAlgorithm::Rsa3072;
            case 4096:
                return KeyAlgorithm::Rsa4096;
            default:
                return fail(Errc::NotSupported, "RSA key size not supported by PIV");
        }
    }
    if (equals(oid, kOidEc)) {
        if (algId->size() != 2 || (*algId)[1].tag != 0x06)
            return fail(Errc::NotSupported, "EC key without a named curve");
        if (equals((*algId)[1].value, kOidP256)) return KeyAlgorithm::EcP256;
        if (equals((*algId)[1].value, kOidP384)) return KeyAlgorithm::EcP384;
        return fail(Errc::NotSupported, "EC curve not supported by PIV");
    }
    if (equals(oid, kOidEd25519)) return KeyAlgorithm::Ed25519;
    if (equals(oid, kOidX25519)) return KeyAlgorithm::X25519;
    return fail(Errc::NotSupported, "public key type not supported by PIV");
}

}  // namespace piv
