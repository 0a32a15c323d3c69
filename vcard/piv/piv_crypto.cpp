#include "vcard/piv/piv_crypto.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <string>

#include "core/apdu/tlv.h"
#include "vcard/piv/ossl_ptr.h"

namespace vcard::piv::crypto {

using core::Errc;
using core::fail;

namespace {

std::unexpected<core::Error> cryptoError(const std::string& what) {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    std::string msg = what;
    if (e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        msg += ": ";
        msg += buf;
    }
    return fail(Errc::Crypto, msg);
}

std::unexpected<core::Error> badInput(const std::string& what) {
    ERR_clear_error();
    return fail(Errc::IncorrectData, what);
}

const char* curveName(uint8_t a) {
    return a == alg::kEccP384 ? "P-384" : "P-256";
}
int curveNid(uint8_t a) {
    return a == alg::kEccP384 ? NID_secp384r1 : NID_X9_62_prime256v1;
}

BnPtr toBn(ByteView v) {
    return BnPtr(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
}

PkeyCtxPtr ctxFor(EVP_PKEY* key) {
    return PkeyCtxPtr(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
}

core::Result<KeyPtr> fromData(const char* type, int selection, OSSL_PARAM* params) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &out, selection, params) <= 0)
        return badInput(std::string("key material not accepted for ") + type);
    return adopt(out);
}

}  // namespace

KeyPtr adopt(EVP_PKEY* raw) {
    return KeyPtr(raw, EvpPkeyFree{});
}

SecureBytes randomBytes(std::size_t n) {
    SecureBytes out(n);
    if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
        // RAND_bytes only fails when the DRBG cannot be seeded; better to stop than hand out zeros.
        throw std::runtime_error("RAND_bytes failed");
    }
    return out;
}

core::Result<KeyPtr> generate(uint8_t a, std::optional<ByteView> rsaExponent) {
    EVP_PKEY* out = nullptr;
    if (isRsa(a)) {
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
        if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
            EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(rsaBytes(a) * 8)) <= 0)
            return cryptoError("RSA key generation setup");
        if (rsaExponent) {
            BnPtr e = toBn(*rsaExponent);
            // Odd, at least 3, at most 2^32-1 (what real cards accept).
            if (!e || !BN_is_odd(e.get()) || BN_num_bits(e.get()) < 2 || BN_num_bits(e.get()) > 32)
                return badInput("unsupported RSA public exponent");
            if (EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) <= 0)
                return cryptoError("RSA public exponent");
        }
        if (EVP_PKEY_generate(ctx.get(), &out) <= 0) return cryptoError("RSA key generation");
    } else if (isEc(a)) {
        out = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curveName(a));
    } else if (a == alg::kEd25519) {
        out = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    } else if (a == alg::kX25519) {
        out = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    } else {
        return badInput("unknown key algorithm");
    }
    if (!out) return cryptoError("key generation");
    return adopt(out);
}

uint8_t algorithmOf(EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            switch (EVP_PKEY_get_bits(key)) {
                case 1024:
                    return alg::kRsa1024;
                case 2048:
                    return alg::kRsa2048;
                case 3072:
                    return alg::kRsa3072;
                case 4096:
                    return alg::kRsa4096;
                default:
                    return 0;
            }
        case EVP_PKEY_EC: {
            char name[64] = {};
            std::size_t len = 0;
            if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
                return 0;
            int nid = OBJ_sn2nid(name);
            if (nid == NID_undef) nid = EC_curve_nist2nid(name);
            if (nid == NID_X9_62_prime256v1) return alg::kEccP256;
            if (nid == NID_secp384r1) return alg::kEccP384;
            return 0;
        }
        case EVP_PKEY_ED25519:
            return alg::kEd25519;
        case EVP_PKEY_X25519:
            return alg::kX25519;
        default:
            return 0;
    }
}

core::Result<Bytes> publicKeyTlvs(EVP_PKEY* key, uint8_t a) {
    apdu::TlvBuilder b;
    if (isRsa(a)) {
        BIGNUM* n = nullptr;
        BIGNUM* e = nullptr;
        const bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
                        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1;
        BnPtr nOwn(n), eOwn(e);
        if (!ok) return cryptoError("RSA public key");
        Bytes nb(rsaBytes(a)), eb(static_cast<std::size_t>(BN_num_bytes(e)));
        if (BN_bn2binpad(n, nb.data(), static_cast<int>(nb.size())) < 0) return cryptoError("RSA modulus");
        BN_bn2bin(e, eb.data());
        b.add(0x81, nb).add(0x82, eb);
    } else if (isEc(a)) {
        Bytes pt(1 + 2 * ecFieldBytes(a));
        std::size_t len = 0;
        if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt.data(), pt.size(),
                                            &len) != 1 ||
            len != pt.size())
            return cryptoError("EC public key");
        b.add(0x86, pt);
    } else {
        Bytes raw(32);
        std::size_t len = raw.size();
        if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1 || len != 32)
            return cryptoError("raw public key");
        b.add(0x86, raw);
    }
    return b.take();
}

