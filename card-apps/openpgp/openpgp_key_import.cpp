#include "card-apps/openpgp/openpgp_key_import.h"

#include <openssl/core_names.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "core/apdu/tlv.h"
#include "core/crypto/ossl.h"

namespace openpgp {

using cardapp::KeyAlgorithm;
using core::Errc;
using core::fail;

namespace {

core::Result<crypto::ossl::Pkey> loadPrivateKey(ByteView der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX))
        return fail(Errc::InvalidArgument, "empty private key");
    const unsigned char* p = der.data();
    crypto::ossl::Pkey pkey(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
    if (!pkey) return fail(crypto::ossl::error(Errc::InvalidArgument, "not a DER private key"));
    return pkey;
}

core::Result<KeyAlgorithm> algorithmOf(EVP_PKEY* k) {
    if (EVP_PKEY_is_a(k, "RSA")) {
        switch (EVP_PKEY_get_bits(k)) {
            case 2048:
                return KeyAlgorithm::Rsa2048;
            case 3072:
                return KeyAlgorithm::Rsa3072;
            case 4096:
                return KeyAlgorithm::Rsa4096;
            default:
                return fail(Errc::NotSupported, "RSA key size not supported by OpenPGP cards here");
        }
    }
    if (EVP_PKEY_is_a(k, "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
            return fail(Errc::NotSupported, "EC key without a named curve");
        if (!std::strcmp(group, "prime256v1") || !std::strcmp(group, "P-256")) return KeyAlgorithm::EcP256;
        if (!std::strcmp(group, "secp384r1") || !std::strcmp(group, "P-384")) return KeyAlgorithm::EcP384;
        return fail(Errc::NotSupported, std::string("EC curve not supported: ") + group);
    }
    if (EVP_PKEY_is_a(k, "ED25519")) return KeyAlgorithm::Ed25519;
    if (EVP_PKEY_is_a(k, "X25519")) return KeyAlgorithm::X25519;
    return fail(Errc::NotSupported, "private key type not supported");
}

// A BIGNUM key parameter, big-endian, left-padded to `width` bytes (0: minimal).
core::Result<core::SecureBytes> bnParam(EVP_PKEY* k, const char* name, std::size_t width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(k, name, &raw) != 1 || !raw)
        return fail(crypto::ossl::error(Errc::InvalidArgument, std::string("private key lacks ") + name));
    crypto::ossl::Bn bn(raw);
    const auto n = static_cast<std::size_t>(BN_num_bytes(bn.get()));
    if (width == 0) width = n;
    if (n > width) return fail(Errc::InvalidArgument, std::string("key parameter too large: ") + name);
    core::SecureBytes out(width);
    if (BN_bn2binpad(bn.get(), out.data(), static_cast<int>(width)) != static_cast<int>(width))
        return fail(Errc::Crypto, "cannot encode a key parameter");
    return out;
}

struct Element {
    uint8_t tag;
    core::SecureBytes value;
};

core::Status addBn(std::vector<Element>& out, EVP_PKEY* k, uint8_t tag, const char* name, std::size_t width) {
    auto v = bnParam(k, name, width);
    if (!v) return fail(v.error());
    out.push_back({tag, std::move(*v)});
    return {};
}

core::Status rsaElements(EVP_PKEY* k, const AlgorithmAttributes& attrs, std::vector<Element>& out) {
    const std::size_t nBytes = (attrs.rsaBits + 7u) / 8u, half = (attrs.rsaBits + 15u) / 16u;
    if (static_cast<std::size_t>(EVP_PKEY_get_bits(k)) != attrs.rsaBits)
        return fail(Errc::InvalidArgument, "RSA key size differs from the slot's attributes");
    const bool crt = attrs.rsaImportFormat == 0x02 || attrs.rsaImportFormat == 0x03;
    const bool withN = attrs.rsaImportFormat == 0x01 || attrs.rsaImportFormat == 0x03;
    MESIGN_TRY(addBn(out, k, keytag::kRsaE, OSSL_PKEY_PARAM_RSA_E, (attrs.rsaExponentBits + 7u) / 8u));
    MESIGN_TRY(addBn(out, k, keytag::kRsaP, OSSL_PKEY_PARAM_RSA_FACTOR1, half));
    MESIGN_TRY(addBn(out, k, keytag::kRsaQ, OSSL_PKEY_PARAM_RSA_FACTOR2, half));
    if (crt) {
        // OpenSSL's CRT coefficient is q^-1 mod p, which is the card's "1/q mod p" (94).
        MESIGN_TRY(addBn(out, k, keytag::kRsaQinv, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, half));
        MESIGN_TRY(addBn(out, k, keytag::kRsaDp, OSSL_PKEY_PARAM_RSA_EXPONENT1, half));
        MESIGN_TRY(addBn(out, k, keytag::kRsaDq, OSSL_PKEY_PARAM_RSA_EXPONENT2, half));
    }
    if (withN) MESIGN_TRY(addBn(out, k, keytag::kRsaN, OSSL_PKEY_PARAM_RSA_N, nBytes));
    return {};
}

core::Status eccElements(EVP_PKEY* k, KeyAlgorithm alg, const AlgorithmAttributes& attrs,
                         const CardPublicKey& pub, std::vector<Element>& out) {
    if (alg == KeyAlgorithm::Ed25519 || alg == KeyAlgorithm::X25519) {
        core::SecureBytes raw(32);
        std::size_t len = raw.size();
        if (EVP_PKEY_get_raw_private_key(k, raw.data(), &len) != 1 || len != 32)
            return fail(crypto::ossl::error(Errc::InvalidArgument, "cannot read the 25519 private key"));
        if (alg == KeyAlgorithm::X25519) std::reverse(raw.begin(), raw.end());
        out.push_back({keytag::kEcPrivate, std::move(raw)});
    } else {
        const std::size_t field = attrs.curve ? curveInfo(*attrs.curve).fieldBytes : 0;
        MESIGN_TRY(addBn(out, k, keytag::kEcPrivate, OSSL_PKEY_PARAM_PRIV_KEY, field));
    }
    if (attrs.ecImportByte == 0xFF) out.push_back({keytag::kEcPublic, core::secureCopy(pub.point)});
    return {};
}

void appendSecure(core::SecureBytes& out, ByteView v) {
    out.insert(out.end(), v.begin(), v.end());
}

}  // namespace

