#include "tests/unit/openpgp/test_keys.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "core/apdu/tlv.h"
#include "core/crypto/public_key.h"

namespace openpgp::test {

using crypto::ossl::PkeyCtx;

Pkey generateKeyPair(cardapp::KeyAlgorithm alg) {
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
    return Pkey(k);
}

static Bytes der(int (*i2d)(const EVP_PKEY*, unsigned char**), EVP_PKEY* key) {
    unsigned char* p = nullptr;
    const int len = i2d(key, &p);
    Bytes out(p, p + (len > 0 ? len : 0));
    OPENSSL_free(p);
    return out;
}

Bytes spkiOf(EVP_PKEY* key) {
    return der(i2d_PUBKEY, key);
}

Bytes privateKeyDerOf(EVP_PKEY* key) {
    return der(i2d_PrivateKey, key);
}

Bytes publicPointOf(EVP_PKEY* key) {
    Bytes out(200);
    size_t len = out.size();
    if (EVP_PKEY_is_a(key, "EC")) {
        EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len),
                  1);
    } else {
        EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, out.data(), &len), 1);
    }
    out.resize(len);
    return out;
}

static Bytes bnParam(EVP_PKEY* key, const char* name, int width) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    crypto::ossl::Bn owner(bn);
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

Bytes selfSignedCertificate(EVP_PKEY* key, const std::string& commonName) {
    crypto::ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 77);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key);
    const bool pure = EVP_PKEY_is_a(key, "ED25519");
    EXPECT_GT(X509_sign(cert.get(), key, pure ? nullptr : EVP_sha256()), 0);
    unsigned char* p = nullptr;
    const int len = i2d_X509(cert.get(), &p);
    Bytes out(p, p + (len > 0 ? len : 0));
    OPENSSL_free(p);
    return out;
}

Bytes rsaSignDigestInfo(EVP_PKEY* key, ByteView digestInfo) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
    size_t len = static_cast<size_t>(EVP_PKEY_get_size(key));
    Bytes sig(len);
    EXPECT_EQ(EVP_PKEY_sign(ctx.get(), sig.data(), &len, digestInfo.data(), digestInfo.size()), 1);
    sig.resize(len);
    return sig;
}

bool rsaVerifyDigestInfo(EVP_PKEY* key, ByteView digestInfo, ByteView sig) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
        return false;
    return EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digestInfo.data(), digestInfo.size()) == 1;
}

Bytes rsaEncryptPkcs1(EVP_PKEY* key, ByteView message) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    EXPECT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
    size_t len = static_cast<size_t>(EVP_PKEY_get_size(key));
    Bytes out(len);
    EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, message.data(), message.size()), 1);
    out.resize(len);
    return out;
}

Bytes rsaDecryptPkcs1(EVP_PKEY* key, ByteView ciphertext) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    EXPECT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
    size_t len = static_cast<size_t>(EVP_PKEY_get_size(key));
    Bytes out(len);
    EXPECT_EQ(EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()), 1);
    out.resize(len);
    return out;
}

Bytes ecdsaSignRaw(EVP_PKEY* key, ByteView hash, std::size_t field) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
    size_t len = 0;
    EVP_PKEY_sign(ctx.get(), nullptr, &len, hash.data(), hash.size());
    Bytes sig(len);
    EXPECT_EQ(EVP_PKEY_sign(ctx.get(), sig.data(), &len, hash.data(), hash.size()), 1);
    sig.resize(len);
    auto raw = crypto::ecdsaDerToRaw(sig, field);
    EXPECT_TRUE(raw.has_value());
    return raw ? *raw : Bytes();
}

bool ecdsaVerifyDer(EVP_PKEY* key, ByteView hash, ByteView derSig) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (EVP_PKEY_verify_init(ctx.get()) != 1) return false;
    return EVP_PKEY_verify(ctx.get(), derSig.data(), derSig.size(), hash.data(), hash.size()) == 1;
}

Bytes ed25519Sign(EVP_PKEY* key, ByteView message) {
    crypto::ossl::MdCtx ctx(EVP_MD_CTX_new());
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key), 1);
    size_t len = 64;
    Bytes sig(len);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()), 1);
    sig.resize(len);
    return sig;
}

bool ed25519Verify(EVP_PKEY* key, ByteView message, ByteView sig) {
    crypto::ossl::MdCtx ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) return false;
    return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
}

Bytes ecdh(EVP_PKEY* priv, EVP_PKEY* peer) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(priv, nullptr));
    EXPECT_EQ(EVP_PKEY_derive_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_derive_set_peer(ctx.get(), peer), 1);
    size_t len = 0;
    EVP_PKEY_derive(ctx.get(), nullptr, &len);
    Bytes z(len);
    EXPECT_EQ(EVP_PKEY_derive(ctx.get(), z.data(), &len), 1);
    z.resize(len);
    return z;
}

static Bytes digestWith(const char* name, ByteView data) {
    Bytes out(64);
    size_t len = 0;
    EXPECT_EQ(EVP_Q_digest(nullptr, name, nullptr, data.data(), data.size(), out.data(), &len), 1);
    out.resize(len);
    return out;
}

Bytes sha256(ByteView data) {
    return digestWith("SHA256", data);
}

Bytes sha1(ByteView data) {
    return digestWith("SHA1", data);
}

Bytes publicKeyTemplate(EVP_PKEY* key) {
    apdu::TlvBuilder b;
    b.begin(0x7F49);
    if (EVP_PKEY_is_a(key, "RSA"))
        b.add(0x81, rsaModulusOf(key)).add(0x82, rsaExponentOf(key));
    else
        b.add(0x86, publicPointOf(key));
    b.end();
    return b.take();
}

}  // namespace openpgp::test
