// ROLE_ADMIN = the PIV card management key (9B), as the spec's challenge-response PIN: CardGetChallenge
// returns a card challenge (GENERAL AUTHENTICATE, 81 empty) and CardAuthenticateChallenge sends the
// CSP's encryption of it (82). The key may be 3DES (8-byte blocks) or, on cards that allow it (YubiKey
// 5.4+), AES-128/192/256 (16-byte blocks): the algorithm comes from GET METADATA 9B where the card has
// it, else 3DES (the PIV default). Challenge and response sizes follow the block size.
#include <cstring>

#include "minidriver/md_functions.h"

namespace md {
namespace {

constexpr uint8_t kAlg3Des = 0x03;
constexpr uint8_t kAlgAes128 = 0x08;
constexpr uint8_t kAlgAes192 = 0x0A;
constexpr uint8_t kAlgAes256 = 0x0C;
constexpr uint8_t kMgmtKeyRef = 0x9B;
constexpr uint8_t kInsGetMetadata = 0xF7;

std::size_t blockBytes(uint8_t alg) { return alg == kAlg3Des ? 8 : 16; }

// The management key's algorithm: tag 01 of GET METADATA 9B (Yubico extension). A card without the
// command (any status but 9000) has the standard 3DES key; an answer naming another algorithm, or a
// malformed one, is an error rather than a guess.
core::Result<uint8_t> managementAlgorithm(Context& ctx) {
    uint16_t sw = 0;
    auto r = rawVendorApdu(ctx, {0x00, kInsGetMetadata, 0x00, kMgmtKeyRef, 0x00}, sw);
    if (!r) return core::fail(r.error());
    if (sw != 0x9000) return kAlg3Des;
    const Bytes& d = *r;
    for (std::size_t i = 0; i + 2 <= d.size();) {
        const uint8_t tag = d[i];
        const std::size_t len = d[i + 1];
        if (len > 0x7F || i + 2 + len > d.size()) break;
        if (tag == 0x01 && len == 1) {
            const uint8_t a = d[i + 2];
            if (a == kAlg3Des || a == kAlgAes128 || a == kAlgAes192 || a == kAlgAes256) return a;
            return core::fail(core::Errc::NotSupported, "unknown management key algorithm");
        }
        i += 2 + len;
    }
    return core::fail(core::Errc::Malformed, "GET METADATA 9B without an algorithm");
}

}  // namespace

DWORD adminChallenge(Context& ctx, PBYTE* ppbChallengeData, PDWORD pcbChallengeData) {
    if (!ppbChallengeData || !pcbChallengeData) return code(SCARD_E_INVALID_PARAMETER);
    // OpenPGP's ROLE_ADMIN is PW3, a PIN: no challenge-response.
    if (ctx.profile().adminAuth != AdminAuth::ChallengeResponse) return code(SCARD_E_UNSUPPORTED_FEATURE);
    ctx.adminAlg = 0;
    auto alg = managementAlgorithm(ctx);
    if (!alg) return toScard(ctx, alg.error());  // unknown algorithm: unsupported; malformed: unexpected
    const std::size_t block = blockBytes(*alg);
    uint16_t sw = 0;
    const Bytes apdu = {0x00, 0x87, *alg, kMgmtKeyRef, 0x04, 0x7C, 0x02, 0x81, 0x00, 0x00};
    auto r = rawApdu(ctx, apdu, sw);
    if (!r) return toScard(ctx, r.error());
    if (sw != 0x9000 || r->size() != 4 + block || (*r)[0] != 0x7C || (*r)[1] != 2 + block || (*r)[2] != 0x81 ||
        (*r)[3] != block)
        return code(SCARD_E_UNEXPECTED);
    PBYTE p = allocCopy(ctx, ByteView(*r).subspan(4));
    if (!p) return code(SCARD_E_NO_MEMORY);
    ctx.adminAlg = *alg;
    *ppbChallengeData = p;
    *pcbChallengeData = DWORD(block);
    return SCARD_S_SUCCESS;
}

DWORD adminResponse(Context& ctx, PBYTE pbResponseData, DWORD cbResponseData) {
    if (ctx.profile().adminAuth != AdminAuth::ChallengeResponse) return code(SCARD_E_UNSUPPORTED_FEATURE);
    // Without a pending challenge the card would refuse anyway; the size check needs the algorithm.
    const uint8_t alg = ctx.adminAlg ? ctx.adminAlg : kAlg3Des;
    const std::size_t block = blockBytes(alg);
    if (!pbResponseData || cbResponseData != block) return code(SCARD_E_INVALID_PARAMETER);
    ctx.adminAlg = 0;  // one response per challenge, as on the card
    // Sized up front: GCC 12 at -O3 (the mingw DLL) warns falsely about insert() after a braced init.
    const BYTE header[] = {0x00, 0x87, alg, kMgmtKeyRef, BYTE(4 + block), 0x7C, BYTE(2 + block), 0x82, BYTE(block)};
    Bytes apdu(sizeof header + block);
    std::memcpy(apdu.data(), header, sizeof header);
    std::memcpy(apdu.data() + sizeof header, pbResponseData, block);
    uint16_t sw = 0;
    auto r = rawApdu(ctx, apdu, sw);
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
