#include "core/token/card_app_registry.h"

#include <array>

#include "card-apps/openpgp/openpgp_application.h"
#include "card-apps/piv/piv_application.h"
#include "core/apdu/atr.h"

namespace token {

namespace {

// Extended length as the field decides it: the ATR's card capabilities when they say, else one probe (the
// first certificate read; its outcome is kept in the disk cache, see token_cache.cpp). The reader's limit
// is the transport's (PcscTransport::supportsExtendedLength) and applies on top.
std::unique_ptr<cardapp::CardApplication> createPiv(transport::Transport& t, core::ByteView atr) {
    apdu::ChannelOptions opts;
    if (auto says = apdu::atrExtendedLength(atr))
        opts.useExtendedLength = *says;
    else
        opts.probeExtendedLength = true;
    return std::make_unique<piv::PivApplication>(t, opts);
}

// OpenPGP decides from its own application data (extended capabilities), whatever the ATR says.
std::unique_ptr<cardapp::CardApplication> createOpenPgp(transport::Transport& t, core::ByteView) {
    return std::make_unique<openpgp::OpenPgpApplication>(t);
}

constexpr std::array kTypes{
    CardAppType{AppKind::Piv, "PIV", &createPiv},
    CardAppType{AppKind::OpenPgp, "OpenPGP", &createOpenPgp},
};

template <typename App>
core::Result<core::Bytes> withPin(App& a, KeyOp op, uint8_t ref, core::ByteView in, core::ByteView pin) {
    switch (op) {
        case KeyOp::Sign: return a.signWithPin(ref, in, pin);
        case KeyOp::Decipher: return a.decipherWithPin(ref, in, pin);
        case KeyOp::Derive: return a.deriveEcdhWithPin(ref, in, pin);
    }
    return core::fail(core::Errc::Internal, "unknown key operation");
}

}  // namespace

std::span<const CardAppType> cardAppTypes() {
    return kTypes;
}

const CardAppType& cardAppType(AppKind kind) {
    for (const auto& t : kTypes)
        if (t.kind == kind) return t;
    return kTypes.front();
}

namespace {
constexpr uint8_t kOpenPgpRidPix[] = {0xD2, 0x76, 0x00, 0x01, 0x24, 0x01};
}

void restoreOpenPgpSelection(transport::Transport& t, CardSelectionState& s) {
    std::lock_guard lock(s.use);
    const int current = s.current.load();
    if (!s.hasOpenPgp.load() || current == static_cast<int>(AppKind::OpenPgp) || current == -1) return;
    transport::Transaction tx(t);
    if (!tx) return;
    core::Bytes select{0x00, 0xA4, 0x04, 0x00, sizeof kOpenPgpRidPix};
    select.insert(select.end(), std::begin(kOpenPgpRidPix), std::end(kOpenPgpRidPix));
    select.push_back(0x00);
    if (auto r = t.transmit(select); r && r->size() >= 2 && (*r)[r->size() - 2] == 0x90)
        s.current.store(static_cast<int>(AppKind::OpenPgp));
}

bool takeStateLost(cardapp::CardApplication& app) {
    if (auto* p = dynamic_cast<piv::PivApplication*>(&app)) return p->takeStateLost();
    if (auto* o = dynamic_cast<openpgp::OpenPgpApplication*>(&app)) return o->takeStateLost();
    return false;
}

core::Result<core::Bytes> keyOperationWithPin(cardapp::CardApplication& app, KeyOp op, uint8_t keyRef,
                                              core::ByteView input, core::ByteView pin) {
    if (auto* p = dynamic_cast<piv::PivApplication*>(&app)) return withPin(*p, op, keyRef, input, pin);
    if (auto* o = dynamic_cast<openpgp::OpenPgpApplication*>(&app)) return withPin(*o, op, keyRef, input, pin);
    return core::fail(core::Errc::NotSupported, "no context-specific PIN for this application");
}

core::Status resetUserPinAsAdmin(cardapp::CardApplication& app, core::ByteView newPin) {
    if (auto* o = dynamic_cast<openpgp::OpenPgpApplication*>(&app)) return o->resetUserPinAsAdmin(newPin);
    return core::fail(core::Errc::NotSupported, "resetting the PIN with the admin login is OpenPGP's");
}

}  // namespace token
