// openCard(): the PIV driver over the caller's SCARDHANDLE. One file for both builds: on Linux card-apps/piv
// links OpenSSL, in the Windows DLL the same sources build with BCrypt behind piv_crypto.h (win/CMakeLists.txt).
#include "card-apps/piv/piv_application.h"
#include "minidriver/md_context.h"
#include "minidriver/scard_handle_transport.h"

namespace md {
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
    auto card = std::make_unique<PivCardHandle>(handle);
    if (auto st = card->app().select(); !st) return std::unexpected(st.error());
    return std::unique_ptr<Card>(std::move(card));
}

}  // namespace md
