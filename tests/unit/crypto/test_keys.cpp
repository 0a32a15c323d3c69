#include "test_keys.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <map>
#include <stdexcept>
#include <string>

namespace crypto::test {

namespace {

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("OpenSSL test helper failed: ") + what);
}

const EVP_MD* md(HashAlg alg) {
    switch (alg) {
        case HashAlg::Sha1:
            return EVP_sha1();
        case HashAlg::Sha224:
            return EVP_sha224();
        case HashAlg::Sha256:
            return EVP_sha256();
        case HashAlg::Sha384:
            return EVP_sha384();
        case HashAlg::Sha512:
            return EVP_sha512();
    }
    return nullptr;
}

}  // namespace

EVP_PKEY* rsaKey(int bits) {
    static std::map<int, ossl::Pkey> cache;
    auto& key = cache[bits];
    if (!key) key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
    check(key != nullptr, "RSA keygen");
    return key.get();
}

EVP_PKEY* ecKey(const char* curve) {
    static std::map<std::string, ossl::Pkey> cache;
    auto& key = cache[curve];
    if (!key) key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
    check(key != nullptr, "EC keygen");
    return key.get();
}

ossl::Pkey newKey(const char* type) {
    ossl::Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
    check(key != nullptr, type);
    return key;
}

Bytes spkiOf(const EVP_PKEY* key) {
    auto der = ossl::toDer(i2d_PUBKEY, key, "SPKI");
    check(der.has_value(), "i2d_PUBKEY");
    return *der;
}

Bytes bnParam(const EVP_PKEY* key, const char* name) {
    BIGNUM* raw = nullptr;
    check(EVP_PKEY_get_bn_param(key, name, &raw) == 1, name);
    ossl::Bn bn(raw);
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
}

Bytes rawRsaPrivate(EVP_PKEY* key, ByteView block) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    check(ctx && EVP_PKEY_sign_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1,
          "raw RSA setup");
    std::size_t len = 0;
    check(EVP_PKEY_sign(ctx.get(), nullptr, &len, block.data(), block.size()) == 1, "raw RSA size");
    Bytes out(len);
    check(EVP_PKEY_sign(ctx.get(), out.data(), &len, block.data(), block.size()) == 1, "raw RSA");
    out.resize(len);
    return out;
}

bool opensslVerify(EVP_PKEY* key, HashAlg alg, ByteView msg, ByteView sig, bool pss, int saltLen,
                   HashAlg mgf) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    check(ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, md(alg), nullptr, key) == 1, "verify init");
    if (pss) {
        check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltLen) == 1 &&
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md(mgf)) == 1,
              "PSS params");
    }
    return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

Bytes opensslOaepEncrypt(EVP_PKEY* key, HashAlg alg, HashAlg mgf, ByteView label, ByteView msg) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    check(ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md(alg)) == 1 &&
              EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md(mgf)) == 1,
          "OAEP setup");
    if (!label.empty()) {
        // set0 takes ownership of an OPENSSL_malloc'd copy.
        void* copy = OPENSSL_memdup(label.data(), label.size());
        check(copy && EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())) == 1,
              "OAEP label");
    }
    std::size_t len = 0;
    check(EVP_PKEY_encrypt(ctx.get(), nullptr, &len, msg.data(), msg.size()) == 1, "OAEP size");
    Bytes out(len);
    check(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, msg.data(), msg.size()) == 1, "OAEP encrypt");
    out.resize(len);
    return out;
}

Bytes opensslPkcs1Encrypt(EVP_PKEY* key, ByteView msg) {
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    check(ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1,
          "PKCS#1 encrypt setup");
    std::size_t len = 0;
    check(EVP_PKEY_encrypt(ctx.get(), nullptr, &len, msg.data(), msg.size()) == 1, "PKCS#1 size");
    Bytes out(len);
    check(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, msg.data(), msg.size()) == 1, "PKCS#1 encrypt");
    out.resize(len);
    return out;
}

}  // namespace crypto::test
