// ECDH (spec §6.5): CardConstructDHAgreement runs the card's key agreement and keeps the shared secret
// Z in the context; CardDeriveKey applies the CNG KDFs "HASH" and "HMAC" to it; CardDestroyDHAgreement
// wipes it. Z never leaves the minidriver.
#include <cwchar>

#include "minidriver/md_crypto.h"
#include "minidriver/md_functions.h"

namespace md {
namespace {

constexpr std::size_t kMaxAgreements = 16;

std::optional<Hash> hashNamed(LPCWSTR name) {
    if (!name) return std::nullopt;
    for (auto [n, h] : {std::pair{L"SHA1", Hash::Sha1}, std::pair{L"SHA256", Hash::Sha256},
                        std::pair{L"SHA384", Hash::Sha384}, std::pair{L"SHA512", Hash::Sha512},
                        std::pair{L"MD5", Hash::Md5}})
        if (std::wcscmp(name, n) == 0) return h;
    return std::nullopt;
}

core::Result<Bytes> hmac(Hash h, ByteView key, ByteView data) {
    const std::size_t block = (h == Hash::Sha384 || h == Hash::Sha512) ? 128 : 64;
    Bytes k(key.begin(), key.end());
    if (k.size() > block) {
        auto d = digest(h, k);
        if (!d) return d;
        k = std::move(*d);
    }
    k.resize(block, 0);
    Bytes inner(block), outer(block);
    for (std::size_t i = 0; i < block; ++i) {
        inner[i] = k[i] ^ 0x36;
        outer[i] = k[i] ^ 0x5C;
    }
    core::append(inner, data);
    auto ih = digest(h, inner);
    wipe(k);
    wipe(inner);
    if (!ih) return ih;
    core::append(outer, *ih);
    auto result = digest(h, outer);
    wipe(outer);
    return result;
}

}  // namespace

DWORD WINAPI cardConstructDhAgreement(PCARD_DATA pCardData, PCARD_DH_AGREEMENT_INFO pInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pInfo) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->dwVersion != CARD_DH_AGREEMENT_INFO_VERSION) return code(ERROR_REVISION_MISMATCH);
        if (pInfo->dwFlags != 0 || !pInfo->pbPublicKey) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_NO_KEY_CONTAINER);
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error());
        const Container* c = ctx.findContainer(pInfo->bContainerIndex);
        if (!c) return code(SCARD_E_NO_KEY_CONTAINER);
        if (c->keySpec < AT_ECDHE_P256 || c->keySpec > AT_ECDHE_P521) return code(SCARD_E_INVALID_PARAMETER);
        // Peer key: BCRYPT_ECCKEY_BLOB (magic, cbKey) + X + Y of our curve.
        const std::size_t field = (c->bits + 7) / 8;
        const ByteView blob(pInfo->pbPublicKey, pInfo->dwPublicKey);
        if (blob.size() != 8 + 2 * field) return code(SCARD_E_INVALID_PARAMETER);
        const uint32_t magic = uint32_t(blob[0]) | uint32_t(blob[1]) << 8 | uint32_t(blob[2]) << 16 | uint32_t(blob[3]) << 24;
        const uint32_t cbKey = uint32_t(blob[4]) | uint32_t(blob[5]) << 8 | uint32_t(blob[6]) << 16 | uint32_t(blob[7]) << 24;
        const uint32_t expected = c->bits == 256 ? BCRYPT_ECDH_PUBLIC_P256_MAGIC : BCRYPT_ECDH_PUBLIC_P384_MAGIC;
        if (magic != expected || cbKey != field) return code(SCARD_E_INVALID_PARAMETER);
        Bytes point{0x04};
        point.insert(point.end(), blob.begin() + 8, blob.end());

        std::size_t slot = 0;
        while (slot < ctx.agreements.size() && !ctx.agreements[slot].empty()) ++slot;
        if (slot >= kMaxAgreements) return code(SCARD_E_NO_MEMORY);
        auto z = ctx.card->app().deriveEcdh(c->keyRef, point);
        if (!z) return toScard(ctx, z.error());
        if (z->empty()) return code(SCARD_E_UNEXPECTED);
        if (slot == ctx.agreements.size()) ctx.agreements.emplace_back();
        ctx.agreements[slot] = std::move(*z);
        pInfo->bSecretAgreementIndex = static_cast<BYTE>(slot);
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardDeriveKey(PCARD_DATA pCardData, PCARD_DERIVE_KEY pInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pInfo) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->dwVersion > CARD_DERIVE_KEY_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        if (pInfo->dwFlags & CARD_RETURN_KEY_HANDLE) return code(SCARD_E_UNSUPPORTED_FEATURE);
        if ((pInfo->dwFlags & ~DWORD(CARD_BUFFER_SIZE_ONLY)) != 0 || !pInfo->pwszKDF)
            return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->bSecretAgreementIndex >= ctx.agreements.size() || ctx.agreements[pInfo->bSecretAgreementIndex].empty())
            return code(SCARD_E_INVALID_PARAMETER);
        const bool isHash = std::wcscmp(pInfo->pwszKDF, BCRYPT_KDF_HASH) == 0;
        const bool isHmac = std::wcscmp(pInfo->pwszKDF, BCRYPT_KDF_HMAC) == 0;
        if (!isHash && !isHmac) return code(SCARD_E_UNSUPPORTED_FEATURE);  // TLS_PRF, SP800-56A: not yet

        Hash h = Hash::Sha1;  // CNG's default for these KDFs
        Bytes prepend, append, hmacKey;
        bool haveHmacKey = false;
        if (const auto* params = static_cast<const BCryptBufferDesc*>(pInfo->pParameterList)) {
            for (ULONG i = 0; i < params->cBuffers; ++i) {
                const BCryptBuffer& b = params->pBuffers[i];
                const ByteView v(static_cast<const BYTE*>(b.pvBuffer), b.pvBuffer ? b.cbBuffer : 0);
                switch (b.BufferType) {
                    case KDF_HASH_ALGORITHM: {
                        auto named = hashNamed(static_cast<LPCWSTR>(b.pvBuffer));
                        if (!named) return code(NTE_BAD_ALGID);
                        h = *named;
                        break;
                    }
                    case KDF_SECRET_PREPEND: prepend.assign(v.begin(), v.end()); break;
                    case KDF_SECRET_APPEND: append.assign(v.begin(), v.end()); break;
                    case KDF_HMAC_KEY:
                        hmacKey.assign(v.begin(), v.end());
                        haveHmacKey = true;
                        break;
                    default: return code(SCARD_E_INVALID_PARAMETER);
                }
            }
        }
        const std::size_t outLen = hashSize(h);
        if (!(pInfo->dwFlags & CARD_BUFFER_SIZE_ONLY)) {
            const Bytes& z = ctx.agreements[pInfo->bSecretAgreementIndex];
            Bytes input = prepend;
            core::append(input, z);
            core::append(input, append);
            // HMAC without KDF_HMAC_KEY keys the PRF with the secret itself (CNG behaviour UNCONFIRMED).
            auto key = isHash ? digest(h, input) : hmac(h, haveHmacKey ? ByteView(hmacKey) : ByteView(z), input);
            wipe(input);
            if (!key) return code(SCARD_E_UNEXPECTED);
            PBYTE p = allocCopy(ctx, *key);
            wipe(*key);
            if (!p) return code(SCARD_E_NO_MEMORY);
            pInfo->pbDerivedKey = p;
        }
        pInfo->cbDerivedKey = static_cast<DWORD>(outLen);
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardDestroyDhAgreement(PCARD_DATA pCardData, BYTE bSecretAgreementIndex, DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (dwFlags != 0 || bSecretAgreementIndex >= ctx.agreements.size() ||
            ctx.agreements[bSecretAgreementIndex].empty())
            return code(SCARD_E_INVALID_PARAMETER);
        wipe(ctx.agreements[bSecretAgreementIndex]);
        ctx.agreements[bSecretAgreementIndex].clear();
        return SCARD_S_SUCCESS;
    });
}

}  // namespace md
