#include "test_crypto.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace tokentest {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

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
    Bytes t = core::hexBytes("3031300D060960864801650304020105000420");
    Bytes h = sha256(msg);
    t.insert(t.end(), h.begin(), h.end());
    Bytes em{0x00, 0x01};
    em.insert(em.end(), k - 3 - t.size(), 0xFF);
    em.push_back(0x00);
    em.insert(em.end(), t.begin(), t.end());
    return em;
}

bool verifySha256(ByteView spki, ByteView msg, ByteView signature) {
    Pkey key = loadSpki(spki);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
    return EVP_DigestVerify(md.get(), signature.data(), signature.size(), msg.data(), msg.size()) == 1;
}

Bytes makeCertificate(ByteView spki, const std::string& cn) {
    Pkey subjectKey = loadSpki(spki);
    Pkey caKey(EVP_EC_gen("P-256"));
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    if (!caKey || !x) throw std::runtime_error("OpenSSL allocation failed");
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 42);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600L * 24 * 365);
    X509_NAME* subject = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_NAME* issuer = X509_get_issuer_name(x.get());
    X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Test CA"),
                               -1, -1, 0);
    X509_set_pubkey(x.get(), subjectKey.get());
    if (X509_sign(x.get(), caKey.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
    int n = i2d_X509(x.get(), nullptr);
    Bytes der(static_cast<std::size_t>(n));
    unsigned char* p = der.data();
    i2d_X509(x.get(), &p);
    return der;
}

std::string signAndVerify(token::Token& t, uint8_t ref, ByteView spki, std::optional<ByteView> pin) {
    Pkey key = loadSpki(spki);
    const bool rsa = EVP_PKEY_is_a(key.get(), "RSA");
    const std::size_t k = static_cast<std::size_t>(EVP_PKEY_get_size(key.get()));
    const Bytes input = rsa ? pkcs1Sha256Block(kMessage, k) : sha256(kMessage);
    auto sig = t.sign(ref, input, pin);
    if (!sig) return "sign failed: " + sig.error().describe();
    if (!verifySha256(spki, kMessage, *sig)) return "signature does not verify";
    return {};
}

Bytes TokenFixture::enrol(token::Token& t, uint8_t ref, cardapp::KeyAlgorithm alg, bool withCertificate) {
    if (!t.soLoggedIn()) {
        auto st = t.loginSo(token::SoCredential::ManagementKey, kMgmtKey);
        EXPECT_TRUE(st) << (st ? "" : st.error().describe());
    }
    auto k = t.generateKey(ref, alg);
    EXPECT_TRUE(k) << (k ? "" : k.error().describe());
    if (!k) return {};
    EXPECT_TRUE(k->publicKey.has_value());
    if (withCertificate) {
        auto st =
            t.writeCertificate(ref, makeCertificate(k->key.publicKeyInfo, "Key " + std::to_string(ref)));
        EXPECT_TRUE(st) << (st ? "" : st.error().describe());
    }
    return k->key.publicKeyInfo;
}

}  // namespace tokentest
