// md_crypto.h primitives for the Windows DLL: CNG (bcrypt.dll), which ships with Windows.
#include "minidriver/md_crypto.h"
#include "minidriver/win_compat.h"

namespace md {

core::Result<core::Bytes> digest(Hash h, core::ByteView data) {
    LPCWSTR alg = nullptr;
    switch (h) {
        case Hash::Md5: alg = BCRYPT_MD5_ALGORITHM; break;
        case Hash::Sha1: alg = BCRYPT_SHA1_ALGORITHM; break;
        case Hash::Sha256: alg = BCRYPT_SHA256_ALGORITHM; break;
        case Hash::Sha384: alg = BCRYPT_SHA384_ALGORITHM; break;
        case Hash::Sha512: alg = BCRYPT_SHA512_ALGORITHM; break;
    }
    BCRYPT_ALG_HANDLE provider = nullptr;
    BCRYPT_HASH_HANDLE hash = nullptr;
    core::Bytes out(hashSize(h));
    bool ok = BCryptOpenAlgorithmProvider(&provider, alg, nullptr, 0) >= 0 &&
              BCryptCreateHash(provider, &hash, nullptr, 0, nullptr, 0, 0) >= 0 &&
              BCryptHashData(hash, const_cast<PUCHAR>(data.data()), ULONG(data.size()), 0) >= 0 &&
              BCryptFinishHash(hash, out.data(), ULONG(out.size()), 0) >= 0;
    if (hash) BCryptDestroyHash(hash);
    if (provider) BCryptCloseAlgorithmProvider(provider, 0);
    if (!ok) return core::fail(core::Errc::Crypto, "BCrypt hash failed");
    return out;
}

core::Status randomBytes(core::Bytes& out) {
    if (BCryptGenRandom(nullptr, out.data(), ULONG(out.size()), BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
        return core::fail(core::Errc::Crypto, "BCryptGenRandom failed");
    return {};
}

}  // namespace md
