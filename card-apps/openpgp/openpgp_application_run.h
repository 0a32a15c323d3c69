// OpenPgpApplication::run(), shared by the openpgp_application*.cpp files (not part of the API).
#pragma once

#include "card-apps/openpgp/openpgp_application.h"
#include "core/base/log.h"

namespace openpgp {

// One transaction per operation. A CardReset (at begin or inside) re-selects; read-only operations are
// then repeated once, the others report the reset.
template <typename F>
auto OpenPgpApplication::run(Retry retry, F&& op) -> decltype(op()) {
    for (int attempt = 0;; ++attempt) {
        core::Error err;
        {
            transport::Transaction tx(m_transport);
            if (!tx) {
                err = tx.status().error();
            } else if (auto sel = ensureSelected(); !sel) {
                err = sel.error();
            } else {
                auto r = op();
                if (m_card.takeSelectionLost()) {
                    MESIGN_LOG("openpgp", Info, "OpenPGP was deselected behind our back: PIN status lost");
                    m_stateLost = true;
                }
                if (r || r.error().code != core::Errc::CardReset) return r;
                err = r.error();
            }
        }
        if (err.code != core::Errc::CardReset || attempt > 0) return core::fail(std::move(err));
        noteReset();
        if (retry == Retry::IfReset) continue;
        transport::Transaction tx(m_transport);
        if (tx) (void)ensureSelected();  // leave OpenPGP selected for the caller's re-login
        return core::fail(core::Errc::CardReset, "card was reset: PIN verification is lost");
    }
}

}  // namespace openpgp
