#include "pgp_host_crypto.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "core/apdu/tlv.h"

namespace vcard::pgptest {

namespace {

struct CtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

const char* group(Kind k) {
    return k == Kind::P384 ? "P-384" : "P-256";
}

Pkey fromParams(const char* type, OSSL_PARAM* params) {
    Ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        ADD_FAILURE() << "cannot build public key";
    return Pkey(out);
}

}  // namespace

Pkey publicKeyFrom7F49(ByteView members, Kind kind) {
    if (kind == Kind::Rsa) {
        auto n = apdu::find(members, 0x81);
        auto e = apdu::find(members, 0x82);
        EXPECT_TRUE(n && e);
        if (!n || !e) return nullptr;
        BIGNUM* bn = BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr);
        BIGNUM* be = BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr);
        OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn);
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be);
        OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
        Pkey k = fromParams("RSA", params);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        BN_free(bn);
        BN_free(be);
        return k;
    }
    auto pt = apdu::find(members, 0x86);
    EXPECT_TRUE(pt);
    if (!pt) return nullptr;
    if (kind == Kind::Ed25519 || kind == Kind::X25519) {
        return Pkey(EVP_PKEY_new_raw_public_key_ex(nullptr, kind == Kind::Ed25519 ? "ED25519" : "X25519", nullptr,
                                                   pt->data(), pt->size()));
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group(kind)), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(pt->data()), pt->size()),
        OSSL_PARAM_construct_end()};
    return fromParams("EC", params);
}

Pkey generateHostKey(Kind kind, int rsaBits) {
    switch (kind) {
        case Kind::Rsa:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsaBits)));
        case Kind::P256:
        case Kind::P384:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group(kind)));
        case Kind::Ed25519:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
        case Kind::X25519:
            return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    }
    return nullptr;
}

bool verifyRsaDigestInfo(EVP_PKEY* pub, ByteView digestInfo, ByteView sig) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
           EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digestInfo.data(), digestInfo.size()) == 1;
}

bool verifyEcdsaRaw(EVP_PKEY* pub, ByteView hash, ByteView rs) {
    if (rs.size() % 2 != 0) return false;
    const std::size_t w = rs.size() / 2;
    ECDSA_SIG* s = ECDSA_SIG_new();
    ECDSA_SIG_set0(s, BN_bin2bn(rs.data(), static_cast<int>(w), nullptr),
                   BN_bin2bn(rs.data() + w, static_cast<int>(w), nullptr));
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(s, &der);
    ECDSA_SIG_free(s);
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    const bool ok = len > 0 && ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), der, static_cast<size_t>(len), hash.data(), hash.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

bool verifyEd25519(EVP_PKEY* pub, ByteView msg, ByteView sig) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit_ex(md, nullptr, nullptr, nullptr, nullptr, pub, nullptr) == 1 &&
                    EVP_DigestVerify(md, sig.data(), sig.size(), msg.data(), msg.size()) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

Bytes rsaEncrypt(EVP_PKEY* pub, ByteView msg) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx.get(), nullptr, &len, msg.data(), msg.size()) != 1) {
        ADD_FAILURE() << "RSA encryption setup";
        return {};
    }
    Bytes out(len);
    EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, msg.data(), msg.size()), 1);
    out.resize(len);
    return out;
}

Bytes derive(EVP_PKEY* priv, EVP_PKEY* peer) {
    Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, priv, nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
        ADD_FAILURE() << "derive setup";
        return {};
    }
    Bytes out(len);
    EXPECT_EQ(EVP_PKEY_derive(ctx.get(), out.data(), &len), 1);
    out.resize(len);
    return out;
}

Bytes publicBytes(EVP_PKEY* key, Kind kind) {
    if (kind == Kind::Ed25519 || kind == Kind::X25519) {
        Bytes raw(32);
        std::size_t len = raw.size();
        EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, raw.data(), &len), 1);
        return raw;
    }
    Bytes pt(kind == Kind::P384 ? 97 : 65);
    std::size_t len = 0;
    EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt.data(), pt.size(), &len),
              1);
    pt.resize(len);
    return pt;
}

Bytes sha256(ByteView data) {
    Bytes h(32);
    SHA256(data.data(), data.size(), h.data());
    return h;
}

Bytes sha256DigestInfo(ByteView data) {
    Bytes di = core::hexBytes("3031300D060960864801650304020105000420");
    core::append(di, sha256(data));
    return di;
}

Bytes rsaComponent(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, out.data());
    BN_clear_free(bn);
    return out;
}

Bytes ecPrivate(EVP_PKEY* key) {
    return rsaComponent(key, OSSL_PKEY_PARAM_PRIV_KEY);
}

Bytes rawPrivate(EVP_PKEY* key) {
    Bytes raw(32);
    std::size_t len = raw.size();
    EXPECT_EQ(EVP_PKEY_get_raw_private_key(key, raw.data(), &len), 1);
    return raw;
}

}  // namespace vcard::pgptest
