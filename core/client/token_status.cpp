#include "core/client/token_status.h"

#include <cstdio>

namespace client {

std::string TokenStatus::holder() const {
    for (const auto& k : keys)
        if (k.certificate && !k.certificate->commonName.empty()) return k.certificate->commonName;
    return {};
}

token::AppKind appKindOf(const token::TokenInfo& info) {
    return info.application == "OpenPGP" ? token::AppKind::OpenPgp : token::AppKind::Piv;
}

std::string slotName(token::AppKind kind, uint8_t keyRef) {
    if (kind == token::AppKind::OpenPgp) {
        switch (keyRef) {
            case 1:
                return "SIG";
            case 2:
                return "DEC";
            case 3:
                return "AUT";
            default:
                break;
        }
    }
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02X", keyRef);
    return buf;
}

std::optional<uint8_t> ckaIdFor(token::AppKind kind, uint8_t keyRef) {
    if (kind == token::AppKind::OpenPgp) {
        if (keyRef >= 1 && keyRef <= 3) return keyRef;
        return std::nullopt;
    }
    switch (keyRef) {
        case 0x9A:
            return 1;
        case 0x9C:
            return 2;
        case 0x9D:
            return 3;
        case 0x9E:
            return 4;
        default:
            break;
    }
    if (keyRef >= 0x82 && keyRef <= 0x95) return static_cast<uint8_t>(keyRef - 0x82 + 5);
    return std::nullopt;
}

std::vector<uint8_t> enrollableSlots(token::AppKind kind) {
    if (kind == token::AppKind::OpenPgp) return {1, 2, 3};
    return {0x9A, 0x9C, 0x9D, 0x9E};
}

core::Result<TokenStatus> readStatus(token::TokenManager& manager, const token::SlotState& slot) {
    auto tok = manager.token(slot.id);
    if (!tok) return std::unexpected(tok.error());
    auto info = (*tok)->info();
    if (!info) return std::unexpected(info.error());
    TokenStatus st;
    st.slotId = slot.id;
    st.reader = slot.reader;
    st.info = *info;
    const auto kind = (*tok)->kind();
    auto objects = (*tok)->objects();
    if (!objects) {
        st.problem = objects.error().describe();
        return st;
    }
    for (const auto& o : *objects) {
        KeyStatus k;
        k.ref = o.key.ref;
        k.slot = slotName(kind, o.key.ref);
        k.label = o.key.label;
        k.ckaId = ckaIdFor(kind, o.key.ref);
        if (o.key.algorithm) k.keyType = cardapp::keyAlgorithmName(*o.key.algorithm);
        if (o.publicKey) {
            k.keyBits = o.publicKey->bits;
            k.spki = o.publicKey->spki;
        } else {
            k.spki = o.key.publicKeyInfo;
        }
        k.certificate = o.certificate;
        st.keys.push_back(std::move(k));
    }
    return st;
}

}  // namespace client
