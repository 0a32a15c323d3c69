// ROLE_ADMIN = the PIV card management key (9B), as the spec's challenge-response PIN: CardGetChallenge
// returns an 8-byte card challenge (GENERAL AUTHENTICATE, 81 empty) and CardAuthenticateChallenge sends
// the CSP's 3DES encryption of it (82). Only 3DES management keys fit the interface (spec §6.3).
#include <cstring>

#include "minidriver/md_functions.h"

namespace md {
namespace {

constexpr uint8_t kAlg3Des = 0x03;
constexpr uint8_t kMgmtKeyRef = 0x9B;
constexpr std::size_t kBlock = 8;

core::Result<Bytes> transmit(Context& ctx, const Bytes& apdu, uint16_t& sw) {
    auto r = ctx.card->rawTransport().transmit(apdu);
    if (!r) return r;
    if (r->size() < 2) return core::fail(core::Errc::Malformed, "short response");
    sw = uint16_t((*r)[r->size() - 2] << 8 | (*r)[r->size() - 1]);
    r->resize(r->size() - 2);
    return r;
}

}  // namespace

DWORD adminChallenge(Context& ctx, PBYTE* ppbChallengeData, PDWORD pcbChallengeData) {
    if (!ppbChallengeData || !pcbChallengeData) return code(SCARD_E_INVALID_PARAMETER);
    uint16_t sw = 0;
    const Bytes apdu = {0x00, 0x87, kAlg3Des, kMgmtKeyRef, 0x04, 0x7C, 0x02, 0x81, 0x00, 0x00};
    auto r = transmit(ctx, apdu, sw);
    if (!r) return toScard(ctx, r.error());
    if (sw != 0x9000 || r->size() != 4 + kBlock || (*r)[0] != 0x7C || (*r)[2] != 0x81 || (*r)[3] != kBlock)
        return code(SCARD_E_UNEXPECTED);
    PBYTE p = allocCopy(ctx, ByteView(*r).subspan(4));
    if (!p) return code(SCARD_E_NO_MEMORY);
    *ppbChallengeData = p;
    *pcbChallengeData = kBlock;
    return SCARD_S_SUCCESS;
}

DWORD adminResponse(Context& ctx, PBYTE pbResponseData, DWORD cbResponseData) {
    if (!pbResponseData || cbResponseData != kBlock) return code(SCARD_E_INVALID_PARAMETER);
    Bytes apdu = {0x00, 0x87, kAlg3Des, kMgmtKeyRef, 0x0C, 0x7C, 0x0A, 0x82, 0x08};
    apdu.insert(apdu.end(), pbResponseData, pbResponseData + kBlock);
    uint16_t sw = 0;
    auto r = transmit(ctx, apdu, sw);
    if (!r) return toScard(ctx, r.error());
    if (sw == 0x6982 || sw == 0x6A80 || sw == 0x6300) return code(SCARD_W_WRONG_CHV);
    if (sw == 0x6983) return code(SCARD_W_CHV_BLOCKED);
    if (sw != 0x9000) return code(SCARD_E_UNEXPECTED);
    ctx.authenticated |= CREATE_PIN_SET(ROLE_ADMIN);
    return SCARD_S_SUCCESS;
}

DWORD WINAPI cardGetChallenge(PCARD_DATA pCardData, PBYTE* ppbChallengeData, PDWORD pcbChallengeData) {
    return guarded(pCardData, [&](Context& ctx) { return adminChallenge(ctx, ppbChallengeData, pcbChallengeData); });
}

DWORD WINAPI cardAuthenticateChallenge(PCARD_DATA pCardData, PBYTE pbResponseData, DWORD cbResponseData,
                                       PDWORD pcAttemptsRemaining) {
    return guarded(pCardData, [&](Context& ctx) {
        if (pcAttemptsRemaining) *pcAttemptsRemaining = CARD_DATA_VALUE_UNKNOWN;  // 9B has no retry counter
        return adminResponse(ctx, pbResponseData, cbResponseData);
    });
}

DWORD WINAPI cardGetChallengeEx(PCARD_DATA pCardData, PIN_ID PinId, PBYTE* ppbChallengeData, PDWORD pcbChallengeData,
                                DWORD dwFlags) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (PinId != ROLE_ADMIN || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        return adminChallenge(ctx, ppbChallengeData, pcbChallengeData);
    });
}

}  // namespace md
