// CardSignData and CardRSADecrypt (spec §10.1, §10.2): padding on the host, raw RSA / ECDSA on the card.
// RSA signatures and raw RSA blocks cross the interface little-endian; ECDSA is big-endian r || s.
// OpenPGP cards pad RSA themselves (PKCS#1 v1.5 only): what they cannot do is refused up front with
// SCARD_E_UNSUPPORTED_FEATURE (profileRefuses), never done in software.
#include <algorithm>
#include <cstring>
#include <cwchar>
#include <optional>

#include "minidriver/md_crypto.h"
#include "minidriver/md_functions.h"

namespace md {
namespace {

std::optional<Hash> hashFromCalg(ALG_ID alg) {
    switch (alg) {
        case CALG_MD5: return Hash::Md5;
        case CALG_SHA1: return Hash::Sha1;
        case CALG_SHA_256: return Hash::Sha256;
        case CALG_SHA_384: return Hash::Sha384;
        case CALG_SHA_512: return Hash::Sha512;
        default: return std::nullopt;
    }
}

std::optional<Hash> hashFromName(LPCWSTR name) {
    if (!name) return std::nullopt;
    if (std::wcscmp(name, L"SHA1") == 0) return Hash::Sha1;
    if (std::wcscmp(name, L"SHA256") == 0) return Hash::Sha256;
    if (std::wcscmp(name, L"SHA384") == 0) return Hash::Sha384;
    if (std::wcscmp(name, L"SHA512") == 0) return Hash::Sha512;
    if (std::wcscmp(name, L"MD5") == 0) return Hash::Md5;
    return std::nullopt;
}

bool isRsaSpec(DWORD spec) { return spec == AT_SIGNATURE || spec == AT_KEYEXCHANGE; }
bool isEcSpec(DWORD spec) { return spec >= AT_ECDSA_P256 && spec <= AT_ECDHE_P521; }

// The k-byte block to sign for an RSA key, or an error code.
DWORD rsaBlock(const CARD_SIGNING_INFO& in, std::size_t k, Bytes& block) {
    const ByteView data(in.pbData, in.cbData);
    const bool v2 = in.dwVersion >= CARD_SIGNING_INFO_CURRENT_VERSION;
    Bytes payload;  // DigestInfo || hash, bare hash, or raw data for EMSA-PKCS1-v1_5
    if (in.dwSigningFlags & CARD_PADDING_INFO_PRESENT) {
        if (!v2) return code(SCARD_E_INVALID_PARAMETER);
        switch (in.dwPaddingType) {
            case CARD_PADDING_NONE:
                if (data.size() != k) return code(SCARD_E_INVALID_PARAMETER);
                block.assign(data.begin(), data.end());
                return SCARD_S_SUCCESS;
            case CARD_PADDING_PKCS1: {
                const auto* info = static_cast<const BCRYPT_PKCS1_PADDING_INFO*>(in.pPaddingInfo);
                if (!info) return code(SCARD_E_INVALID_PARAMETER);
                if (info->pszAlgId) {  // NULL: no DigestInfo
                    auto h = hashFromName(info->pszAlgId);
                    if (!h) return code(NTE_BAD_ALGID);
                    if (data.size() != hashSize(*h)) return code(SCARD_E_INVALID_PARAMETER);
                    core::append(payload, digestInfoPrefix(*h));
                }
                core::append(payload, data);
                break;
            }
            case CARD_PADDING_PSS: {
                const auto* info = static_cast<const BCRYPT_PSS_PADDING_INFO*>(in.pPaddingInfo);
                if (!info) return code(SCARD_E_INVALID_PARAMETER);
                auto h = hashFromName(info->pszAlgId);
                if (!h || *h == Hash::Md5) return code(NTE_BAD_ALGID);
                if (data.size() != hashSize(*h)) return code(SCARD_E_INVALID_PARAMETER);
                auto em = pssEncode(data, *h, info->cbSalt, k * 8);
                if (!em) return code(SCARD_E_INVALID_PARAMETER);
                block = std::move(*em);
                return SCARD_S_SUCCESS;
            }
            default: return code(SCARD_E_INVALID_PARAMETER);
        }
    } else if (in.aiHashAlg == 0) {
        core::append(payload, data);
    } else if (in.aiHashAlg == CALG_SSL3_SHAMD5) {
        if (data.size() != 36) return code(SCARD_E_INVALID_PARAMETER);
        core::append(payload, data);
    } else {
        auto h = hashFromCalg(in.aiHashAlg);
        if (!h) return code(NTE_BAD_ALGID);
        if (data.size() != hashSize(*h)) return code(SCARD_E_INVALID_PARAMETER);
        if (!(in.dwSigningFlags & CRYPT_NOHASHOID)) core::append(payload, digestInfoPrefix(*h));
        core::append(payload, data);
    }
    if (payload.size() + 11 > k) return code(SCARD_E_INVALID_PARAMETER);
    block = {0x00, 0x01};
    block.insert(block.end(), k - 3 - payload.size(), 0xFF);
    block.push_back(0x00);
    core::append(block, payload);
    return SCARD_S_SUCCESS;
}

// Paddings the card application cannot produce for this key (OpenPGP: PSS, raw RSA, and a PKCS#1 v1.5
// signature without DigestInfo on the SIG key, whose PSO:CDS takes a DigestInfo only).
bool profileRefuses(const CardProfile& p, uint8_t keyRef, const CARD_SIGNING_INFO& in) {
    if (p.kind == CardKind::Piv) return false;
    bool hashOid = true;
    if (in.dwSigningFlags & CARD_PADDING_INFO_PRESENT) {
        if (in.dwPaddingType == CARD_PADDING_PSS || in.dwPaddingType == CARD_PADDING_NONE) return true;
        const auto* info = static_cast<const BCRYPT_PKCS1_PADDING_INFO*>(in.pPaddingInfo);
        hashOid = in.dwPaddingType != CARD_PADDING_PKCS1 || !info || info->pszAlgId != nullptr;
    } else {
        hashOid = in.aiHashAlg != 0 && in.aiHashAlg != CALG_SSL3_SHAMD5 && !(in.dwSigningFlags & CRYPT_NOHASHOID);
    }
    return !hashOid && !p.rawPkcs1Sign(keyRef);
}

}  // namespace

DWORD WINAPI cardSignData(PCARD_DATA pCardData, PCARD_SIGNING_INFO pInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pInfo) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->dwVersion > CARD_SIGNING_INFO_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        constexpr DWORD kKnownFlags = CARD_BUFFER_SIZE_ONLY | CARD_PADDING_INFO_PRESENT | CRYPT_NOHASHOID;
        if (!pInfo->pbData || pInfo->cbData == 0 || (pInfo->dwSigningFlags & ~kKnownFlags))
            return code(SCARD_E_INVALID_PARAMETER);
        if (!isRsaSpec(pInfo->dwKeySpec) && !(pInfo->dwKeySpec >= AT_ECDSA_P256 && pInfo->dwKeySpec <= AT_ECDSA_P521))
            return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_NO_KEY_CONTAINER);
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error());
        const Container* c = ctx.findContainer(pInfo->bContainerIndex);
        if (!c) return code(SCARD_E_NO_KEY_CONTAINER);
        const bool rsa = isRsaSpec(c->keySpec);
        if (rsa != isRsaSpec(pInfo->dwKeySpec) || (!rsa && !isEcSpec(c->keySpec))) return code(SCARD_E_INVALID_PARAMETER);
        const CardProfile& profile = ctx.profile();
        if (!profile.canSign(c->keyRef)) return code(SCARD_E_UNSUPPORTED_FEATURE);  // OpenPGP DEC: decrypts only
        if (rsa && profileRefuses(profile, c->keyRef, *pInfo)) return code(SCARD_E_UNSUPPORTED_FEATURE);

        const std::size_t field = (c->bits + 7) / 8;
        const std::size_t sigLen = rsa ? field : 2 * field;
        Bytes sig;
        if (!(pInfo->dwSigningFlags & CARD_BUFFER_SIZE_ONLY)) {
            if (rsa) {
                Bytes block;
                if (DWORD rc = rsaBlock(*pInfo, field, block)) return rc;
                auto r = ctx.card->app().sign(c->keyRef, block);
                if (!r) return toScard(ctx, r.error());
                sig.assign(r->rbegin(), r->rend());  // CAPI wants little-endian
            } else {
                auto r = ctx.card->app().sign(c->keyRef, ByteView(pInfo->pbData, pInfo->cbData));
                if (!r) return toScard(ctx, r.error());
                auto raw = ecdsaDerToRaw(*r, field);
                if (!raw) return code(SCARD_E_UNEXPECTED);
                sig = std::move(*raw);
            }
            // PW1 "valid for one signature" was spent by this one: the signature role is no longer
            // authenticated (ROLE_USER, PW1 for the other keys, still is).
            if (c->key.pinPolicy == cardapp::PinPolicy::Always && profile.signatureRole != 0)
                ctx.authenticated &= ~CREATE_PIN_SET(profile.signatureRole);
            if (sig.size() != sigLen) return code(SCARD_E_UNEXPECTED);
            PBYTE p = allocCopy(ctx, sig);
            if (!p) return code(SCARD_E_NO_MEMORY);
            pInfo->pbSignedData = p;
        }
        pInfo->cbSignedData = static_cast<DWORD>(sigLen);
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardRsaDecrypt(PCARD_DATA pCardData, PCARD_RSA_DECRYPT_INFO pInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pInfo) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->dwVersion > CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO) return code(ERROR_REVISION_MISMATCH);
        // A v7 CSP passes the v2 structure; a v1 one from it means a layout mismatch (OpenSC does the same).
        if (ctx.version >= CARD_DATA_VERSION_SEVEN && pInfo->dwVersion < CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO)
            return code(ERROR_REVISION_MISMATCH);
        if (!pInfo->pbData || pInfo->dwKeySpec != AT_KEYEXCHANGE) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_NO_KEY_CONTAINER);
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error());
        const Container* c = ctx.findContainer(pInfo->bContainerIndex);
        if (!c || c->keySpec != AT_KEYEXCHANGE) return code(SCARD_E_NO_KEY_CONTAINER);
        const std::size_t k = c->bits / 8;
        if (pInfo->cbData < k) return code(SCARD_E_INSUFFICIENT_BUFFER);
        if (pInfo->cbData > k) return code(SCARD_E_INVALID_PARAMETER);
        const bool v2 = pInfo->dwVersion >= CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO;
        const DWORD padding = v2 ? pInfo->dwPaddingType : DWORD(CARD_PADDING_NONE);
        if (padding != CARD_PADDING_NONE && padding != CARD_PADDING_PKCS1 && padding != CARD_PADDING_OAEP)
            return code(SCARD_E_INVALID_PARAMETER);
        if (!ctx.profile().rsaRawDecrypt) {
            // OpenPGP: PSO:DECIPHER checks and removes PKCS#1 v1.5 padding on the card; raw and OAEP
            // blocks are impossible there.
            if (padding != CARD_PADDING_PKCS1) return code(SCARD_E_UNSUPPORTED_FEATURE);
            Bytes cipher(std::make_reverse_iterator(pInfo->pbData + k), std::make_reverse_iterator(pInfo->pbData));
            auto plain = ctx.card->decipherPlain(c->keyRef, cipher);
            if (!plain) return plain.error().code == core::Errc::IncorrectData ? code(NTE_BAD_DATA)
                                                                                : toScard(ctx, plain.error());
            if (plain->size() > k) return code(SCARD_E_UNEXPECTED);
            std::memcpy(pInfo->pbData, plain->data(), plain->size());
            pInfo->cbData = static_cast<DWORD>(plain->size());
            wipe(*plain);
            return SCARD_S_SUCCESS;
        }

        Bytes cipher(std::make_reverse_iterator(pInfo->pbData + k), std::make_reverse_iterator(pInfo->pbData));
        auto block = ctx.card->app().decipher(c->keyRef, cipher);
        if (!block) return toScard(ctx, block.error());
        if (block->size() != k) return code(SCARD_E_UNEXPECTED);
        Bytes out;
        if (padding == CARD_PADDING_NONE) {
            out.assign(block->rbegin(), block->rend());
        } else if (padding == CARD_PADDING_PKCS1) {
            auto m = pkcs1DecryptUnpad(*block);
            if (!m) return code(NTE_BAD_DATA);
            out = std::move(*m);
        } else {
            const auto* info = static_cast<const BCRYPT_OAEP_PADDING_INFO*>(pInfo->pPaddingInfo);
            if (!info) return code(SCARD_E_INVALID_PARAMETER);
            auto h = hashFromName(info->pszAlgId);
            if (!h) return code(NTE_BAD_ALGID);
            auto m = oaepDecode(*block, *h, ByteView(info->pbLabel, info->pbLabel ? info->cbLabel : 0));
            if (!m) return code(NTE_BAD_DATA);
            out = std::move(*m);
        }
        wipe(*block);
        std::memcpy(pInfo->pbData, out.data(), out.size());  // in place: out.size() <= k
        pInfo->cbData = static_cast<DWORD>(out.size());
        wipe(out);
        return SCARD_S_SUCCESS;
    });
}

}  // namespace md
