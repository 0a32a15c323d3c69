// openpgp_win_check.exe: the DLL's stand-ins for card-apps/openpgp's OpenSSL parts
// (minidriver/win/md_openpgp_crypto_win.cpp) and the OpenPGP code around them, run under Wine on inputs from
// stdin so wine_openpgp_test.cpp can compare them with the Linux build (OpenSSL). One request per line:
//   spki <C1-C3 attributes> <7F49 template>            ->  decodePublicKeyTemplate + spkiFromCardKey
//   fpr <attributes> <7F49 template> <created, 4 bytes> ->  v4Fingerprint (SHA-1 from BCrypt)
//   cert <DER>                                         ->  checkCertificate (`ok ` when accepted)
//   ecdsa <r||s>                                       ->  crypto::ecdsaRawToDer
//   rand <length, 1 byte>                              ->  systemRandom
// (all hex). Each answer is one line: `ok <hex>` or `err <core::Errc number>`.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "card-apps/openpgp/openpgp_crypto.h"
#include "card-apps/openpgp/openpgp_public_key.h"
#include "core/crypto/public_key.h"
#include "tests/minidriver/wine/check_answer.h"

namespace {

using wincheck::answer;
using wincheck::hex;

// The card key of an attributes + template pair, or the error either step gave.
core::Result<openpgp::CardPublicKey> cardKey(const core::Bytes& attrs, const core::Bytes& tpl,
                                             openpgp::AlgorithmAttributes& decoded) {
    auto a = openpgp::decodeAlgorithmAttributes(attrs);
    if (!a) return core::fail(a.error());
    decoded = *a;
    return openpgp::decodePublicKeyTemplate(tpl, decoded);
}

}  // namespace

int main() {
    for (std::string line; std::getline(std::cin, line);) {
        std::istringstream in(line);
        std::string op, a, b, c;
        in >> op >> a >> b >> c;
        core::Bytes x, y, z;
        if (op == "spki" || op == "fpr") {
            if (!core::fromHex(a, x) || !core::fromHex(b, y)) return 2;
            openpgp::AlgorithmAttributes attrs;
            auto key = cardKey(x, y, attrs);
            if (!key) {
                answer(core::fail(key.error()));
            } else if (op == "spki") {
                answer(openpgp::spkiFromCardKey(*key, attrs));
            } else {
                if (!core::fromHex(c, z) || z.size() != 4) return 2;
                const uint32_t created = uint32_t(z[0]) << 24 | uint32_t(z[1]) << 16 | uint32_t(z[2]) << 8 | z[3];
                auto fp = openpgp::v4Fingerprint(*key, attrs, created);
                if (fp)
                    answer(core::Bytes(fp->begin(), fp->end()));
                else
                    answer(core::fail(fp.error()));
            }
        } else if (op == "cert") {
            if (!core::fromHex(a, x)) return 2;
            auto st = openpgp::checkCertificate(x);
            if (st)
                answer(core::Bytes());
            else
                answer(core::fail(st.error()));
        } else if (op == "ecdsa") {
            if (!core::fromHex(a, x)) return 2;
            answer(crypto::ecdsaRawToDer(x));
        } else if (op == "rand") {
            if (!core::fromHex(a, x) || x.size() != 1) return 2;
            core::Bytes out(x[0]);
            auto st = openpgp::systemRandom(out);
            if (st)
                answer(out);
            else
                answer(core::fail(st.error()));
        } else {
            return 2;
        }
    }
    return 0;
}
