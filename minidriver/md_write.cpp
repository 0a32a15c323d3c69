// Enrolment: CardCreateContainer(Ex) with on-card key generation, certificate files written to the
// PIV certificate objects / OpenPGP 7F21 of the key, and the CSP-owned cardcf / cmapfile kept in the
// context (neither card has a place for them: hence CP_CACHE_MODE_NO_CACHE). Every change we make bumps
// the cardcf counters. The card enforces ROLE_ADMIN (PIV management key, OpenPGP PW3) for key generation
// and certificate writes.
#include "minidriver/md_functions.h"

namespace md {
namespace {

// OpenPGP keys have fixed roles: the DEC slot takes AT_KEYEXCHANGE / ECDH, SIG and AUT sign.
bool specFitsSlot(const CardProfile& p, uint8_t keyRef, DWORD keySpec) {
    if (p.kind == CardKind::Piv) return true;
    const bool rsa = keySpec == AT_SIGNATURE || keySpec == AT_KEYEXCHANGE;
    if (rsa) return p.rsaSpec(keyRef) == keySpec;
    const bool ecdh = keySpec >= AT_ECDHE_P256 && keySpec <= AT_ECDHE_P521;
    return ecdh == p.ecdhKey(keyRef);
}

std::optional<cardapp::KeyAlgorithm> algorithmFor(DWORD keySpec, DWORD keySize) {
    using cardapp::KeyAlgorithm;
    switch (keySpec) {
        case AT_KEYEXCHANGE:
        case AT_SIGNATURE:
            switch (keySize) {
                case 1024: return KeyAlgorithm::Rsa1024;
                case 0:
                case 2048: return KeyAlgorithm::Rsa2048;
                case 3072: return KeyAlgorithm::Rsa3072;
                case 4096: return KeyAlgorithm::Rsa4096;
                default: return std::nullopt;
            }
        case AT_ECDSA_P256:
        case AT_ECDHE_P256: return (keySize == 0 || keySize == 256) ? std::optional(KeyAlgorithm::EcP256) : std::nullopt;
        case AT_ECDSA_P384:
        case AT_ECDHE_P384: return (keySize == 0 || keySize == 384) ? std::optional(KeyAlgorithm::EcP384) : std::nullopt;
        default: return std::nullopt;
    }
}

void changed(Context& ctx, bool containers, bool files) {
    ctx.containers.reset();  // re-read from the card on next use
    if (containers) ++ctx.containersFreshness;
    if (files) ++ctx.filesFreshness;
}

}  // namespace

DWORD WINAPI cardCreateContainerEx(PCARD_DATA pCardData, BYTE bContainerIndex, DWORD dwFlags, DWORD dwKeySpec,
                                   DWORD dwKeySize, PBYTE pbKeyData, PIN_ID PinId) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (dwFlags == CARD_CREATE_CONTAINER_KEY_IMPORT) return code(SCARD_E_UNSUPPORTED_FEATURE);
        if (dwFlags != CARD_CREATE_CONTAINER_KEY_GEN) return code(SCARD_E_INVALID_PARAMETER);
        (void)pbKeyData;  // only used for import
        if (bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_INVALID_PARAMETER);
        const CardProfile& p = ctx.profile();
        const uint8_t keyRef = p.keyRefs[bContainerIndex];
        // The PIN guarding the new key: ROLE_USER, or on OpenPGP the SIG key's own signature role.
        if (PinId != ROLE_USER && PinId != p.pinRole(keyRef)) return code(SCARD_E_INVALID_PARAMETER);
        auto alg = algorithmFor(dwKeySpec, dwKeySize);
        if (!alg || !specFitsSlot(p, keyRef, dwKeySpec)) return code(SCARD_E_INVALID_PARAMETER);
        if (cardapp::isRsa(*alg) && cardapp::rsaModulusBytes(*alg) * 8 < p.rsaMinBits)
            return code(SCARD_E_UNSUPPORTED_FEATURE);
        auto key = ctx.card->app().generateKey(keyRef, *alg);
        changed(ctx, true, false);
        if (!key) return toScard(ctx, key.error());
        ctx.requestedSpecs[bContainerIndex] = dwKeySpec;
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardCreateContainer(PCARD_DATA pCardData, BYTE bContainerIndex, DWORD dwFlags, DWORD dwKeySpec,
                                 DWORD dwKeySize, PBYTE pbKeyData) {
    return cardCreateContainerEx(pCardData, bContainerIndex, dwFlags, dwKeySpec, dwKeySize, pbKeyData, ROLE_USER);
}

DWORD WINAPI cardCreateFile(PCARD_DATA pCardData, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD cbInitialCreationSize,
                            CARD_FILE_ACCESS_CONDITION AccessCondition) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        (void)cbInitialCreationSize;
        (void)AccessCondition;
        if (!pszFileName) return code(SCARD_E_INVALID_PARAMETER);
        // Only certificate files can exist besides the fixed ones; they live in the key's certificate
        // object (PIV object, OpenPGP 7F21), which CardWriteFile fills.
        if (lowerName(pszDirectoryName) != szBASE_CSP_DIR) return code(SCARD_E_UNSUPPORTED_FEATURE);
        if (certFileIndex(lowerName(pszFileName), ctx.maxContainers()) < 0) return code(SCARD_E_UNSUPPORTED_FEATURE);
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardWriteFile(PCARD_DATA pCardData, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD dwFlags, PBYTE pbData,
                           DWORD cbData) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pszFileName || !pbData || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        const std::string dir = lowerName(pszDirectoryName), file = lowerName(pszFileName);
        const ByteView data(pbData, cbData);
        if (dir.empty()) {
            if (file == szCACHE_FILE) {
                if (data.size() < CARD_CACHE_FILE_SIZE) return code(SCARD_E_INVALID_PARAMETER);
                ctx.pinsFreshness = data[1];
                ctx.containersFreshness = WORD(data[2] | data[3] << 8);
                ctx.filesFreshness = WORD(data[4] | data[5] << 8);
                return SCARD_S_SUCCESS;
            }
            if (file == szCARD_IDENTIFIER_FILE || file == szCARD_APPS) return code(SCARD_W_SECURITY_VIOLATION);
            return code(SCARD_E_FILE_NOT_FOUND);
        }
        if (dir != szBASE_CSP_DIR) return code(SCARD_E_DIR_NOT_FOUND);
        if (file == szCONTAINER_MAP_FILE) {
            ctx.containerMap = Bytes(data.begin(), data.end());
            ++ctx.containersFreshness;
            return SCARD_S_SUCCESS;
        }
        const int index = certFileIndex(file, ctx.maxContainers());
        if (index < 0) return code(SCARD_E_FILE_NOT_FOUND);
        auto st = ctx.card->app().writeCertificate(ctx.profile().keyRefs[index], data);
        changed(ctx, false, true);
        if (!st) return st.error().code == core::Errc::InvalidArgument ? code(SCARD_E_INVALID_PARAMETER)
                                                                       : toScard(ctx, st.error());
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardDeleteFile(PCARD_DATA pCardData, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pszFileName || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (lowerName(pszDirectoryName) != szBASE_CSP_DIR) return code(SCARD_E_UNSUPPORTED_FEATURE);
        const int index = certFileIndex(lowerName(pszFileName), ctx.maxContainers());
        if (index < 0) return code(SCARD_E_UNSUPPORTED_FEATURE);
        auto st = ctx.card->app().deleteCertificate(ctx.profile().keyRefs[index]);
        changed(ctx, false, true);
        if (!st) return toScard(ctx, st.error());
        return SCARD_S_SUCCESS;
    });
}

}  // namespace md
