#include "tests/unit/piv/test_keys.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "core/apdu/tlv.h"

namespace piv::test {

ossl::Pkey generateKeyPair(cardapp::KeyAlgorithm alg) {
    using cardapp::KeyAlgorithm;
    EVP_PKEY* k = nullptr;
    switch (alg) {
        case KeyAlgorithm::EcP256:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case KeyAlgorithm::EcP384:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
            break;
        case KeyAlgorithm::Ed25519:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
        case KeyAlgorithm::X25519:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
            break;
        default:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(cardapp::rsaModulusBytes(alg) * 8));
            break;
    }
    EXPECT_NE(k, nullptr);
    return ossl::Pkey(k);
}

Bytes spkiOf(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(key, &der);
    Bytes out(der, der + (len > 0 ? len : 0));
    OPENSSL_free(der);
    return out;
}

Bytes ecPointOf(EVP_PKEY* key) {
    Bytes out(200);
    size_t len = 0;
    EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len), 1);
    out.resize(len);
    return out;
}

static Bytes bnParam(EVP_PKEY* key, const char* name, int width) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    ossl::Bn owner(bn);
    const int n = width ? width : BN_num_bytes(bn);
    Bytes out(static_cast<size_t>(n));
    BN_bn2binpad(bn, out.data(), n);
    return out;
}

Bytes rsaModulusOf(EVP_PKEY* key) {
    return bnParam(key, OSSL_PKEY_PARAM_RSA_N, EVP_PKEY_get_size(key));
}
Bytes rsaExponentOf(EVP_PKEY* key) {
    return bnParam(key, OSSL_PKEY_PARAM_RSA_E, 0);
}

Bytes privateKeyDerOf(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int len = i2d_PrivateKey(key, &der);
    Bytes out(der, der + (len > 0 ? len : 0));
    OPENSSL_free(der);
    return out;
}

Bytes selfSignedCertificate(EVP_PKEY* key, const std::string& commonName, std::size_t padding) {
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key);
    if (padding) {
        ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
        ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
        const Bytes zeros(padding, 0);
        ASN1_OCTET_STRING_set(value, zeros.data(), static_cast<int>(zeros.size()));
        X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, value);
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
        ASN1_OCTET_STRING_free(value);
        ASN1_OBJECT_free(oid);
    }
    const bool pure = EVP_PKEY_is_a(key, "ED25519");
    EXPECT_GT(X509_sign(cert.get(), key, pure ? nullptr : EVP_sha256()), 0);
    unsigned char* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    Bytes out(der, der + (len > 0 ? len : 0));
    OPENSSL_free(der);
    return out;
}

Bytes ecdsaSign(EVP_PKEY* key, ByteView hash) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
    size_t len = 0;
    EVP_PKEY_sign(ctx.get(), nullptr, &len, hash.data(), hash.size());
    Bytes sig(len);
    EXPECT_EQ(EVP_PKEY_sign(ctx.get(), sig.data(), &len, hash.data(), hash.size()), 1);
    sig.resize(len);
    return sig;
}

bool ecdsaVerify(EVP_PKEY* key, ByteView hash, ByteView derSig) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (EVP_PKEY_verify_init(ctx.get()) != 1) return false;
    return EVP_PKEY_verify(ctx.get(), derSig.data(), derSig.size(), hash.data(), hash.size()) == 1;
}

Bytes rsaRaw(EVP_PKEY* key, ByteView block) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    EXPECT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING), 1);
    size_t len = block.size();
    Bytes out(len);
    EXPECT_EQ(EVP_PKEY_decrypt(ctx.get(), out.data(), &len, block.data(), block.size()), 1);
    out.resize(len);
    return out;
}

Bytes ecdh(EVP_PKEY* priv, EVP_PKEY* peer) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new(priv, nullptr));
    EXPECT_EQ(EVP_PKEY_derive_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_derive_set_peer(ctx.get(), peer), 1);
    size_t len = 0;
    EVP_PKEY_derive(ctx.get(), nullptr, &len);
    Bytes z(len);
    EXPECT_EQ(EVP_PKEY_derive(ctx.get(), z.data(), &len), 1);
    z.resize(len);
    return z;
}

Bytes sha256(ByteView data) {
    Bytes out(SHA256_DIGEST_LENGTH);
    SHA256(data.data(), data.size(), out.data());
    return out;
}

Bytes publicKeyTemplate(EVP_PKEY* key) {
    apdu::TlvBuilder b;
    b.begin(0x7F49);
    if (EVP_PKEY_is_a(key, "RSA"))
        b.add(0x81, rsaModulusOf(key)).add(0x82, rsaExponentOf(key));
    else
        b.add(0x86, ecPointOf(key));
    b.end();
    return b.take();
}

}  // namespace piv::test
