// spkiFromCardKey / cardKeyFromSpki over OpenSSL 3 (the Linux build; the minidriver DLL has its own
// spkiFromCardKey, see openpgp_crypto.h).
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "card-apps/openpgp/openpgp_public_key.h"
#include "core/crypto/ossl.h"
#include "core/crypto/public_key.h"

namespace openpgp {

using core::Errc;
using core::fail;

namespace {

using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, crypto::ossl::Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, crypto::ossl::Deleter<OSSL_PARAM_free>>;

core::Result<Bytes> fromParams(const char* keyType, OSSL_PARAM_BLD* bld) {
    Params params(OSSL_PARAM_BLD_to_param(bld));
    crypto::ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return fail(
            crypto::ossl::error(Errc::Crypto, std::string("cannot set up ") + keyType + " key import"));
    EVP_PKEY* raw = nullptr;
    // EVP_PKEY_fromdata decodes EC points and rejects points that are not on the curve.
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || !raw)
        return fail(crypto::ossl::error(Errc::Malformed,
                                        std::string("card returned an invalid ") + keyType + " key"));
    crypto::ossl::Pkey pkey(raw);
    return crypto::ossl::toDer<EVP_PKEY>(i2d_PUBKEY, pkey.get(), "SubjectPublicKeyInfo");
}

}  // namespace

core::Result<Bytes> spkiFromCardKey(const CardPublicKey& key, const AlgorithmAttributes& attrs) {
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld) return fail(Errc::Crypto, "out of memory");
    if (attrs.isRsa()) {
        crypto::ossl::Bn n(BN_bin2bn(key.modulus.data(), static_cast<int>(key.modulus.size()), nullptr));
        crypto::ossl::Bn e(BN_bin2bn(key.exponent.data(), static_cast<int>(key.exponent.size()), nullptr));
        if (!n || !e || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
            !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
            return fail(Errc::Crypto, "cannot build RSA key parameters");
        return fromParams("RSA", bld.get());
    }
    auto curve = curveOf(attrs);
    if (!curve) return fail(curve.error());
    const CurveInfo& ci = **curve;
    if (!OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, key.point.data(),
                                          key.point.size()))
        return fail(Errc::Crypto, "cannot build EC key parameters");
    if (ci.edwardsOrMontgomery) return fromParams(ci.name, bld.get());
    if (!OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, ci.name, 0))
        return fail(Errc::Crypto, "cannot build EC key parameters");
    return fromParams("EC", bld.get());
}

core::Result<CardPublicKey> cardKeyFromSpki(ByteView spki) {
    auto pk = crypto::parseSpki(spki);
    if (!pk) return fail(pk.error());
    CardPublicKey k;
    if (pk->type == crypto::KeyType::Rsa) {
        k.modulus = pk->modulus;
        k.exponent = pk->publicExponent;
    } else {
        k.point = pk->ecPoint;
    }
    return k;
}

}  // namespace openpgp
