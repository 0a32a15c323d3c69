// piv_crypto.h over OpenSSL 3 (Linux build).
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "card-apps/piv/ossl_handles.h"
#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_crypto.h"

namespace piv {

using core::Errc;
using core::fail;

core::Status systemRandom(std::span<uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
        return fail(Errc::Crypto, "random number generator failed");
    return {};
}

namespace {
const char* cipherName(uint8_t a) {
    switch (a) {
        case alg::kTdes:
            return "DES-EDE3-ECB";
        case alg::kAes128:
            return "AES-128-ECB";
        case alg::kAes192:
            return "AES-192-ECB";
        case alg::kAes256:
            return "AES-256-ECB";
        default:
            return nullptr;
    }
}
}  // namespace

core::Result<core::SecureBytes> ecbBlock(uint8_t a, core::ByteView key, core::ByteView block, bool encrypt) {
    const char* name = cipherName(a);
    if (!name) return fail(Errc::InvalidArgument, "unknown management key algorithm");
    ossl::Cipher cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
    ossl::CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!cipher || !ctx) return fail(Errc::Crypto, std::string("cannot load cipher ") + name);
    if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
        return fail(Errc::Crypto, "management key cipher initialisation failed");

    core::SecureBytes out(block.size() + 32);
    int len = 0;
    int tail = 0;
    if (EVP_CipherUpdate(ctx.get(), out.data(), &len, block.data(), static_cast<int>(block.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), out.data() + len, &tail) != 1)
        return fail(Errc::Crypto, "management key cipher operation failed");
    out.resize(static_cast<std::size_t>(len + tail));
    return out;
}

}  // namespace piv
