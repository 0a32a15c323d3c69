#include "vcard/openpgp/openpgp_crypto.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/apdu/tlv.h"
#include "vcard/piv/ossl_ptr.h"  // RAII owners for OpenSSL objects, shared with the PIV card

namespace vcard::openpgp::crypto {

using core::Errc;
using core::fail;
using namespace vcard::piv;  // the Ossl owner aliases (PkeyPtr, BnPtr, ...)

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

KeyPtr adopt(EVP_PKEY* raw) {
    return KeyPtr(raw, [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}

const char* curveName(KeyKind k) {
    return k == KeyKind::P384 ? "P-384" : "P-256";
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

KeyKind kindOf(EVP_PKEY* key, bool& ok) {
    ok = true;
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            return KeyKind::Rsa;
        case EVP_PKEY_ED25519:
            return KeyKind::Ed25519;
        case EVP_PKEY_X25519:
            return KeyKind::X25519;
        case EVP_PKEY_EC: {
            char name[64] = {};
            std::size_t len = 0;
            if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) == 1) {
                int nid = OBJ_sn2nid(name);
                if (nid == NID_undef) nid = EC_curve_nist2nid(name);
                if (nid == NID_X9_62_prime256v1) return KeyKind::P256;
                if (nid == NID_secp384r1) return KeyKind::P384;
            }
            break;
        }
        default:
            break;
    }
    ok = false;
    return KeyKind::Rsa;
}

core::Result<Bytes> ecPoint(EVP_PKEY* key, KeyKind kind) {
    Bytes pt(1 + 2 * fieldBytes(kind));
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt.data(), pt.size(), &len) !=
            1 ||
        len != pt.size())
        return cryptoError("EC public key");
    return pt;
}

core::Result<Bytes> rawPublic(EVP_PKEY* key) {
    Bytes raw(32);
    std::size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1 || len != 32) return cryptoError("raw public key");
    return raw;
}

// A left-padded copy of `v` in `width` bytes (nullopt if it does not fit).
std::optional<SecureBytes> leftPad(ByteView v, std::size_t width) {
    while (!v.empty() && v.size() > width && v[0] == 0) v = v.subspan(1);
    if (v.empty() || v.size() > width) return std::nullopt;
    SecureBytes out(width - v.size(), 0);
    out.insert(out.end(), v.begin(), v.end());
    return out;
}

}  // namespace

SecureBytes randomBytes(std::size_t n) {
    SecureBytes out(n);
    // RAND_bytes only fails when the DRBG cannot be seeded: better to stop than hand out zeros.
    if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
    return out;
}

core::Result<KeyPtr> generate(const AlgoSpec& spec) {
    EVP_PKEY* out = nullptr;
    switch (spec.kind) {
        case KeyKind::Rsa: {
            PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
            if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
                EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(spec.rsaBits)) <= 0 ||
                EVP_PKEY_generate(ctx.get(), &out) <= 0)
                return cryptoError("RSA key generation");
            break;
        }
        case KeyKind::P256:
        case KeyKind::P384:
            out = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curveName(spec.kind));
            break;
        case KeyKind::Ed25519:
            out = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
        case KeyKind::X25519:
            out = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
            break;
    }
    if (!out) return cryptoError("key generation");
    return adopt(out);
}

bool matches(EVP_PKEY* key, const AlgoSpec& spec) {
    bool ok = false;
    const KeyKind k = kindOf(key, ok);
    if (!ok || k != spec.kind) return false;
    return k != KeyKind::Rsa || static_cast<unsigned>(EVP_PKEY_get_bits(key)) == spec.rsaBits;
}

core::Result<Bytes> publicKeyTlvs(EVP_PKEY* key, const AlgoSpec& spec) {
    apdu::TlvBuilder b;
    if (spec.kind == KeyKind::Rsa) {
        BIGNUM* n = nullptr;
        BIGNUM* e = nullptr;
        const bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
                        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1;
        BnPtr nOwn(n), eOwn(e);
        if (!ok) return cryptoError("RSA public key");
        Bytes nb(spec.rsaBits / 8), eb(static_cast<std::size_t>(BN_num_bytes(e)));
        if (BN_bn2binpad(n, nb.data(), static_cast<int>(nb.size())) < 0) return cryptoError("RSA modulus");
        BN_bn2bin(e, eb.data());
        b.add(0x81, nb).add(0x82, eb);
    } else if (isEc(spec.kind)) {
        auto pt = ecPoint(key, spec.kind);
        if (!pt) return fail(pt.error());
        b.add(0x86, *pt);
    } else {
        auto raw = rawPublic(key);
        if (!raw) return fail(raw.error());
        b.add(0x86, *raw);
    }
    return b.take();
}

core::Result<Bytes> rsaSign(EVP_PKEY* key, ByteView input) {
    const auto k = static_cast<std::size_t>(EVP_PKEY_get_size(key));
    if (input.empty() || input.size() + 11 > k) return badInput("RSA signature input too long");
    PkeyCtxPtr ctx = ctxFor(key);
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0)
        return cryptoError("RSA signature setup");
    Bytes sig(k);
    std::size_t len = sig.size();
    if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, input.data(), input.size()) <= 0 || len != k)
        return cryptoError("RSA signature");
    return sig;
}

