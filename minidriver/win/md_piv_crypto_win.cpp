// card-apps/piv/piv_crypto.h over CNG (bcrypt.dll) for the Windows DLL: the management key's ECB block
// (3DES / AES; BCrypt has both) and the system RNG.
#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_crypto.h"
#include "minidriver/win_compat.h"

namespace piv {

using core::Errc;
using core::fail;

core::Status systemRandom(std::span<uint8_t> out) {
    if (BCryptGenRandom(nullptr, out.data(), ULONG(out.size()), BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
        return fail(Errc::Crypto, "BCryptGenRandom failed");
    return {};
}

core::Result<core::SecureBytes> ecbBlock(uint8_t a, core::ByteView key, core::ByteView block, bool encrypt) {
    LPCWSTR name = nullptr;
    switch (a) {
        case alg::kTdes:
            name = BCRYPT_3DES_ALGORITHM;
            break;
        case alg::kAes128:
        case alg::kAes192:
        case alg::kAes256:
            name = BCRYPT_AES_ALGORITHM;
            break;
        default:
            return fail(Errc::InvalidArgument, "unknown management key algorithm");
    }
    BCRYPT_ALG_HANDLE provider = nullptr;
    BCRYPT_KEY_HANDLE handle = nullptr;
    core::SecureBytes out(block.size());
    ULONG done = 0;
    // BCrypt takes non-const buffers; it only reads the key and the input.
    auto* keyBytes = const_cast<PUCHAR>(key.data());
    auto* in = const_cast<PUCHAR>(block.data());
    // One block in CBC with a zero IV is exactly one ECB block (P xor 0), both ways. CBC, the provider's
    // default mode, also runs where ECB is missing (Wine 8's bcrypt has no ECB for 3DES).
    core::Bytes iv(block.size(), 0);
    const bool ok =
        BCryptOpenAlgorithmProvider(&provider, name, nullptr, 0) >= 0 &&
        BCryptSetProperty(provider, BCRYPT_CHAINING_MODE,
                          reinterpret_cast<PUCHAR>(const_cast<wchar_t*>(BCRYPT_CHAIN_MODE_CBC)),
                          ULONG(sizeof(BCRYPT_CHAIN_MODE_CBC)), 0) >= 0 &&
        BCryptGenerateSymmetricKey(provider, &handle, nullptr, 0, keyBytes, ULONG(key.size()), 0) >= 0 &&
        (encrypt ? BCryptEncrypt(handle, in, ULONG(block.size()), nullptr, iv.data(), ULONG(iv.size()),
                                 out.data(), ULONG(out.size()), &done, 0)
                 : BCryptDecrypt(handle, in, ULONG(block.size()), nullptr, iv.data(), ULONG(iv.size()),
                                 out.data(), ULONG(out.size()), &done, 0)) >= 0 &&
        done == block.size();
    if (handle) BCryptDestroyKey(handle);
    if (provider) BCryptCloseAlgorithmProvider(provider, 0);
    if (!ok) return fail(Errc::Crypto, "management key cipher operation failed (BCrypt)");
    return out;
}

}  // namespace piv