core::Result<KeyAlgorithm> privateKeyAlgorithm(ByteView privateKeyDer) {
    auto pkey = loadPrivateKey(privateKeyDer);
    if (!pkey) return fail(pkey.error());
    return algorithmOf(pkey->get());
}

core::Result<KeyImport> buildKeyImport(uint8_t keyRef, ByteView privateKeyDer,
                                       const AlgorithmAttributes& attrs) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    auto pkey = loadPrivateKey(privateKeyDer);
    if (!pkey) return fail(pkey.error());
    auto alg = algorithmOf(pkey->get());
    if (!alg) return fail(alg.error());
    if (attrs.keyAlgorithm() != *alg)
        return fail(Errc::InvalidArgument, "key does not match the slot's attributes");

    KeyImport out;
    out.algorithm = *alg;
    auto spki = crypto::ossl::toDer<EVP_PKEY>(i2d_PUBKEY, pkey->get(), "SubjectPublicKeyInfo");
    if (!spki) return fail(spki.error());
    out.spki = std::move(*spki);
    auto pub = cardKeyFromSpki(out.spki);
    if (!pub) return fail(pub.error());
    out.publicKey = std::move(*pub);

    std::vector<Element> elements;
    if (attrs.isRsa())
        MESIGN_TRY(rsaElements(pkey->get(), attrs, elements));
    else
        MESIGN_TRY(eccElements(pkey->get(), *alg, attrs, out.publicKey, elements));

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
