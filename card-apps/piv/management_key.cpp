#include "card-apps/piv/management_key.h"

#include <openssl/evp.h>

#include "card-apps/piv/ossl_handles.h"
#include "card-apps/piv/piv_constants.h"

namespace piv {

using core::Errc;
using core::fail;

bool isManagementAlgorithm(uint8_t a) {
    return managementKeyLength(a) != 0;
}

std::size_t managementBlockSize(uint8_t a) {
    switch (a) {
        case alg::kTdes:
            return 8;
        case alg::kAes128:
        case alg::kAes192:
        case alg::kAes256:
            return 16;
        default:
            return 0;
    }
}

std::size_t managementKeyLength(uint8_t a) {
    switch (a) {
        case alg::kTdes:
            return 24;
        case alg::kAes128:
            return 16;
        case alg::kAes192:
            return 24;
        case alg::kAes256:
            return 32;
        default:
            return 0;
    }
}

uint8_t managementAlgorithmForKeyLength(std::size_t len) {
    switch (len) {
        case 16:
            return alg::kAes128;
        case 32:
            return alg::kAes256;
        default:
            return alg::kTdes;
    }
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

core::Result<core::SecureBytes> managementCipher(uint8_t a, core::ByteView key, core::ByteView block,
                                                 bool encrypt) {
    const char* name = cipherName(a);
    if (!name) return fail(Errc::InvalidArgument, "unknown management key algorithm");
    if (key.size() != managementKeyLength(a))
        return fail(Errc::InvalidArgument, "management key has the wrong length for its algorithm");
    if (block.size() != managementBlockSize(a))
        return fail(Errc::Malformed, "management key challenge is not one cipher block");

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
