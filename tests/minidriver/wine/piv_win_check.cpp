// piv_win_check.exe: the DLL's stand-ins for card-apps/piv's OpenSSL parts, run under Wine on inputs from
// stdin so wine_test.cpp can compare them byte for byte with the OpenSSL versions the Linux build uses:
// piv_public_key.h (minidriver/win/md_piv_public_key_win.cpp: DER by hand, EC points checked by a CNG
// import) and the management key's ECB block (md_piv_crypto_win.cpp, BCrypt). One request per line:
//   tpl <PIV algorithm id, hex> <7F49 content, hex>   ->  spkiFromPublicKeyTemplate
//   cert <DER certificate, hex>                        ->  spkiFromCertificate
//   alg <DER SPKI, hex>                                ->  algorithmFromSpki (PIV algorithm id)
//   ecb <alg id> <key> <block> <e|d>  (hex)            ->  managementCipher (encrypt / decrypt)
// Each answer is one line: `ok <hex>` or `err <core::Errc number>`.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_public_key.h"
#include "tests/minidriver/wine/check_answer.h"

using wincheck::answer;
using wincheck::hex;

int main() {
    for (std::string line; std::getline(std::cin, line);) {
        std::istringstream in(line);
        std::string op, a, b, c, d;
        in >> op >> a >> b >> c >> d;
        core::Bytes x;
        if (op == "tpl") {
            core::Bytes id;
            const auto alg =
                core::fromHex(a, id) && id.size() == 1 ? piv::keyAlgorithmFromId(id[0]) : std::nullopt;
            if (!alg || !core::fromHex(b, x)) return 2;
            answer(piv::spkiFromPublicKeyTemplate(x, *alg));
        } else if (op == "cert") {
            if (!core::fromHex(a, x)) return 2;
            answer(piv::spkiFromCertificate(x));
        } else if (op == "alg") {
            if (!core::fromHex(a, x)) return 2;
            auto r = piv::algorithmFromSpki(x);
            if (r)
                answer(core::Bytes{piv::algorithmId(*r)});
            else
                answer(core::fail(r.error()));
        } else if (op == "ecb") {
            core::Bytes id, key, block;
            if (!core::fromHex(a, id) || id.size() != 1 || !core::fromHex(b, key) || !core::fromHex(c, block))
                return 2;
            auto r = piv::managementCipher(id[0], key, block, d == "e");
            if (r)
                answer(core::Bytes(r->begin(), r->end()));
            else
                answer(core::fail(r.error()));
        } else {
            return 2;
        }
    }
    return 0;
}
