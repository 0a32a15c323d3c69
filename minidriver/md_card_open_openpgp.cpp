// openOtherCard(): the OpenPGP card application (card-apps/openpgp) over the caller's SCARDHANDLE, for cards
// without PIV. Both builds: the DLL replaces card-apps/openpgp's OpenSSL parts (openpgp_crypto.h).
#include "card-apps/openpgp/openpgp_application.h"
#include "minidriver/md_context.h"
#include "minidriver/scard_handle_transport.h"

namespace md {
namespace {

class OpenPgpCardHandle final : public Card {
  public:
    explicit OpenPgpCardHandle(SCARDHANDLE h) : m_transport(h), m_app(m_transport) {}
    cardapp::CardApplication& app() override { return m_app; }
    const CardProfile& profile() const override { return openPgpProfile(); }
    transport::Transport& rawTransport() override { return m_transport; }
    LONG lastPcscError() const override { return m_transport.lastError(); }

    core::Status verifySignaturePin(ByteView pin) override { return m_app.verifySignaturePin(pin); }
    core::Status unblockWithAdminPin(ByteView adminPin, ByteView newPin) override {
        return m_app.unblockPinWithAdmin(adminPin, newPin);
    }
    core::Status setUnblockCode(ByteView adminPin, ByteView code) override {
        return m_app.setResettingCode(adminPin, code);
    }
    core::Result<Bytes> decipherPlain(uint8_t keyRef, ByteView cipher) override {
        return m_app.decipherPlaintext(keyRef, cipher);
    }
    core::Result<bool> pinPerSignature() override {
        auto app = m_app.applicationData();
        if (!app) return std::unexpected(app.error());
        return !app->pwStatus || !app->pwStatus->pw1ValidForSeveralSignatures;
    }

  private:
    ScardHandleTransport m_transport;
    openpgp::OpenPgpApplication m_app;
};

}  // namespace

core::Result<std::unique_ptr<Card>> openOtherCard(SCARDHANDLE handle) {
    auto card = std::make_unique<OpenPgpCardHandle>(handle);
    if (auto st = card->app().select(); !st) return std::unexpected(st.error());
    return std::unique_ptr<Card>(std::move(card));
}

}  // namespace md
