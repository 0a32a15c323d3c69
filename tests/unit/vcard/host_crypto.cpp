#include "host_crypto.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "core/apdu/tlv.h"

namespace vcard::test {

using core::Bytes;
using core::ByteView;

namespace {
struct CtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
bool isRsaAlg(uint8_t a) {
    return a == 0x05 || a == 0x06 || a == 0x07 || a == 0x16;
}
}  // namespace

Pkey publicFromTemplate(uint8_t alg, ByteView tmpl) {
    EVP_PKEY* out = nullptr;
    if (isRsaAlg(alg)) {
        auto n = apdu::find(tmpl, 0x81);
        auto e = apdu::find(tmpl, 0x82);
        if (!n || !e) return nullptr;
        BIGNUM* bn = BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr);
        BIGNUM* be = BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr);
        OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn);
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be);
        OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
        Ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
        EVP_PKEY_fromdata_init(ctx.get());
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        BN_free(bn);
        BN_free(be);
        return Pkey(out);
    }
    auto pt = apdu::find(tmpl, 0x86);
    if (!pt) return nullptr;
    if (alg == 0xE0 || alg == 0xE1)
        return Pkey(EVP_PKEY_new_raw_public_key_ex(nullptr, alg == 0xE0 ? "ED25519" : "X25519", nullptr,
                                                   pt->data(), pt->size()));
    const char* curve = alg == 0x14 ? "P-384" : "P-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(curve), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(pt->data()),
                                          pt->size()),
        OSSL_PARAM_construct_end()};
    Ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY_fromdata_init(ctx.get());
    EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params);
    return Pkey(out);
}

Pkey generateHostKey(uint8_t alg) {
    switch (alg) {
        case 0x06:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
        case 0x07:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
        case 0x11:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        case 0x14:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
        case 0xE0:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
        case 0xE1:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
        default:
            return nullptr;
    }
}

Bytes publicTemplateOf(EVP_PKEY* key, uint8_t alg) {
    if (alg == 0xE0 || alg == 0xE1) {
        Bytes raw(32);
        std::size_t len = raw.size();
        EVP_PKEY_get_raw_public_key(key, raw.data(), &len);
        return apdu::encodeTlv(0x86, raw);
    }
    Bytes pt(200);
    std::size_t len = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt.data(), pt.size(), &len);
    pt.resize(len);
    return apdu::encodeTlv(0x86, pt);
}

Bytes sha256(ByteView data) {
    Bytes d(32);
    SHA256(data.data(), data.size(), d.data());
    return d;
}

Bytes pkcs1Sha256Block(ByteView digest, std::size_t k) {
    const Bytes prefix = core::hexBytes("3031300D060960864801650304020105000420");
    Bytes t = prefix;
    core::append(t, digest);
    Bytes em = {0x00, 0x01};
    em.resize(k - t.size() - 1, 0xFF);
    em.push_back(0x00);
    core::append(em, t);
    return em;
}

bool verifyRsaPkcs1Sha256(EVP_PKEY* pub, ByteView digest, ByteView sig) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    return EVP_PKEY_verify_init(ctx.get()) == 1 &&
           EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1 &&
           EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digest.data(), digest.size()) == 1;
}

bool verifyEcdsa(EVP_PKEY* pub, ByteView digest, ByteView derSig) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    return EVP_PKEY_verify_init(ctx.get()) == 1 &&
           EVP_PKEY_verify(ctx.get(), derSig.data(), derSig.size(), digest.data(), digest.size()) == 1;
}

bool verifyEd25519(EVP_PKEY* pub, ByteView msg, ByteView sig) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit_ex(md, nullptr, nullptr, nullptr, nullptr, pub, nullptr) == 1 &&
                    EVP_DigestVerify(md, sig.data(), sig.size(), msg.data(), msg.size()) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

Bytes rsaEncryptPkcs1(EVP_PKEY* pub, ByteView msg) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    EVP_PKEY_encrypt_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    std::size_t len = 0;
    EVP_PKEY_encrypt(ctx.get(), nullptr, &len, msg.data(), msg.size());
    Bytes out(len);
    EVP_PKEY_encrypt(ctx.get(), out.data(), &len, msg.data(), msg.size());
    out.resize(len);
    return out;
}

Bytes derive(EVP_PKEY* priv, EVP_PKEY* peer) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, priv, nullptr));
    std::size_t len = 0;
    EVP_PKEY_derive_init(ctx.get());
    EVP_PKEY_derive_set_peer(ctx.get(), peer);
    EVP_PKEY_derive(ctx.get(), nullptr, &len);
    Bytes out(len);
    EVP_PKEY_derive(ctx.get(), out.data(), &len);
    out.resize(len);
    return out;
}

Bytes bnParam(EVP_PKEY* key, const char* name, std::size_t padTo) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
    Bytes out(padTo);
    BN_bn2binpad(bn, out.data(), static_cast<int>(padTo));
    BN_clear_free(bn);
    return out;
}

}  // namespace vcard::test
