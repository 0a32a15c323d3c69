#include "tests/integration_openpgp/host_crypto.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <memory>

namespace itest::hostcrypto {
namespace {

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Pkey fromSpki(ByteView der) {
    const unsigned char* p = der.data();
    return Pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())), EVP_PKEY_free);
}

Bytes encodedPublic(EVP_PKEY* key) {
    Bytes out(200);
    std::size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(), out.size(),
                                        &n) != 1)
        return {};
    out.resize(n);
    return out;
}

// r||s (two halves of equal size) -> DER ECDSA-Sig-Value.
Bytes rawToDer(ByteView raw) {
    const std::size_t half = raw.size() / 2;
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
    ECDSA_SIG_set0(sig.get(), r, s);
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig.get(), &der);
    Bytes out(der, der + (n > 0 ? n : 0));
    OPENSSL_free(der);
    return out;
}

bool verifyHash(ByteView spki, ByteView hash, ByteView sig, bool rsaRawDigestInfo) {
    Pkey key = fromSpki(spki);
    if (!key) return false;
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return false;
    if (rsaRawDigestInfo && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return false;
    return EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), hash.data(), hash.size()) == 1;
}

}  // namespace

Bytes sha256(ByteView data) {
    Bytes h(SHA256_DIGEST_LENGTH);
    SHA256(data.data(), data.size(), h.data());
    return h;
}

Bytes sha384(ByteView data) {
    Bytes h(SHA384_DIGEST_LENGTH);
    SHA384(data.data(), data.size(), h.data());
    return h;
}

Bytes sha256DigestInfo(ByteView data) {
    Bytes di = core::hexBytes("3031300d060960864801650304020105000420");
    core::append(di, sha256(data));
    return di;
}

Bytes pkcs1Sha256Block(ByteView data, std::size_t k) {
    const Bytes di = sha256DigestInfo(data);
    Bytes block{0x00, 0x01};
    block.insert(block.end(), k - 3 - di.size(), 0xFF);
    block.push_back(0x00);
    core::append(block, di);
    return block;
}

bool verify(ByteView spki, const std::string& mdName, ByteView data, ByteView signature) {
    Pkey key = fromSpki(spki);
    MdCtx md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!key || !md) return false;
    if (EVP_DigestVerifyInit_ex(md.get(), nullptr, mdName.empty() ? nullptr : mdName.c_str(), nullptr,
                                nullptr, key.get(), nullptr) != 1)
        return false;
    return EVP_DigestVerify(md.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
}

bool verifyEcdsaRawHash(ByteView spki, ByteView hash, ByteView rawSignature) {
    return verifyHash(spki, hash, rawToDer(rawSignature), false);
}

bool verifyEcdsaDerHash(ByteView spki, ByteView hash, ByteView derSignature) {
    return verifyHash(spki, hash, derSignature, false);
}

bool verifyRsaDigestInfo(ByteView spki, ByteView digestInfo, ByteView signature) {
    return verifyHash(spki, digestInfo, signature, true);
}

std::pair<Bytes, Bytes> ecdhWithHostKey(ByteView cardSpki) {
    Pkey peer = fromSpki(cardSpki);
    if (!peer) return {};
    Pkey mine(nullptr, EVP_PKEY_free);
    if (EVP_PKEY_is_a(peer.get(), "X25519")) {
        mine.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    } else {
        char group[64] = {};
        std::size_t n = 0;
        if (EVP_PKEY_get_group_name(peer.get(), group, sizeof group, &n) != 1) return {};
        mine.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
    }
    if (!mine) return {};
    PkeyCtx ctx(EVP_PKEY_CTX_new(mine.get(), nullptr), EVP_PKEY_CTX_free);
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1)
        return {};
    Bytes secret(len);
    if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1) return {};
    secret.resize(len);
    return {encodedPublic(mine.get()), secret};
}

Bytes rsaEncrypt(ByteView spki, ByteView plaintext) {
    Pkey key = fromSpki(spki);
    if (!key) return {};
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
    std::size_t n = 0;
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx.get(), nullptr, &n, plaintext.data(), plaintext.size()) != 1)
        return {};
    Bytes out(n);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &n, plaintext.data(), plaintext.size()) != 1) return {};
    out.resize(n);
    return out;
}

Bytes certificateFor(ByteView spki, const std::string& commonName) {
    Pkey subject = fromSpki(spki);
    Pkey issuer(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    if (!subject || !issuer || !cert) return {};
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 30);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), subject.get());
    if (X509_sign(cert.get(), issuer.get(), EVP_sha256()) <= 0) return {};
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert.get(), &der);
    Bytes out(der, der + (n > 0 ? n : 0));
    OPENSSL_free(der);
    return out;
}

std::pair<Bytes, Bytes> newPrivateKey(const std::string& kind) {
    Pkey key(nullptr, EVP_PKEY_free);
    if (kind == "RSA" || kind == "RSA1024")
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(kind == "RSA" ? 2048 : 1024)));
    else if (kind == "P-256" || kind == "P-384")
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kind.c_str()));
    else
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, kind.c_str()));
    if (!key) return {};
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> p8(EVP_PKEY2PKCS8(key.get()),
                                                                                 PKCS8_PRIV_KEY_INFO_free);
    unsigned char* der = nullptr;
    int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &der) : -1;
    Bytes priv(der, der + (n > 0 ? n : 0));
    OPENSSL_clear_free(der, n > 0 ? n : 0);
    der = nullptr;
    n = i2d_PUBKEY(key.get(), &der);
    Bytes pub(der, der + (n > 0 ? n : 0));
    OPENSSL_free(der);
    return {priv, pub};
}

}  // namespace itest::hostcrypto