core::Result<SecureBytes> rsaRaw(EVP_PKEY* key, ByteView input) {
    const auto k = static_cast<std::size_t>(EVP_PKEY_get_size(key));
    if (input.size() != k) return badInput("RSA input must be exactly the modulus length");
    PkeyCtxPtr ctx = ctxFor(key);
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) <= 0)
        return cryptoError("RSA setup");
    SecureBytes out(k);
    std::size_t outLen = out.size();
    if (EVP_PKEY_decrypt(ctx.get(), out.data(), &outLen, input.data(), input.size()) <= 0)
        return badInput("RSA input not smaller than the modulus");
    if (outLen != k) return cryptoError("RSA output length");
    return out;
}

core::Result<Bytes> ecdsaSign(EVP_PKEY* key, ByteView hash, std::shared_ptr<EVP_PKEY_CTX>& context) {
    if (!context) {
        PkeyCtxPtr ctx = ctxFor(key);
        if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0) return cryptoError("ECDSA setup");
        context.reset(ctx.release(), EVP_PKEY_CTX_free);
    }
    // ECDSA-Sig-Value for the key's size: at most 2 * (field + 3) + 3 bytes.
    std::size_t len = static_cast<std::size_t>(EVP_PKEY_get_size(key));
    Bytes sig(len);
    if (len == 0 || EVP_PKEY_sign(context.get(), sig.data(), &len, hash.data(), hash.size()) <= 0)
        return cryptoError("ECDSA signature");
    sig.resize(len);
    return sig;
}

core::Result<SecureBytes> deriveShared(EVP_PKEY* key, uint8_t a, ByteView peer) {
    PkeyPtr peerKey;
    if (isEc(a)) {
        if (peer.size() != 1 + 2 * ecFieldBytes(a) || peer[0] != 0x04)
            return badInput("peer point must be 04||X||Y");
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(curveName(a)), 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(peer.data()),
                                              peer.size()),
            OSSL_PARAM_construct_end()};
        auto k = fromData("EC", EVP_PKEY_PUBLIC_KEY, params);
        if (!k) return badInput("peer point not on the curve");
        peerKey.reset(k->get());
        EVP_PKEY_up_ref(peerKey.get());
    } else if (a == alg::kX25519) {
        if (peer.size() != 32) return badInput("X25519 peer key must be 32 bytes");
        peerKey.reset(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer.data(), peer.size()));
        if (!peerKey) return badInput("bad X25519 peer key");
    } else {
        return badInput("key does not do key agreement");
    }
    PkeyCtxPtr ctx = ctxFor(key);
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0) return cryptoError("derive setup");
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peerKey.get(), 1) <= 0) return badInput("peer key rejected");
    if (EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0) return cryptoError("derive length");
    SecureBytes out(len);
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) <= 0) return badInput("key agreement failed");
    out.resize(len);
    return out;
}

core::Result<Bytes> ed25519Sign(EVP_PKEY* key, ByteView message) {
    MdCtxPtr md(EVP_MD_CTX_new());
    if (!md || EVP_DigestSignInit_ex(md.get(), nullptr, nullptr, nullptr, nullptr, key, nullptr) != 1)
        return cryptoError("Ed25519 setup");
    Bytes sig(64);
    std::size_t len = sig.size();
    if (EVP_DigestSign(md.get(), sig.data(), &len, message.data(), message.size()) != 1)
        return cryptoError("Ed25519 signature");
    sig.resize(len);
    return sig;
}

