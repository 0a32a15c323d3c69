#include "core/crypto/public_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <climits>

#include "core/crypto/ossl.h"

namespace crypto {

namespace {

using core::Errc;

// DER OIDs as CKA_EC_PARAMS carries them (namedCurve / RFC 8410 algorithm identifiers).
constexpr uint8_t kP256Oid[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
constexpr uint8_t kP384Oid[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
constexpr uint8_t kEd25519Oid[] = {0x06, 0x03, 0x2B, 0x65, 0x70};
constexpr uint8_t kX25519Oid[] = {0x06, 0x03, 0x2B, 0x65, 0x6E};

void setCurve(PublicKey& out, std::size_t bits, const char* name, ByteView oid) {
    out.bits = bits;
    out.curveName = name;
    out.ecParams.assign(oid.begin(), oid.end());
}

bool isSupportedCurve(int nid) {
    return nid == NID_X9_62_prime256v1 || nid == NID_secp384r1;
}

// Why OpenSSL could not give a key for a well-formed SPKI: an algorithm or curve we do not handle is
// NotSupported, a supported algorithm whose key does not decode (e.g. a point off the curve) is Malformed.
core::Error undecodableKey(const X509_PUBKEY* pub) {
    ASN1_OBJECT* alg = nullptr;
    X509_ALGOR* algor = nullptr;
    X509_PUBKEY_get0_param(&alg, nullptr, nullptr, &algor, pub);
    const int nid = alg ? OBJ_obj2nid(alg) : NID_undef;
    const ASN1_OBJECT* curve = nullptr;
    if (nid == NID_X9_62_id_ecPublicKey && algor) {
        int ptype = V_ASN1_UNDEF;
        const void* pval = nullptr;
        X509_ALGOR_get0(nullptr, &ptype, &pval, algor);
        if (ptype == V_ASN1_OBJECT) curve = static_cast<const ASN1_OBJECT*>(pval);
    }
    const bool known = nid == NID_rsaEncryption || nid == NID_ED25519 || nid == NID_X25519 ||
                       (nid == NID_X9_62_id_ecPublicKey && curve && isSupportedCurve(OBJ_obj2nid(curve)));
    char oid[80] = "?";
    if (const ASN1_OBJECT* shown = curve ? curve : alg) OBJ_obj2txt(oid, sizeof oid, shown, 1);
    return known ? ossl::error(Errc::Malformed, std::string("undecodable public key (") + oid + ")")
                 : ossl::error(Errc::NotSupported, std::string("unsupported key algorithm or curve ") + oid);
}

core::Result<ossl::Pkey> decodeSpki(ByteView der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX))
        return core::fail(Errc::Malformed, "empty or oversized SubjectPublicKeyInfo");
    const unsigned char* p = der.data();
    // The structure first: OpenSSL keeps an X509_PUBKEY whose key it cannot decode, so that case can be
    // told apart from garbage.
    ossl::X509Pubkey pub(d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!pub) return core::fail(ossl::error(Errc::Malformed, "not a DER SubjectPublicKeyInfo"));
    if (p != der.data() + der.size())
        return core::fail(Errc::Malformed, "trailing bytes after the SubjectPublicKeyInfo");
    ossl::Pkey key(X509_PUBKEY_get(pub.get()));
    if (!key) return core::fail(undecodableKey(pub.get()));
    return key;
}

// Big-endian value of a BIGNUM key parameter; left-padded to `padTo` bytes when non-zero.
core::Result<Bytes> bnParam(const EVP_PKEY* key, const char* name, std::size_t padTo = 0) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
        return core::fail(ossl::error(Errc::Malformed, std::string("public key lacks ") + name));
    ossl::Bn bn(raw);
    const int n = BN_num_bytes(bn.get());
    if (padTo == 0) {
        Bytes out(static_cast<std::size_t>(n));
        BN_bn2bin(bn.get(), out.data());
        return out;
    }
    Bytes out(padTo);
    if (static_cast<std::size_t>(n) > padTo ||
        BN_bn2binpad(bn.get(), out.data(), static_cast<int>(padTo)) != static_cast<int>(padTo))
        return core::fail(Errc::Malformed, std::string("public key parameter too long: ") + name);
    return out;
}

core::Status fillRsa(const EVP_PKEY* key, PublicKey& out) {
    auto n = bnParam(key, OSSL_PKEY_PARAM_RSA_N);
    if (!n) return core::fail(n.error());
    auto e = bnParam(key, OSSL_PKEY_PARAM_RSA_E);
    if (!e) return core::fail(e.error());
    if (n->empty() || e->empty())
        return core::fail(Errc::Malformed, "RSA key with a zero modulus or exponent");
    out.type = KeyType::Rsa;
    out.bits = static_cast<std::size_t>(EVP_PKEY_get_bits(key));
    out.modulus = std::move(*n);
    out.publicExponent = std::move(*e);
    return {};
}

core::Status fillEc(const EVP_PKEY* key, PublicKey& out) {
    char group[80] = {};
    std::size_t groupLen = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &groupLen) !=
        1) {
        (void)ossl::error(Errc::NotSupported, "");
        return core::fail(Errc::NotSupported, "EC key without a named curve");
    }
    const int nid = OBJ_sn2nid(group);
    if (nid == NID_X9_62_prime256v1)
        setCurve(out, 256, "P-256", kP256Oid);
    else if (nid == NID_secp384r1)
        setCurve(out, 384, "P-384", kP384Oid);
    else
        return core::fail(Errc::NotSupported, std::string("unsupported EC curve ") + group);
    // X and Y rather than the encoded point: the SPKI may hold a compressed point, PKCS#11 wants 04||X||Y.
    auto x = bnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, out.ecFieldBytes());
    if (!x) return core::fail(x.error());
    auto y = bnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, out.ecFieldBytes());
    if (!y) return core::fail(y.error());
    out.type = KeyType::Ec;
    out.ecPoint.assign(1, 0x04);
    core::append(out.ecPoint, *x);
    core::append(out.ecPoint, *y);
    return {};
}

