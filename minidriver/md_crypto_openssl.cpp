// md_crypto.h on Linux: forwards to core/crypto (OpenSSL).
#include "core/crypto/rsa_padding.h"
#include "minidriver/md_crypto.h"

namespace md {
namespace {
core::Result<crypto::HashAlg> toAlg(Hash h) {
    switch (h) {
        case Hash::Sha1: return crypto::HashAlg::Sha1;
        case Hash::Sha256: return crypto::HashAlg::Sha256;
        case Hash::Sha384: return crypto::HashAlg::Sha384;
        case Hash::Sha512: return crypto::HashAlg::Sha512;
        case Hash::Md5: break;
    }
    return core::fail(core::Errc::NotSupported, "hash not supported for PSS/OAEP");
}
}  // namespace

core::Result<core::Bytes> pssEncode(core::ByteView hash, Hash h, std::size_t saltLen, std::size_t modulusBits) {
    auto alg = toAlg(h);
    if (!alg) return std::unexpected(alg.error());
    return crypto::pssEncode(hash, *alg, *alg, saltLen, modulusBits);
}

core::Result<core::Bytes> pkcs1DecryptUnpad(core::ByteView block) { return crypto::pkcs1v15DecryptUnpad(block); }

core::Result<core::Bytes> oaepDecode(core::ByteView block, Hash h, core::ByteView label) {
    auto alg = toAlg(h);
    if (!alg) return std::unexpected(alg.error());
    return crypto::oaepDecode(block, *alg, *alg, label);
}

}  // namespace md