core::Result<Bytes> ecdsaSign(EVP_PKEY* key, KeyKind kind, ByteView hash) {
    PkeyCtxPtr ctx = ctxFor(key);
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &len, hash.data(), hash.size()) <= 0)
        return cryptoError("ECDSA setup");
    Bytes der(len);
    if (EVP_PKEY_sign(ctx.get(), der.data(), &len, hash.data(), hash.size()) <= 0)
        return cryptoError("ECDSA signature");
    const unsigned char* p = der.data();
    std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig) return cryptoError("ECDSA signature decoding");
    const std::size_t w = fieldBytes(kind);
    Bytes out(2 * w);
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), static_cast<int>(w)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + w, static_cast<int>(w)) < 0)
        return cryptoError("ECDSA signature encoding");
    return out;
}

core::Result<Bytes> ed25519Sign(EVP_PKEY* key, ByteView message) {
    MdCtxPtr md(EVP_MD_CTX_new());
    if (!md || EVP_DigestSignInit_ex(md.get(), nullptr, nullptr, nullptr, nullptr, key, nullptr) != 1)
        return cryptoError("Ed25519 setup");
    Bytes sig(64);
    std::size_t len = sig.size();
    if (EVP_DigestSign(md.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != 64)
        return cryptoError("Ed25519 signature");
    return sig;
}

core::Result<SecureBytes> rsaDecrypt(EVP_PKEY* key, ByteView cryptogram) {
    const auto k = static_cast<std::size_t>(EVP_PKEY_get_size(key));
    if (cryptogram.size() != k) return badInput("RSA cryptogram must be exactly the modulus length");
    PkeyCtxPtr ctx = ctxFor(key);
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0)
        return cryptoError("RSA decryption setup");
    SecureBytes out(k);
    std::size_t len = out.size();
    if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, cryptogram.data(), cryptogram.size()) <= 0)
        return badInput("RSA cryptogram does not decrypt to a PKCS#1 v1.5 block");
    out.resize(len);
    return out;
}

core::Result<SecureBytes> deriveShared(EVP_PKEY* key, KeyKind kind, ByteView peer) {
    PkeyPtr peerKey;
    if (isEc(kind)) {
        if (peer.size() != 1 + 2 * fieldBytes(kind) || peer[0] != 0x04) return badInput("peer point must be 04||X||Y");
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(curveName(kind)), 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(peer.data()),
                                              peer.size()),
            OSSL_PARAM_construct_end()};
        auto k = fromData("EC", EVP_PKEY_PUBLIC_KEY, params);
        if (!k) return badInput("peer point not on the curve");
        EVP_PKEY_up_ref(k->get());
        peerKey.reset(k->get());
    } else if (kind == KeyKind::X25519) {
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

core::Result<KeyPtr> importEc(KeyKind kind, ByteView scalar, ByteView publicKey) {
    const auto d = leftPad(scalar, fieldBytes(kind));
    if (!d) return badInput("EC private key length");
    BnCtxPtr bctx(BN_CTX_new());
    EcGroupPtr group(EC_GROUP_new_by_curve_name(kind == KeyKind::P384 ? NID_secp384r1 : NID_X9_62_prime256v1));
    BnPtr dn = toBn(view(*d));
    if (!bctx || !group || !dn) return cryptoError("EC setup");
    if (BN_is_zero(dn.get()) || BN_cmp(dn.get(), EC_GROUP_get0_order(group.get())) >= 0)
        return badInput("EC private key out of range");
    EcPointPtr pub(EC_POINT_new(group.get()));
    Bytes pt(1 + 2 * fieldBytes(kind));
    if (!pub || EC_POINT_mul(group.get(), pub.get(), dn.get(), nullptr, nullptr, bctx.get()) != 1 ||
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pt.data(), pt.size(),
                           bctx.get()) != pt.size())
        return cryptoError("EC public point");
    if (!publicKey.empty() && !std::equal(publicKey.begin(), publicKey.end(), pt.begin(), pt.end()))
        return badInput("EC public key does not belong to the private key");
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curveName(kind), 0) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, dn.get()) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pt.data(), pt.size()))
        return cryptoError("EC parameters");
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return cryptoError("EC parameters");
    return fromData("EC", EVP_PKEY_KEYPAIR, params.get());
}

core::Result<KeyPtr> import25519(KeyKind kind, ByteView secret, ByteView publicKey) {
    auto raw = leftPad(secret, 32);
    if (!raw) return badInput("25519 private key must be at most 32 bytes");
    // OpenPGP keeps the cv25519 scalar as a big-endian number; RFC 7748 wants it little-endian.
    if (kind == KeyKind::X25519) std::reverse(raw->begin(), raw->end());
    EVP_PKEY* k = EVP_PKEY_new_raw_private_key_ex(nullptr, kind == KeyKind::Ed25519 ? "ED25519" : "X25519",
                                                  nullptr, raw->data(), raw->size());
    if (!k) return badInput("25519 private key rejected");
    KeyPtr key = adopt(k);
    if (!publicKey.empty()) {
        // GnuPG's native encoding prefixes 25519 public keys with 40.
        if (publicKey.size() == 33 && publicKey[0] == 0x40) publicKey = publicKey.subspan(1);
        auto pub = rawPublic(key.get());
        if (!pub) return fail(pub.error());
        if (!std::equal(publicKey.begin(), publicKey.end(), pub->begin(), pub->end()))
            return badInput("25519 public key does not belong to the private key");
    }
    return key;
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

}  // namespace vcard::openpgp::crypto