core::Status fillMontgomeryOrEdwards(const EVP_PKEY* key, KeyType type, PublicKey& out) {
    Bytes raw(32);
    std::size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1 || len != raw.size())
        return core::fail(ossl::error(Errc::Malformed, "bad 25519 public key"));
    out.type = type;
    out.ecPoint = std::move(raw);
    if (type == KeyType::Ed25519)
        setCurve(out, 255, "Ed25519", kEd25519Oid);
    else
        setCurve(out, 255, "X25519", kX25519Oid);
    return {};
}

}  // namespace

core::Result<PublicKey> parseSpki(ByteView spkiDer) {
    auto key = decodeSpki(spkiDer);
    if (!key) return core::fail(key.error());
    const EVP_PKEY* k = key->get();
    PublicKey out;
    out.spki.assign(spkiDer.begin(), spkiDer.end());
    core::Status filled;
    if (EVP_PKEY_is_a(k, "RSA"))
        filled = fillRsa(k, out);
    else if (EVP_PKEY_is_a(k, "EC"))
        filled = fillEc(k, out);
    else if (EVP_PKEY_is_a(k, "ED25519"))
        filled = fillMontgomeryOrEdwards(k, KeyType::Ed25519, out);
    else if (EVP_PKEY_is_a(k, "X25519"))
        filled = fillMontgomeryOrEdwards(k, KeyType::X25519, out);
    else {
        const char* name = EVP_PKEY_get0_type_name(k);
        return core::fail(Errc::NotSupported,
                          std::string("unsupported public key type ") + (name ? name : "?"));
    }
    if (!filled) return core::fail(filled.error());
    return out;
}

core::Result<bool> verifyRsaPkcs1(const PublicKey& key, ByteView signedBlockInput, ByteView signature) {
    if (key.type != KeyType::Rsa) return core::fail(Errc::InvalidArgument, "not an RSA key");
    auto pkey = decodeSpki(key.spki);
    if (!pkey) return core::fail(pkey.error());
    if (signature.size() != key.rsaBytes()) return false;
    // No signature digest set: OpenSSL then compares the recovered block content with the input as is,
    // which is what CKM_RSA_PKCS verification means (input = DigestInfo or raw data).
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
        return core::fail(ossl::error(Errc::Crypto, "RSA verify setup"));
    const int rc = EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), signedBlockInput.data(),
                                   signedBlockInput.size());
    if (rc != 1) (void)ossl::error(Errc::Crypto, "");  // a bad signature is an answer, not an error
    return rc == 1;
}

}  // namespace crypto
