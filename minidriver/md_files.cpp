// The virtual card file system (spec §7), synthesised from the card application (PIV, OpenPGP): cardid, cardcf, cardapps,
// mscp/cmapfile and mscp/kscNN / kxcNN certificates. Plus free space, capabilities and key sizes.
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>

#include "minidriver/md_context.h"
#include "minidriver/md_functions.h"

namespace md {
namespace {

bool isSignatureSpec(DWORD spec) { return spec == AT_SIGNATURE || (spec >= AT_ECDSA_P256 && spec <= AT_ECDSA_P521); }

std::string certFileName(const Container& c) {
    char name[8];
    std::snprintf(name, sizeof name, "%s%02u", isSignatureSpec(c.keySpec) ? "ksc" : "kxc", unsigned(c.index));
    return name;
}

// 86-byte CONTAINER_MAP_RECORD per container index, serialised in the Windows wire layout.
Bytes containerMap(Context& ctx) {
    Bytes out(std::size_t(ctx.maxContainers()) * CONTAINER_MAP_RECORD_SIZE, 0);
    // The profile's preferred default (PIV 9A, OpenPGP AUT: the logon keys) when it holds a key, else the
    // lowest index.
    bool haveDefault = false;
    const BYTE preferred = ctx.profile().preferredDefault;
    for (const auto& c : *ctx.containers) haveDefault = haveDefault || c.index == preferred;
    for (const auto& c : *ctx.containers) {
        BYTE* rec = out.data() + std::size_t(c.index) * CONTAINER_MAP_RECORD_SIZE;
        const std::string guid = containerName(ctx, c.index);
        for (std::size_t i = 0; i < guid.size() && i < MAX_CONTAINER_NAME_LEN; ++i) rec[2 * i] = BYTE(guid[i]);
        rec[80] = CONTAINER_MAP_VALID_CONTAINER;
        if (haveDefault ? c.index == preferred : c.index == ctx.containers->front().index) {
            rec[80] |= CONTAINER_MAP_DEFAULT_CONTAINER;
        }
        const std::size_t sizeOff = isSignatureSpec(c.keySpec) ? 82 : 84;
        rec[sizeOff] = BYTE(c.bits & 0xFF);
        rec[sizeOff + 1] = BYTE(c.bits >> 8);
    }
    return out;
}

}  // namespace

std::string lowerName(const char* s) {
    std::string r = s ? s : "";
    for (auto& ch : r) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return r;
}

int certFileIndex(const std::string& f, BYTE maxContainers) {
    if (f.size() != 5 || (f.compare(0, 3, "ksc") != 0 && f.compare(0, 3, "kxc") != 0)) return -1;
    if (!std::isdigit(static_cast<unsigned char>(f[3])) || !std::isdigit(static_cast<unsigned char>(f[4]))) return -1;
    const int idx = (f[3] - '0') * 10 + (f[4] - '0');
    return idx < maxContainers ? idx : -1;
}

std::string containerName(const Context& ctx, BYTE index) {
    std::string name;
    static const char* hex = "0123456789abcdef";
    for (BYTE b : ctx.cardId) {
        name.push_back(hex[b >> 4]);
        name.push_back(hex[b & 15]);
    }
    return name + '-' + ctx.profile().names[index];
}

Bytes cacheFile(const Context& ctx) {
    return {1, ctx.pinsFreshness, BYTE(ctx.containersFreshness & 0xFF), BYTE(ctx.containersFreshness >> 8),
            BYTE(ctx.filesFreshness & 0xFF), BYTE(ctx.filesFreshness >> 8)};
}

DWORD readVirtualFile(Context& ctx, const char* dirName, const char* fileName, Bytes& out,
                      CARD_FILE_ACCESS_CONDITION* ac) {
    const std::string dir = lowerName(dirName), file = lowerName(fileName);
    if (file.empty()) return code(SCARD_E_INVALID_PARAMETER);
    CARD_FILE_ACCESS_CONDITION access = EveryoneReadUserWriteAc;
    if (dir.empty()) {
        if (file == szCARD_IDENTIFIER_FILE) {
            out = ctx.cardId;
            access = EveryoneReadAdminWriteAc;
        } else if (file == szCACHE_FILE) {
            out = cacheFile(ctx);
        } else if (file == szCARD_APPS) {
            out = {'m', 's', 'c', 'p', 0, 0, 0, 0};
            access = EveryoneReadAdminWriteAc;
        } else {
            return code(SCARD_E_FILE_NOT_FOUND);
        }
    } else if (dir == szBASE_CSP_DIR) {
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error()) == code(SCARD_E_NO_KEY_CONTAINER) ? code(SCARD_E_COMM_DATA_LOST)
                                                                                     : toScard(ctx, list.error());
        if (file == szCONTAINER_MAP_FILE) {
            out = ctx.containerMap ? *ctx.containerMap : containerMap(ctx);
        } else {
            Container* found = nullptr;
            for (auto& c : *ctx.containers)
                if (c.key.hasCertificate && certFileName(c) == file) found = &c;
            if (!found) return code(SCARD_E_FILE_NOT_FOUND);
            if (found->key.certificate.empty()) {
                // Not read with the key list (OpenPGP 7F21): read now, kept for this context.
                auto cert = ctx.card->app().certificate(found->keyRef);
                if (!cert) return toScard(ctx, cert.error());
                if (!*cert) return code(SCARD_E_FILE_NOT_FOUND);
                found->key.certificate = std::move(**cert);
            }
            out = found->key.certificate;  // plain DER: fCertificateCompression = TRUE
        }
    } else {
        return code(SCARD_E_DIR_NOT_FOUND);
    }
    if (ac) *ac = access;
    return SCARD_S_SUCCESS;
}

