#include "ossl_check.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

namespace testcheck {

namespace {
struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Ctx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Pkey loadSpki(ByteView der) {
    const unsigned char* p = der.data();
    Pkey k(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!k) throw std::runtime_error("bad SubjectPublicKeyInfo");
    return k;
}
}  // namespace

Bytes sha256(ByteView msg) {
    Bytes h(32);
    unsigned int n = 0;
    EVP_Digest(msg.data(), msg.size(), h.data(), &n, EVP_sha256(), nullptr);
    return h;
}

Bytes pkcs1Sha256Block(ByteView msg, std::size_t k) {
    const Bytes prefix = core::hexBytes("3031300D060960864801650304020105000420");
    Bytes t = prefix;
    Bytes h = sha256(msg);
    t.insert(t.end(), h.begin(), h.end());
    Bytes em{0x00, 0x01};
    em.insert(em.end(), k - 3 - t.size(), 0xFF);
    em.push_back(0x00);
    em.insert(em.end(), t.begin(), t.end());
    return em;
}

bool verifySha256(ByteView spkiDer, ByteView msg, ByteView signature) {
    Pkey key = loadSpki(spkiDer);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
    return EVP_DigestVerify(md.get(), signature.data(), signature.size(), msg.data(), msg.size()) == 1;
}

Bytes rsaEncrypt(ByteView spkiDer, ByteView plain) {
    Pkey key = loadSpki(spkiDer);
    Ctx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    EVP_PKEY_encrypt_init(ctx.get());
    EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING);
    size_t n = 0;
    EVP_PKEY_encrypt(ctx.get(), nullptr, &n, plain.data(), plain.size());
    Bytes out(n);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &n, plain.data(), plain.size()) != 1)
        throw std::runtime_error("RSA encryption failed");
    out.resize(n);
    return out;
}

std::pair<Bytes, Bytes> ecdhWithPeer(ByteView spkiDer) {
    Pkey cardKey = loadSpki(spkiDer);
    char group[64] = {};
    size_t glen = 0;
    EVP_PKEY_get_utf8_string_param(cardKey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen);
    Pkey peer(EVP_EC_gen(group));
    if (!peer) throw std::runtime_error("EC key generation failed");
    Bytes point(133);
    size_t plen = 0;
    EVP_PKEY_get_octet_string_param(peer.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(), point.size(),
                                    &plen);
    point.resize(plen);
    Ctx ctx(EVP_PKEY_CTX_new(peer.get(), nullptr));
    EVP_PKEY_derive_init(ctx.get());
    EVP_PKEY_derive_set_peer(ctx.get(), cardKey.get());
    size_t zlen = 0;
    EVP_PKEY_derive(ctx.get(), nullptr, &zlen);
    Bytes z(zlen);
    if (EVP_PKEY_derive(ctx.get(), z.data(), &zlen) != 1) throw std::runtime_error("ECDH failed");
    z.resize(zlen);
    return {point, z};
}

Bytes issueCertificate(ByteView spkiDer, const std::string& cn) {
    Pkey subjectKey = loadSpki(spkiDer);
    Pkey caKey(EVP_EC_gen("P-256"));
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4711);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
    X509_NAME* subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                               -1, 0);
    X509_NAME* issuer = X509_get_issuer_name(cert.get());
    X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Test CA"), -1,
                               -1, 0);
    X509_set_pubkey(cert.get(), subjectKey.get());
    if (!X509_sign(cert.get(), caKey.get(), EVP_sha256())) throw std::runtime_error("X509_sign failed");
    int len = i2d_X509(cert.get(), nullptr);
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_X509(cert.get(), &p);
    return der;
}

Bytes unpadPkcs1Type2(ByteView block) {
    if (block.size() < 11 || block[0] != 0x00 || block[1] != 0x02) return {};
    std::size_t i = 2;
    while (i < block.size() && block[i] != 0x00) ++i;
    if (i < 10 || i == block.size()) return {};
    return Bytes(block.begin() + static_cast<std::ptrdiff_t>(i + 1), block.end());
}

}  // namespace testcheck
