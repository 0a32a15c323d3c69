#include "card-apps/piv/piv_public_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "card-apps/piv/ossl_handles.h"
#include "card-apps/piv/piv_constants.h"
#include "core/apdu/tlv.h"

namespace piv {

using cardapp::KeyAlgorithm;
using core::Bytes;
using core::ByteView;
using core::Errc;
using core::fail;

namespace {

core::Error malformed(std::string what) {
    return core::Error(Errc::Malformed, std::move(what));
}

core::Result<Bytes> encodeSpki(EVP_PKEY* pkey) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(pkey, &der);
    if (len <= 0) return fail(Errc::Crypto, "cannot encode SubjectPublicKeyInfo");
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

core::Result<Bytes> fromParams(const char* keyType, OSSL_PARAM_BLD* bld) {
    ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return fail(Errc::Crypto, std::string("cannot set up ") + keyType + " key import");
    EVP_PKEY* raw = nullptr;
    // EVP_PKEY_fromdata decodes an EC point (rejecting points off the curve).
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || !raw)
        return fail(malformed(std::string("card returned an invalid ") + keyType + " public key"));
    ossl::Pkey pkey(raw);
    return encodeSpki(pkey.get());
}

core::Result<Bytes> rsaSpki(ByteView content, KeyAlgorithm alg) {
    auto n = apdu::find(content, tag::kRsaModulus);
    auto e = apdu::find(content, tag::kRsaExponent);
    if (!n || !e) return fail(malformed("RSA public key template lacks modulus (81) or exponent (82)"));
    // An RSA-k key's modulus has exactly k bits: the top bit of the first byte is set.
    if (n->size() != cardapp::rsaModulusBytes(alg) || ((*n)[0] & 0x80) == 0)
        return fail(malformed("RSA modulus does not match the key size"));
    if (e->empty() || e->size() > 8) return fail(malformed("RSA public exponent has an unusable length"));
    if (std::all_of(e->begin(), e->end(), [](uint8_t b) { return b == 0; }))
        return fail(malformed("RSA public exponent is zero"));  // OpenSSL would encode it; no parser accepts it
    ossl::Bn bn(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
    ossl::Bn be(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
    ossl::ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bn || !be || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()))
        return fail(Errc::Crypto, "cannot build RSA key parameters");
    return fromParams("RSA", bld.get());
}

core::Result<Bytes> ecSpki(ByteView content, KeyAlgorithm alg) {
    auto point = apdu::find(content, tag::kEcPoint);
    if (!point) return fail(malformed("EC public key template lacks the point (86)"));
    const std::size_t field = ecFieldBytes(alg);
    if (point->size() != 1 + 2 * field || (*point)[0] != 0x04)
        return fail(malformed("EC point is not an uncompressed point of the key's curve"));
    ossl::ParamBld bld(OSSL_PARAM_BLD_new());
    const char* group = alg == KeyAlgorithm::EcP256 ? "P-256" : "P-384";
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()))
        return fail(Errc::Crypto, "cannot build EC key parameters");
    return fromParams("EC", bld.get());
}

core::Result<Bytes> rawSpki(ByteView content, KeyAlgorithm alg) {
    auto point = apdu::find(content, tag::kEcPoint);
    if (!point || point->size() != 32) return fail(malformed("25519 public key is not 32 bytes in tag 86"));
    ossl::ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()))
        return fail(Errc::Crypto, "cannot build 25519 key parameters");
    return fromParams(alg == KeyAlgorithm::Ed25519 ? "ED25519" : "X25519", bld.get());
}

}  // namespace

core::Result<Bytes> spkiFromPublicKeyTemplate(ByteView content, KeyAlgorithm alg) {
    // Validate the TLV structure once so every later find() failure means "tag missing".
    if (auto all = apdu::parseAll(content); !all)
        return fail(malformed("public key template: " + all.error().message));
    if (cardapp::isRsa(alg)) return rsaSpki(content, alg);
    if (cardapp::isEc(alg)) return ecSpki(content, alg);
    return rawSpki(content, alg);
}

core::Result<Bytes> spkiFromCertificate(ByteView certDer) {
    const unsigned char* p = certDer.data();
    ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(certDer.size())));
    if (!cert) return fail(malformed("certificate is not DER X.509"));
    X509_PUBKEY* pub = X509_get_X509_PUBKEY(cert.get());
    unsigned char* der = nullptr;
    const int len = pub ? i2d_X509_PUBKEY(pub, &der) : -1;
    if (len <= 0) return fail(malformed("certificate has no encodable public key"));
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

core::Result<KeyAlgorithm> algorithmFromSpki(ByteView spki) {
    const unsigned char* p = spki.data();
    ossl::Pkey pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!pkey) return fail(malformed("SubjectPublicKeyInfo does not parse"));
    if (EVP_PKEY_is_a(pkey.get(), "RSA")) {
        switch (EVP_PKEY_get_bits(pkey.get())) {
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
    if (EVP_PKEY_is_a(pkey.get(), "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &len) != 1)
            return fail(Errc::NotSupported, "EC key without a named curve");
        if (!std::strcmp(group, "prime256v1") || !std::strcmp(group, "P-256")) return KeyAlgorithm::EcP256;
        if (!std::strcmp(group, "secp384r1") || !std::strcmp(group, "P-384")) return KeyAlgorithm::EcP384;
        return fail(Errc::NotSupported, std::string("EC curve not supported by PIV: ") + group);
    }
    if (EVP_PKEY_is_a(pkey.get(), "ED25519")) return KeyAlgorithm::Ed25519;
    if (EVP_PKEY_is_a(pkey.get(), "X25519")) return KeyAlgorithm::X25519;
    return fail(Errc::NotSupported, "public key type not supported by PIV");
}

}  // namespace piv