DWORD WINAPI cardReadFile(PCARD_DATA pCardData, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD dwFlags,
                          PBYTE* ppbData, PDWORD pcbData) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pszFileName || !ppbData || !pcbData || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        Bytes content;
        if (DWORD rc = readVirtualFile(ctx, pszDirectoryName, pszFileName, content, nullptr)) return rc;
        PBYTE p = allocCopy(ctx, content);
        if (!p) return code(SCARD_E_NO_MEMORY);
        *ppbData = p;
        *pcbData = static_cast<DWORD>(content.size());
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardEnumFiles(PCARD_DATA pCardData, LPSTR pszDirectoryName, LPSTR* pmszFileNames, LPDWORD pdwcbFileName,
                           DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pmszFileNames || !pdwcbFileName) return code(SCARD_E_INVALID_PARAMETER);
        *pmszFileNames = nullptr;
        if (dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        const std::string dir = lowerName(pszDirectoryName);
        std::string names;
        if (dir.empty()) {
            names = std::string(szCARD_IDENTIFIER_FILE) + '\0' + szCACHE_FILE + '\0' + szCARD_APPS + '\0';
        } else if (dir == szBASE_CSP_DIR) {
            auto list = ctx.loadContainers();
            if (!list) return toScard(ctx, list.error());
            names = std::string(szCONTAINER_MAP_FILE) + '\0';
            for (const auto& c : **list)
                if (c.key.hasCertificate) names += certFileName(c) + '\0';
        } else {
            return code(SCARD_E_DIR_NOT_FOUND);
        }
        names.push_back('\0');
        PBYTE p = allocCopy(ctx, ByteView(reinterpret_cast<const BYTE*>(names.data()), names.size()));
        if (!p) return code(SCARD_E_NO_MEMORY);
        *pmszFileNames = reinterpret_cast<LPSTR>(p);
        *pdwcbFileName = static_cast<DWORD>(names.size());
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardGetFileInfo(PCARD_DATA pCardData, LPSTR pszDirectoryName, LPSTR pszFileName,
                             PCARD_FILE_INFO pCardFileInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pszFileName || !pCardFileInfo) return code(SCARD_E_INVALID_PARAMETER);
        if (pCardFileInfo->dwVersion > CARD_FILE_INFO_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        Bytes content;
        CARD_FILE_ACCESS_CONDITION ac = InvalidAc;
        if (DWORD rc = readVirtualFile(ctx, pszDirectoryName, pszFileName, content, &ac)) return rc;
        pCardFileInfo->dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
        pCardFileInfo->cbFileSize = static_cast<DWORD>(content.size());
        pCardFileInfo->AccessCondition = ac;
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardQueryFreeSpace(PCARD_DATA pCardData, DWORD dwFlags, PCARD_FREE_SPACE_INFO pInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pInfo || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->dwVersion > CARD_FREE_SPACE_INFO_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error());
        pInfo->dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
        pInfo->dwBytesAvailable = CARD_DATA_VALUE_UNKNOWN;
        pInfo->dwKeyContainersAvailable = static_cast<DWORD>(ctx.maxContainers() - (*list)->size());
        pInfo->dwMaxKeyContainers = ctx.maxContainers();
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardQueryCapabilities(PCARD_DATA pCardData, PCARD_CAPABILITIES pCaps) {
    return guarded(pCardData, [&](Context&) -> DWORD {
        if (!pCaps) return code(SCARD_E_INVALID_PARAMETER);
        if (pCaps->dwVersion > CARD_CAPABILITIES_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        pCaps->dwVersion = CARD_CAPABILITIES_CURRENT_VERSION;
        pCaps->fCertificateCompression = TRUE;  // we serve plain DER (the PIV layer (de)compresses)
        pCaps->fKeyGen = TRUE;
        return SCARD_S_SUCCESS;
    });
}

DWORD WINAPI cardQueryKeySizes(PCARD_DATA pCardData, DWORD dwKeySpec, DWORD dwFlags, PCARD_KEY_SIZES pSizes) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pSizes || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (pSizes->dwVersion > CARD_KEY_SIZES_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        DWORD minBits = 0, defBits = 0, maxBits = 0, inc = 0;
        switch (dwKeySpec) {
            case AT_SIGNATURE:
            case AT_KEYEXCHANGE:
                minBits = ctx.profile().rsaMinBits;  // PIV 1024, OpenPGP 2048
                defBits = 2048;
                maxBits = ctx.profile().rsaMaxBits;
                inc = 1024;
                break;
            case AT_ECDSA_P256:
            case AT_ECDHE_P256: minBits = defBits = maxBits = 256; break;
            case AT_ECDSA_P384:
            case AT_ECDHE_P384: minBits = defBits = maxBits = 384; break;
            default: return code(SCARD_E_UNSUPPORTED_FEATURE);
        }
        pSizes->dwVersion = CARD_KEY_SIZES_CURRENT_VERSION;
        pSizes->dwMinimumBitlen = minBits;
        pSizes->dwDefaultBitlen = defBits;
        pSizes->dwMaximumBitlen = maxBits;
        pSizes->dwIncrementalBitlen = inc;
        return SCARD_S_SUCCESS;
    });
}

}  // namespace md
