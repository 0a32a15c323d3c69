// CardAcquireContext / CardDeleteContext and the shared context helpers.
#include <cstring>
#include <new>

#include "minidriver/md_cert_usage.h"
#include "minidriver/md_context.h"
#include "minidriver/md_crypto.h"
#include "minidriver/supported_cards.h"

namespace md {

Context* contextOf(PCARD_DATA pCardData) {
    if (!pCardData || !pCardData->pvVendorSpecific) return nullptr;
    return static_cast<Context*>(pCardData->pvVendorSpecific);
}

DWORD toScard(const Context& ctx, const core::Error& e) {
    using core::Errc;
    switch (e.code) {
        case Errc::PinIncorrect: return code(SCARD_W_WRONG_CHV);
        case Errc::AuthBlocked: return code(SCARD_W_CHV_BLOCKED);
        case Errc::SecurityNotSatisfied: return code(SCARD_W_SECURITY_VIOLATION);
        case Errc::CardRemoved:
        case Errc::NoCard: return code(SCARD_W_REMOVED_CARD);
        case Errc::CardReset: return code(SCARD_W_RESET_CARD);
        case Errc::NotSupported: return code(SCARD_E_UNSUPPORTED_FEATURE);
        case Errc::NoSpace: return code(SCARD_E_WRITE_TOO_MANY);
        case Errc::NotFound: return code(SCARD_E_NO_KEY_CONTAINER);
        case Errc::InvalidArgument: return code(SCARD_E_INVALID_PARAMETER);
        case Errc::Transport: {
            LONG last = ctx.card ? ctx.card->lastPcscError() : 0;
            return last != 0 ? code(last) : code(SCARD_E_NOT_TRANSACTED);
        }
        default: return code(SCARD_E_UNEXPECTED);
    }
}

PBYTE allocCopy(const Context& ctx, ByteView bytes) {
    auto* p = static_cast<PBYTE>(ctx.data->pfnCspAlloc(bytes.empty() ? 1 : bytes.size()));
    if (p && !bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    return p;
}

core::Status Context::loadCardId() {
    auto id = card->app().identity();
    if (!id) return std::unexpected(id.error());
    // PIV: the CHUID GUID, OpenPGP: the AID (16 bytes each, stable per card); anything else is repeated
    // to 16 bytes.
    Bytes src = id->cardId.empty() ? Bytes(id->serial.begin(), id->serial.end()) : id->cardId;
    if (src.empty()) return core::fail(core::Errc::Malformed, "card has no identity");
    cardId.assign(16, 0);
    for (std::size_t i = 0; i < 16; ++i) cardId[i] = src[i % src.size()];
    return {};
}

static std::optional<Container> toContainer(const CardProfile& profile, BYTE index, const cardapp::KeyInfo& key) {
    if (!key.algorithm) return std::nullopt;
    Container c;
    c.index = index;
    c.keyRef = key.ref;
    c.key = key;
    const auto alg = *key.algorithm;
    if (cardapp::isRsa(alg)) {
        c.bits = static_cast<unsigned>(cardapp::rsaModulusBytes(alg) * 8);
        // PIV: 9C signs, RSA keys elsewhere sign and decrypt; OpenPGP: only DEC decrypts. A PIV key whose
        // certificate allows signatures only (keyUsage without key/data encipherment) is AT_SIGNATURE: that
        // is how the CSP created it, and the spec it asked for lasts only as long as that context.
        c.keySpec = profile.rsaSpec(key.ref);
        if (profile.kind == CardKind::Piv && c.keySpec == AT_KEYEXCHANGE && !key.certificate.empty() &&
            certificateSignsOnly(key.certificate) == true)
            c.keySpec = AT_SIGNATURE;
    } else if (alg == cardapp::KeyAlgorithm::EcP256 || alg == cardapp::KeyAlgorithm::EcP384) {
        const bool p256 = alg == cardapp::KeyAlgorithm::EcP256;
        c.bits = p256 ? 256 : 384;
        // The key-agreement slot (PIV 9D, OpenPGP DEC): ECDH there, ECDSA elsewhere.
        if (profile.ecdhKey(key.ref)) c.keySpec = p256 ? AT_ECDHE_P256 : AT_ECDHE_P384;
        else c.keySpec = p256 ? AT_ECDSA_P256 : AT_ECDSA_P384;
    } else {
        return std::nullopt;  // Ed25519 / X25519: no key spec exists for them in this interface
    }
    return c;
}

core::Result<const std::vector<Container>*> Context::loadContainers() {
    if (containers) return &*containers;
    auto keys = card->app().keys();
    if (!keys) return std::unexpected(keys.error());
    std::vector<Container> list;
    const CardProfile& p = profile();
    for (BYTE i = 0; i < p.maxContainers(); ++i) {
        for (const auto& k : *keys) {
            if (k.ref != p.keyRefs[i]) continue;
            auto c = toContainer(p, i, k);
            if (!c) continue;
            if (auto it = requestedSpecs.find(i); it != requestedSpecs.end()) {
                const bool rsaSpec = it->second == AT_SIGNATURE || it->second == AT_KEYEXCHANGE;
                if (rsaSpec == cardapp::isRsa(*k.algorithm)) c->keySpec = it->second;
            }
            list.push_back(std::move(*c));
        }
    }
    containers = std::move(list);
    return &*containers;
}

const Container* Context::findContainer(BYTE index) {
    if (!containers) return nullptr;
    for (const auto& c : *containers)
        if (c.index == index) return &c;
    return nullptr;
}

static DWORD WINAPI cardDeleteContext(PCARD_DATA pCardData) {
    Context* ctx = contextOf(pCardData);
    if (!ctx) return code(SCARD_E_INVALID_PARAMETER);
    PFN_CSP_FREE freeFn = pCardData->pfnCspFree;
    for (auto& secret : ctx->agreements) wipe(secret);
    ctx->~Context();  // no card I/O: the card may already be gone
    freeFn(ctx);
    pCardData->pvVendorSpecific = nullptr;
    return SCARD_S_SUCCESS;
}

DWORD acquireContext(PCARD_DATA pCardData, DWORD dwFlags) noexcept {
    if (!pCardData) return code(SCARD_E_INVALID_PARAMETER);
    if (dwFlags & ~static_cast<DWORD>(CARD_SECURE_KEY_INJECTION_NO_CARD_MODE)) return code(SCARD_E_INVALID_PARAMETER);
    if (dwFlags & CARD_SECURE_KEY_INJECTION_NO_CARD_MODE) return code(SCARD_E_UNSUPPORTED_FEATURE);
    if (pCardData->dwVersion < CARD_DATA_VERSION_FOUR) return code(ERROR_REVISION_MISMATCH);
    if (!pCardData->pbAtr || pCardData->cbAtr == 0 || !pCardData->pwszCardName || !pCardData->pfnCspAlloc ||
        !pCardData->pfnCspReAlloc || !pCardData->pfnCspFree)
        return code(SCARD_E_INVALID_PARAMETER);
    if (pCardData->hSCardCtx == 0 || pCardData->hScard == 0) return code(SCARD_E_INVALID_HANDLE);
    if (!findSupportedCard(ByteView(pCardData->pbAtr, pCardData->cbAtr))) return code(SCARD_E_UNKNOWN_CARD);

    const DWORD version = pCardData->dwVersion < CARD_DATA_CURRENT_VERSION ? pCardData->dwVersion
                                                                           : DWORD(CARD_DATA_CURRENT_VERSION);
    void* mem = pCardData->pfnCspAlloc(sizeof(Context));
    if (!mem) return code(SCARD_E_NO_MEMORY);
    Context* ctx = nullptr;
    DWORD rc = SCARD_S_SUCCESS;
    try {
        ctx = new (mem) Context();
        ctx->data = pCardData;
        ctx->version = version;
        auto card = openCard(pCardData->hSCardCtx, pCardData->hScard);
        if (!card) {
            rc = card.error().code == core::Errc::NotFound ? code(SCARD_E_UNKNOWN_CARD) : toScard(*ctx, card.error());
        } else {
            ctx->card = std::move(*card);
            if (auto id = ctx->loadCardId(); !id) rc = toScard(*ctx, id.error());
        }
    } catch (const std::bad_alloc&) {
        rc = code(SCARD_E_NO_MEMORY);
    } catch (...) {
        rc = code(SCARD_E_UNEXPECTED);
    }
    if (rc != SCARD_S_SUCCESS) {
        if (ctx) ctx->~Context();
        pCardData->pfnCspFree(mem);
        return rc;
    }
    pCardData->pvVendorSpecific = ctx;
    pCardData->dwVersion = version;
    fillFunctionTable(pCardData, version);
    pCardData->pfnCardDeleteContext = cardDeleteContext;
    return SCARD_S_SUCCESS;
}

}  // namespace md
