// md_crypto.h primitives on Linux: OpenSSL.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "minidriver/md_crypto.h"

namespace md {

core::Result<core::Bytes> digest(Hash h, core::ByteView data) {
    const EVP_MD* md = nullptr;
    switch (h) {
        case Hash::Md5: md = EVP_md5(); break;
        case Hash::Sha1: md = EVP_sha1(); break;
        case Hash::Sha256: md = EVP_sha256(); break;
        case Hash::Sha384: md = EVP_sha384(); break;
        case Hash::Sha512: md = EVP_sha512(); break;
    }
    core::Bytes out(EVP_MAX_MD_SIZE);
    unsigned n = 0;
    if (!md || EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr) != 1)
        return core::fail(core::Errc::Crypto, "digest failed");
    out.resize(n);
    return out;
}

core::Status randomBytes(core::Bytes& out) {
    if (RAND_bytes(out.data(), int(out.size())) != 1) return core::fail(core::Errc::Crypto, "RAND_bytes failed");
    return {};
}

}  // namespace md
