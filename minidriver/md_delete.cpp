// CardDeleteContainer: the container's key and certificate go away, its cmapfile record is cleared and
// the cardcf counters move. PIV itself cannot delete a key; YubiKey 5.7+ can (Yubico MOVE KEY with
// P1 = FF, management key required). The key goes first: on a card without the command nothing is
// touched (SCARD_E_UNSUPPORTED_FEATURE, certificate left in place), so a container never ends up as a
// certificate without its key or the reverse because of a missing feature.
#include <algorithm>

#include "minidriver/md_functions.h"

namespace md {
namespace {

constexpr uint8_t kInsMoveKey = 0xF6;
constexpr uint8_t kDeleteP1 = 0xFF;

DWORD deleteKey(Context& ctx, uint8_t slot) {
    uint16_t sw = 0;
    auto r = rawVendorApdu(ctx, {0x00, kInsMoveKey, kDeleteP1, slot}, sw);
    if (!r) return toScard(ctx, r.error());
    switch (sw) {
        case 0x9000:
        case 0x6A88:  // no key there (a certificate alone): nothing to delete
            return SCARD_S_SUCCESS;
        case 0x6982: return code(SCARD_W_SECURITY_VIOLATION);  // ROLE_ADMIN not authenticated
        default: return unknownInstruction(sw) || sw == 0x6A86 ? code(SCARD_E_UNSUPPORTED_FEATURE)
                                                               : code(SCARD_E_UNEXPECTED);
    }
}

// The CSP's cmapfile copy (if it wrote one in this context): the record zeroed, as the CSP expects.
void clearMapRecord(Context& ctx, BYTE index) {
    if (!ctx.containerMap) return;
    const std::size_t at = std::size_t(index) * CONTAINER_MAP_RECORD_SIZE;
    if (at + CONTAINER_MAP_RECORD_SIZE > ctx.containerMap->size()) return;
    std::fill_n(ctx.containerMap->begin() + std::ptrdiff_t(at), CONTAINER_MAP_RECORD_SIZE, 0);
}

}  // namespace

DWORD WINAPI cardDeleteContainer(PCARD_DATA pCardData, BYTE bContainerIndex, DWORD dwReserved) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (dwReserved != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_NO_KEY_CONTAINER);
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error());
        if (!ctx.findContainer(bContainerIndex)) return code(SCARD_E_NO_KEY_CONTAINER);
        // OpenPGP has no command that deletes one key (only TERMINATE/ACTIVATE of the whole application).
        if (!ctx.profile().canDeleteKeys) return code(SCARD_E_UNSUPPORTED_FEATURE);
        const uint8_t slot = ctx.profile().keyRefs[bContainerIndex];
        const DWORD keyRc = deleteKey(ctx, slot);
        if (keyRc != SCARD_S_SUCCESS) return keyRc;
        ctx.containers.reset();
        ++ctx.containersFreshness;
        ctx.requestedSpecs.erase(bContainerIndex);
        clearMapRecord(ctx, bContainerIndex);
        auto st = ctx.card->app().deleteCertificate(slot);
        ++ctx.filesFreshness;
        if (!st) return toScard(ctx, st.error());
        return SCARD_S_SUCCESS;
    });
}

}  // namespace md
