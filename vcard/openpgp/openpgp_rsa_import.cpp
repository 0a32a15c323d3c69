// RSA private key import: the card derives d and the CRT values from e, p, q and insists that whatever
// else the host sent (1/q mod p, d mod (p-1), d mod (q-1), n) agrees, so a host bug cannot store a
// broken key.
#include <openssl/core_names.h>
#include <openssl/err.h>

#include "vcard/openpgp/openpgp_crypto.h"
#include "vcard/piv/ossl_ptr.h"

namespace vcard::openpgp::crypto {

using core::Errc;
using core::fail;
using namespace vcard::piv;

namespace {

std::unexpected<core::Error> badInput(const std::string& what) {
    ERR_clear_error();
    return fail(Errc::IncorrectData, what);
}

BnPtr toBn(ByteView v) {
    return BnPtr(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
}

}  // namespace

core::Result<KeyPtr> importRsa(const AlgoSpec& spec, const RsaParts& in) {
    const std::size_t half = spec.rsaBits / 16;
    if (in.e.empty() || in.e.size() > 4) return badInput("RSA public exponent length");
    if (in.p.empty() || in.p.size() > half || in.q.empty() || in.q.size() > half)
        return badInput("RSA prime length");
    BnCtxPtr bctx(BN_CTX_new());
    BnPtr e = toBn(in.e), p = toBn(in.p), q = toBn(in.q);
    BnPtr n(BN_new()), p1(BN_new()), q1(BN_new()), g(BN_new()), lambda(BN_new()), d(BN_new()), t(BN_new()),
        dp(BN_new()), dq(BN_new()), qinv(BN_new());
    if (!bctx || !e || !p || !q || !n || !p1 || !q1 || !g || !lambda || !d || !t || !dp || !dq || !qinv)
        return fail(Errc::Crypto, "bignum allocation");
    if (!BN_is_odd(e.get()) || BN_num_bits(e.get()) < 2) return badInput("RSA public exponent");
    if (!BN_mul(n.get(), p.get(), q.get(), bctx.get())) return fail(Errc::Crypto, "RSA modulus");
    if (static_cast<unsigned>(BN_num_bits(n.get())) != spec.rsaBits) return badInput("RSA modulus size");
    if (BN_check_prime(p.get(), bctx.get(), nullptr) != 1 || BN_check_prime(q.get(), bctx.get(), nullptr) != 1)
        return badInput("RSA factors are not prime");
    BN_sub(p1.get(), p.get(), BN_value_one());
    BN_sub(q1.get(), q.get(), BN_value_one());
    if (!BN_gcd(g.get(), p1.get(), q1.get(), bctx.get()) || !BN_mul(t.get(), p1.get(), q1.get(), bctx.get()) ||
        !BN_div(lambda.get(), nullptr, t.get(), g.get(), bctx.get()))
        return fail(Errc::Crypto, "RSA lcm");
    if (!BN_mod_inverse(d.get(), e.get(), lambda.get(), bctx.get())) return badInput("e not invertible");
    if (!BN_nnmod(dp.get(), d.get(), p1.get(), bctx.get()) || !BN_nnmod(dq.get(), d.get(), q1.get(), bctx.get()) ||
        !BN_mod_inverse(qinv.get(), q.get(), p.get(), bctx.get()))
        return badInput("RSA CRT values");
    auto agrees = [](ByteView given, const BIGNUM* expect) {
        if (given.empty()) return true;  // not sent (import format without it)
        BnPtr v = toBn(given);
        return v && BN_cmp(v.get(), expect) == 0;
    };
    if (!agrees(in.n, n.get()) || !agrees(in.dp, dp.get()) || !agrees(in.dq, dq.get()) ||
        !agrees(in.qinv, qinv.get()))
        return badInput("RSA key components inconsistent");

    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get()))
        return fail(Errc::Crypto, "RSA parameters");
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return fail(Errc::Crypto, "RSA parameters");
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_KEYPAIR, params.get()) <= 0)
        return badInput("RSA key material not accepted");
    return KeyPtr(out, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

}  // namespace vcard::openpgp::crypto