core::Result<SecureBytes> blockCipher(uint8_t a, ByteView key, ByteView block, bool encrypt) {
    const char* name = nullptr;
    switch (a) {
        case alg::kTdes:
            name = "DES-EDE3-ECB";
            break;
        case alg::kAes128:
            name = "AES-128-ECB";
            break;
        case alg::kAes192:
            name = "AES-192-ECB";
            break;
        case alg::kAes256:
            name = "AES-256-ECB";
            break;
        default:
            return badInput("not a management key algorithm");
    }
    if (key.size() != symKeyBytes(a) || block.size() != symBlockBytes(a)) return badInput("bad block size");
    CipherPtr cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!cipher || !ctx ||
        EVP_CipherInit_ex2(ctx.get(), cipher.get(), key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
        return cryptoError("cipher setup");
    SecureBytes out(block.size() + 32);
    int len = 0, fin = 0;
    if (EVP_CipherUpdate(ctx.get(), out.data(), &len, block.data(), static_cast<int>(block.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), out.data() + len, &fin) != 1)
        return cryptoError("cipher");
    out.resize(static_cast<std::size_t>(len + fin));
    return out;
}

core::Result<KeyPtr> importRsa(uint8_t a, ByteView pv, ByteView qv, ByteView dpv, ByteView dqv,
                               ByteView qinvv) {
    const std::size_t half = rsaBytes(a) / 2;
    for (ByteView v : {pv, qv, dpv, dqv, qinvv})
        if (v.empty() || v.size() > half) return badInput("RSA component has the wrong length");
    BnCtxPtr bctx(BN_CTX_new());
    BnPtr p = toBn(pv), q = toBn(qv), dp = toBn(dpv), dq = toBn(dqv), qinv = toBn(qinvv);
    BnPtr e(BN_new()), n(BN_new()), p1(BN_new()), q1(BN_new()), g(BN_new()), lambda(BN_new()), d(BN_new()),
        t(BN_new()), rem(BN_new());
    if (!bctx || !p || !q || !dp || !dq || !qinv || !e || !n || !p1 || !q1 || !g || !lambda || !d || !t ||
        !rem)
        return cryptoError("bignum allocation");
    BN_set_word(e.get(), RSA_F4);  // Yubico IMPORT carries no exponent: 65537 is implied
    if (!BN_mul(n.get(), p.get(), q.get(), bctx.get())) return cryptoError("RSA modulus");
    if (static_cast<std::size_t>(BN_num_bits(n.get())) != half * 16) return badInput("RSA modulus size");
    if (BN_check_prime(p.get(), bctx.get(), nullptr) != 1 ||
        BN_check_prime(q.get(), bctx.get(), nullptr) != 1)
        return badInput("RSA factors are not prime");
    BN_sub(p1.get(), p.get(), BN_value_one());
    BN_sub(q1.get(), q.get(), BN_value_one());
    // d = e^-1 mod lcm(p-1, q-1); then the CRT values sent by the host must agree with it.
    if (!BN_gcd(g.get(), p1.get(), q1.get(), bctx.get()) ||
        !BN_mul(t.get(), p1.get(), q1.get(), bctx.get()) ||
        !BN_div(lambda.get(), rem.get(), t.get(), g.get(), bctx.get()))
        return cryptoError("RSA lcm");
    if (!BN_mod_inverse(d.get(), e.get(), lambda.get(), bctx.get())) return badInput("e not invertible");
    auto modEquals = [&](const BIGNUM* x, const BIGNUM* m, const BIGNUM* expect) {
        return BN_nnmod(rem.get(), x, m, bctx.get()) == 1 && BN_cmp(rem.get(), expect) == 0;
    };
    if (!modEquals(d.get(), p1.get(), dp.get()) || !modEquals(d.get(), q1.get(), dq.get()))
        return badInput("RSA CRT exponents inconsistent");
    if (!BN_mod_mul(t.get(), qinv.get(), q.get(), p.get(), bctx.get()) || !BN_is_one(t.get()))
        return badInput("RSA CRT coefficient inconsistent");

    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get()))
        return cryptoError("RSA parameters");
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return cryptoError("RSA parameters");
    return fromData("RSA", EVP_PKEY_KEYPAIR, params.get());
}

core::Result<KeyPtr> importEc(uint8_t a, ByteView scalar) {
    if (scalar.empty() || scalar.size() > ecFieldBytes(a)) return badInput("EC private key length");
    BnCtxPtr bctx(BN_CTX_new());
    EcGroupPtr group(EC_GROUP_new_by_curve_name(curveNid(a)));
    BnPtr d = toBn(scalar);
    if (!bctx || !group || !d) return cryptoError("EC setup");
    if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0)
        return badInput("EC private key out of range");
    EcPointPtr pub(EC_POINT_new(group.get()));
    Bytes pt(1 + 2 * ecFieldBytes(a));
    if (!pub || EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, bctx.get()) != 1 ||
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pt.data(), pt.size(),
                           bctx.get()) != pt.size())
        return cryptoError("EC public point");
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curveName(a), 0) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pt.data(), pt.size()))
        return cryptoError("EC parameters");
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return cryptoError("EC parameters");
    return fromData("EC", EVP_PKEY_KEYPAIR, params.get());
}

core::Result<KeyPtr> importRaw25519(uint8_t a, ByteView key) {
    if (key.size() != 32) return badInput("25519 private key must be 32 bytes");
    EVP_PKEY* k = EVP_PKEY_new_raw_private_key_ex(nullptr, a == alg::kEd25519 ? "ED25519" : "X25519", nullptr,
                                                  key.data(), key.size());
    if (!k) return badInput("25519 private key rejected");
    return adopt(k);
}

core::Result<SecureBytes> encodePrivateKey(EVP_PKEY* key) {
    P8InfoPtr p8(EVP_PKEY2PKCS8(key));
    if (!p8) return cryptoError("PKCS#8 encoding");
    const int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
    if (len <= 0) return cryptoError("PKCS#8 encoding");
    SecureBytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &p) != len) return cryptoError("PKCS#8 encoding");
    return out;
}

core::Result<KeyPtr> decodePrivateKey(ByteView der) {
    const unsigned char* p = der.data();
    P8InfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
    if (!p8 || p != der.data() + der.size()) {
        ERR_clear_error();
        return fail(Errc::Malformed, "private key is not valid PKCS#8 DER");
    }
    EVP_PKEY* k = EVP_PKCS82PKEY(p8.get());
    if (!k) {
        ERR_clear_error();
        return fail(Errc::Malformed, "private key not usable");
    }
    return adopt(k);
}

}  // namespace vcard::piv::crypto
