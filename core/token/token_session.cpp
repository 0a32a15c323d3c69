// The connection side of a Token: connecting lazily, telling a reset from a removal from a lost pcscd,
// and keeping login state and caches consistent with what the card still knows.
#include "core/base/log.h"
#include "core/token/token_impl.h"

namespace token {

using core::Errc;
using core::fail;

namespace {

bool isRemoval(Errc c) {
    return c == Errc::CardRemoved || c == Errc::NoCard || c == Errc::NoReader;
}

}  // namespace

core::Status Token::Impl::ensureConnected() {
    if (transport) return {};
    auto t = backend.connect(reader);
    if (!t) {
        if (isRemoval(t.error().code)) {
            markRemovedLocked();
        }
        return fail(t.error());
    }
    transport = std::move(*t);
    app = cardAppType(kind).create(*transport, atr);
    // A fresh connection knows nothing of an earlier one's login (the card may have been powered down).
    if (login.load() != LoginState::None) dropLogin(true);
    auto st = checkIdentity();
    (void)takeStateLost(*app);  // the first SELECT is not a loss
    if (st) noteSelected();
    if (!st) {
        const Errc c = st.error().code;
        disconnect();  // do not hold a card we cannot use
        if (isRemoval(c)) {
            markRemovedLocked();
        }
        if (c == Errc::NotFound || c == Errc::NotSupported)
            return fail(Errc::NotSupported, std::string("no ") + cardAppType(kind).name + " application on the card in '" +
                                                  reader + "'");
        return fail(st.error());
    }
    return {};
}

core::Status Token::Impl::reselectIfDeselected() {
    if (!selection || !app || selection->current.load() == static_cast<int>(kind)) return {};
    // Selecting another application made the card forget our PIN verification.
    if (login.load() != LoginState::None) {
        MESIGN_LOG("token", Info, "another application of the card in '" + reader + "' ran: login dropped");
        dropLogin(true);
    }
    auto st = app->select();
    (void)takeStateLost(*app);
    if (st) noteSelected();
    return st;
}

// Reads the card's identity and drops everything cached for another card.
core::Status Token::Impl::checkIdentity() {
    auto id = app->identity();
    if (!id) return fail(id.error());
    if (identity && identity->cardId != id->cardId) {
        MESIGN_LOG("token", Info, "a different card is in '" + reader + "': caches and login dropped");
        dropLogin(true);
        dropCaches();
        ++generation;
    }
    identity = std::move(*id);
    return {};
}

void Token::Impl::settle(const core::Error* err) {
    const bool lost = app && takeStateLost(*app);
    if (err && isRemoval(err->code)) {
        MESIGN_LOG("token", Info, "card in '" + reader + "' is gone: " + err->message);
        markRemovedLocked();
        return;
    }
    if (err && (err->code == Errc::NoService || err->code == Errc::Internal)) {
        // pcscd went away or the handle is no longer valid: reconnect next time; the login did not survive.
        MESIGN_LOG("token", Info, "connection to '" + reader + "' lost: " + err->message);
        dropLogin(true);
        disconnect();
        return;
    }
    if (lost || (err && err->code == Errc::CardReset)) onStateLost();
}

// The card forgot our security state (another process reset it, or selected another application).
// Never re-login silently: drop the login, re-check that it is still the same card, report it once.
void Token::Impl::onStateLost() {
    MESIGN_LOG("token", Info, "card in '" + reader + "' lost its security state (reset)");
    dropLogin(true);
    info.reset();
    if (!app) return;
    if (auto st = checkIdentity(); !st) {
        MESIGN_LOG("token", Warn, "re-probing '" + reader + "' after a reset failed: " + st.error().message);
        if (isRemoval(st.error().code)) {
            markRemovedLocked();
        }
    }
    (void)takeStateLost(*app);
}

void Token::Impl::dropLogin(bool reportLater) {
    const LoginState was = login.exchange(LoginState::None);
    if (was != LoginState::None && reportLater) loginLostUnreported = true;
    core::SecureBytes().swap(puk);  // frees (and so wipes) the PUK's storage
    info.reset();
    privateData.reset();  // probed again at the next login
    forgetDirectOps();    // the next login proves its keys on the main connection first
}

void Token::Impl::dropCaches() {
    info.reset();
    objects.reset();
    diskWritten.reset();
    publicData.reset();
    privateData.reset();
    generatedSpki.clear();
    forgetDirectOps();
}

void Token::Impl::disconnect() {
    closeSpares();
    restoreSelection();
    app.reset();
    transport.reset();
}

void Token::Impl::markRemovedLocked() {
    if (!removed.exchange(true)) ++generation;  // the objects are gone with the card
    cleanupRemoved();
}

void Token::Impl::cleanupRemoved() {
    login = LoginState::None;
    loginLostUnreported = false;
    core::SecureBytes().swap(puk);
    dropCaches();
    disconnect();
}

core::Status Token::Impl::takeLostLogin() {
    if (!loginLostUnreported) return {};
    loginLostUnreported = false;
    return fail(Errc::CardReset, "the card in '" + reader + "' was reset: the login is lost");
}

core::Status Token::Impl::requireSoManagementKey(const char* what) const {
    if (login.load() == LoginState::SoManagementKey) return {};
    return fail(Errc::SecurityNotSatisfied,
                std::string(what) + " needs the SO login with the management key");
}

}  // namespace token
