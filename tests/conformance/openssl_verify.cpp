#include "openssl_verify.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

namespace p11test {

namespace {

struct CtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(BIGNUM* b) const { BN_free(b); }
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
    void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); }
    void operator()(ASN1_OCTET_STRING* o) const { ASN1_OCTET_STRING_free(o); }
};
template <typename T>
using Owned = std::unique_ptr<T, CtxFree>;

Pkey fromData(const char* type, OSSL_PARAM_BLD* bld, std::string* error) {
    Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld));
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        *error = std::string("EVP_PKEY_fromdata(") + type + "): " + opensslErrors();
        return nullptr;
    }
    return Pkey(key);
}

std::string verdict(int rc, const char* what) {
    return rc == 1 ? std::string() : std::string(what) + " did not verify: " + opensslErrors();
}

}  // namespace

std::string opensslErrors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += (out.empty() ? "" : "; ") + std::string(buf);
    }
    return out.empty() ? "(no OpenSSL error)" : out;
}

Pkey rsaPublicKey(const Bytes& modulus, const Bytes& exponent, std::string* error) {
    Owned<BIGNUM> n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
    Owned<BIGNUM> e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
    Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!n || !e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
        *error = "building RSA params: " + opensslErrors();
        return nullptr;
    }
    return fromData("RSA", bld.get(), error);
}

Pkey ecPublicKey(const Bytes& ecParams, const Bytes& ecPoint, std::string* error) {
    const unsigned char* p = ecParams.data();
    Owned<ASN1_OBJECT> oid(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(ecParams.size())));
    const int nid = oid ? OBJ_obj2nid(oid.get()) : NID_undef;
    if (nid == NID_undef) {
        *error = "CKA_EC_PARAMS is not the DER OID of a known named curve";
        return nullptr;
    }
    // The spec requires the DER OCTET STRING form; a raw point here is a module bug, not something to accept.
    p = ecPoint.data();
    Owned<ASN1_OCTET_STRING> point(d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(ecPoint.size())));
    if (!point || p != ecPoint.data() + ecPoint.size()) {
        *error = "CKA_EC_POINT is not a DER OCTET STRING";
        return nullptr;
    }
    Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                         ASN1_STRING_get0_data(point.get()),
                                         static_cast<size_t>(ASN1_STRING_length(point.get()))) != 1) {
        *error = "building EC params: " + opensslErrors();
        return nullptr;
    }
    return fromData("EC", bld.get(), error);
}

Bytes sha256(const Bytes& data) {
    Bytes out(32);
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
}

Bytes sha256DigestInfo(const Bytes& data) {
    Bytes out{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
              0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    const Bytes h = sha256(data);
    out.insert(out.end(), h.begin(), h.end());
    return out;
}

std::string verifyRsaPkcs1Raw(EVP_PKEY* key, const Bytes& signedInput, const Bytes& sig) {
    // No signature digest set: OpenSSL recovers the PKCS#1 v1.5 payload and compares it with the input.
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
        return "verify setup: " + opensslErrors();
    return verdict(EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), signedInput.data(), signedInput.size()),
                   "RSA PKCS#1 v1.5 signature");
}

std::string verifyRsaSha256(EVP_PKEY* key, const Bytes& message, const Bytes& sig) {
    Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1)
        return "verify setup: " + opensslErrors();
    return verdict(EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()),
                   "SHA256-RSA-PKCS signature");
}

std::string verifyRsaPssSha256(EVP_PKEY* key, const Bytes& hash, const Bytes& sig, int saltLen) {
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), saltLen) != 1)
        return "verify setup: " + opensslErrors();
    return verdict(EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), hash.data(), hash.size()),
                   "RSA-PSS signature");
}

std::string verifyEcdsaRaw(EVP_PKEY* key, const Bytes& hash, const Bytes& rs) {
    const int orderBytes = (EVP_PKEY_get_bits(key) + 7) / 8;
    if (rs.size() != 2 * static_cast<size_t>(orderBytes))
        return "ECDSA signature is " + std::to_string(rs.size()) + " bytes, expected r||s of " +
               std::to_string(2 * orderBytes);
    Owned<ECDSA_SIG> s(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(rs.data(), orderBytes, nullptr);
    BIGNUM* sv = BN_bin2bn(rs.data() + orderBytes, orderBytes, nullptr);
    if (!s || ECDSA_SIG_set0(s.get(), r, sv) != 1) {
        BN_free(r);
        BN_free(sv);
        return "ECDSA_SIG: " + opensslErrors();
    }
    unsigned char* der = nullptr;
    const int derLen = i2d_ECDSA_SIG(s.get(), &der);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    std::string result;
    if (derLen <= 0 || !ctx || EVP_PKEY_verify_init(ctx.get()) != 1)
        result = "verify setup: " + opensslErrors();
    else
        result =
            verdict(EVP_PKEY_verify(ctx.get(), der, static_cast<size_t>(derLen), hash.data(), hash.size()),
                    "ECDSA signature");
    OPENSSL_free(der);
    return result;
}

Bytes rsaEncrypt(EVP_PKEY* key, const EVP_MD* oaepMd, const Bytes& label, const Bytes& plaintext,
                 std::string* error) {
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    bool ok = ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1;
    if (ok && oaepMd == nullptr) ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1;
    if (ok && oaepMd != nullptr) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), oaepMd) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), oaepMd) == 1;
        if (ok && !label.empty()) {
            // OpenSSL takes ownership of the label buffer.
            auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(label.data(), label.size()));
            ok = copy != nullptr &&
                 EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())) == 1;
        }
    }
    size_t outLen = 0;
    if (ok) ok = EVP_PKEY_encrypt(ctx.get(), nullptr, &outLen, plaintext.data(), plaintext.size()) == 1;
    Bytes out(outLen);
    if (ok) ok = EVP_PKEY_encrypt(ctx.get(), out.data(), &outLen, plaintext.data(), plaintext.size()) == 1;
    if (!ok) {
        *error = "RSA encrypt: " + opensslErrors();
        return {};
    }
    out.resize(outLen);
    return out;
}

Pkey generateEcPeer(EVP_PKEY* like, std::string* error) {
    char group[64] = {};
    size_t groupLen = 0;
    if (EVP_PKEY_get_utf8_string_param(like, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &groupLen) !=
        1) {
        *error = "reading curve name: " + opensslErrors();
        return nullptr;
    }
    EVP_PKEY* key = EVP_EC_gen(group);
    if (key == nullptr) *error = std::string("EVP_EC_gen(") + group + "): " + opensslErrors();
    return Pkey(key);
}

Bytes ecUncompressedPoint(EVP_PKEY* key) {
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len);
    Bytes out(len);
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len);
    out.resize(len);
    return out;
}

Bytes ecdhSecret(EVP_PKEY* priv, EVP_PKEY* peerPublic, std::string* error) {
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, priv, nullptr));
    size_t len = 0;
    bool ok = ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
              EVP_PKEY_derive_set_peer(ctx.get(), peerPublic) == 1 &&
              EVP_PKEY_derive(ctx.get(), nullptr, &len) == 1;
    Bytes out(len);
    ok = ok && EVP_PKEY_derive(ctx.get(), out.data(), &len) == 1;
    if (!ok) {
        *error = "ECDH: " + opensslErrors();
        return {};
    }
    out.resize(len);
    return out;
}

}  // namespace p11test
