// openCard(): the PIV driver over the caller's SCARDHANDLE, else the next application openOtherCard()
// knows (OpenPGP natively). One file for both builds: on Linux card-apps/piv links OpenSSL, in the Windows
// DLL the same sources build with BCrypt behind piv_crypto.h (win/CMakeLists.txt).
#include "card-apps/piv/piv_application.h"
#include "minidriver/md_context.h"
#include "minidriver/scard_handle_transport.h"

namespace md {

// What only OpenPGP cards have: refused for the others.
core::Status Card::verifySignaturePin(ByteView) {
    return core::fail(core::Errc::NotSupported, "no separate signature PIN");
}
core::Status Card::unblockWithAdminPin(ByteView, ByteView) {
    return core::fail(core::Errc::NotSupported, "the administrator cannot unblock the PIN");
}
core::Status Card::setUnblockCode(ByteView, ByteView) {
    return core::fail(core::Errc::NotSupported, "no resetting code");
}
core::Result<Bytes> Card::decipherPlain(uint8_t, ByteView) {
    return core::fail(core::Errc::NotSupported, "the card returns the padded block");
}
core::Result<bool> Card::pinPerSignature() { return false; }

namespace {

class PivCardHandle final : public Card {
public:
    explicit PivCardHandle(SCARDHANDLE h) : m_transport(h), m_app(m_transport) {}
    cardapp::CardApplication& app() override { return m_app; }
    transport::Transport& rawTransport() override { return m_transport; }
    LONG lastPcscError() const override { return m_transport.lastError(); }

private:
    ScardHandleTransport m_transport;
    piv::PivApplication m_app;
};

}  // namespace

core::Result<std::unique_ptr<Card>> openCard(SCARDCONTEXT, SCARDHANDLE handle) {
    // PIV first (as the PKCS#11 module orders applications): a card with both shows its PIV keys.
    auto card = std::make_unique<PivCardHandle>(handle);
    if (auto st = card->app().select(); !st) {
        if (st.error().code != core::Errc::NotFound) return std::unexpected(st.error());
        return openOtherCard(handle);
    }
    return std::unique_ptr<Card>(std::move(card));
}

}  // namespace md
