// OpenSSL private key → components. Every copy of a secret value goes through SecureBytes; OpenSSL's
// own BIGNUMs are cleared on free (crypto::ossl::Bn).
#include "card-apps/common/private_key_der.h"

#include <openssl/core_names.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>

#include "core/crypto/ossl.h"

namespace cardapp {

using core::Errc;
using core::fail;

namespace {

core::Result<core::SecureBytes> bnParam(const EVP_PKEY* k, const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(k, name, &raw) != 1 || !raw)
        return fail(crypto::ossl::error(Errc::InvalidArgument, std::string("private key lacks ") + name));
    crypto::ossl::Bn bn(raw);
    core::SecureBytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    if (BN_bn2bin(bn.get(), out.data()) != static_cast<int>(out.size()))
        return fail(Errc::Crypto, "cannot encode a key parameter");
    return out;
}

core::Result<Bytes> publicBn(const EVP_PKEY* k, const char* name) {
    auto v = bnParam(k, name);
    if (!v) return fail(v.error());
    return Bytes(v->begin(), v->end());
}

core::Status rsa(const EVP_PKEY* k, PrivateKeyComponents& out) {
    switch (EVP_PKEY_get_bits(k)) {
        case 1024:
            out.algorithm = KeyAlgorithm::Rsa1024;
            break;
        case 2048:
            out.algorithm = KeyAlgorithm::Rsa2048;
            break;
        case 3072:
            out.algorithm = KeyAlgorithm::Rsa3072;
            break;
        case 4096:
            out.algorithm = KeyAlgorithm::Rsa4096;
            break;
        default:
            return fail(Errc::NotSupported, "RSA key size not supported (1024, 2048, 3072, 4096)");
    }
    auto n = publicBn(k, OSSL_PKEY_PARAM_RSA_N);
    auto e = publicBn(k, OSSL_PKEY_PARAM_RSA_E);
    if (!n) return fail(n.error());
    if (!e) return fail(e.error());
    out.modulus = std::move(*n);
    out.publicExponent = std::move(*e);
    struct Part {
        const char* name;
        core::SecureBytes* dst;
    } parts[] = {{OSSL_PKEY_PARAM_RSA_FACTOR1, &out.p},
                 {OSSL_PKEY_PARAM_RSA_FACTOR2, &out.q},
                 {OSSL_PKEY_PARAM_RSA_EXPONENT1, &out.dp},
                 {OSSL_PKEY_PARAM_RSA_EXPONENT2, &out.dq},
                 {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, &out.qinv}};
    for (const Part& part : parts) {
        auto v = bnParam(k, part.name);
        if (!v) return fail(Errc::NotSupported, "RSA key without CRT values");
        *part.dst = std::move(*v);
    }
    return {};
}

core::Status ec(const EVP_PKEY* k, PrivateKeyComponents& out) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
        return fail(Errc::NotSupported, "EC key without a named curve");
    if (!std::strcmp(group, "prime256v1") || !std::strcmp(group, "P-256"))
        out.algorithm = KeyAlgorithm::EcP256;
    else if (!std::strcmp(group, "secp384r1") || !std::strcmp(group, "P-384"))
        out.algorithm = KeyAlgorithm::EcP384;
    else
        return fail(Errc::NotSupported, std::string("EC curve not supported: ") + group);
    auto s = bnParam(k, OSSL_PKEY_PARAM_PRIV_KEY);
    if (!s) return fail(s.error());
    out.scalar = std::move(*s);
    Bytes point(1 + 2 * 48);
    if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &len) != 1)
        return fail(crypto::ossl::error(Errc::InvalidArgument, "EC key without its public point"));
    point.resize(len);
    out.publicPoint = std::move(point);
    return {};
}

core::Status raw25519(const EVP_PKEY* k, PrivateKeyComponents& out) {
    out.scalar.assign(32, 0);
    std::size_t len = out.scalar.size();
    if (EVP_PKEY_get_raw_private_key(k, out.scalar.data(), &len) != 1 || len != 32)
        return fail(crypto::ossl::error(Errc::InvalidArgument, "cannot read the 25519 private key"));
    out.publicPoint.assign(32, 0);
    len = out.publicPoint.size();
    if (EVP_PKEY_get_raw_public_key(k, out.publicPoint.data(), &len) != 1 || len != 32)
        return fail(crypto::ossl::error(Errc::InvalidArgument, "cannot read the 25519 public key"));
    return {};
}

}  // namespace

core::Result<PrivateKeyComponents> componentsFromPrivateKey(const EVP_PKEY* k) {
    if (!k) return fail(Errc::InvalidArgument, "no private key");
    PrivateKeyComponents out;
    if (EVP_PKEY_is_a(k, "RSA")) {
        MESIGN_TRY(rsa(k, out));
    } else if (EVP_PKEY_is_a(k, "EC")) {
        MESIGN_TRY(ec(k, out));
    } else if (EVP_PKEY_is_a(k, "ED25519")) {
        out.algorithm = KeyAlgorithm::Ed25519;
        MESIGN_TRY(raw25519(k, out));
    } else if (EVP_PKEY_is_a(k, "X25519")) {
        out.algorithm = KeyAlgorithm::X25519;
        MESIGN_TRY(raw25519(k, out));
    } else {
        return fail(Errc::NotSupported,
                    "private key type not supported (RSA, P-256, P-384, Ed25519, X25519)");
    }
    MESIGN_TRY(checkComponents(out));
    return out;
}

core::Result<PrivateKeyComponents> componentsFromDer(ByteView der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX))
        return fail(Errc::InvalidArgument, "empty private key");
    const unsigned char* p = der.data();
    crypto::ossl::Pkey pkey(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
    if (!pkey)
        return fail(crypto::ossl::error(Errc::InvalidArgument, "not a DER private key (PKCS#8, RSA or EC)"));
    return componentsFromPrivateKey(pkey.get());
}

}  // namespace cardapp
