// openpgp_crypto.h over OpenSSL 3 (core/crypto): the Linux build.
#include <openssl/rand.h>

#include "card-apps/openpgp/openpgp_crypto.h"
#include "core/crypto/certificate.h"
#include "core/crypto/hash.h"

namespace openpgp {

using core::Errc;
using core::fail;

core::Status systemRandom(std::span<uint8_t> out) {
    if (out.empty()) return {};
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
        return fail(Errc::Crypto, "random number generator failed");
    return {};
}

core::Result<core::Bytes> sha1(core::ByteView data) {
    core::Bytes h = crypto::digest(crypto::HashAlg::Sha1, data);
    if (h.size() != 20) return fail(Errc::Crypto, "SHA-1 failed");
    return h;
}

core::Status checkCertificate(core::ByteView der) {
    if (!crypto::parseCertificate(der)) return fail(Errc::InvalidArgument, "not a DER X.509 certificate");
    return {};
}

}  // namespace openpgp
