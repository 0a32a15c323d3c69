#include "core/client/client.h"

#include "core/token/reader_backend.h"

namespace client {

Client::Client(std::unique_ptr<token::ReaderBackend> backend) : m_manager(std::move(backend)) {
    (void)m_manager.refresh();  // the first reader snapshot: slots exist before the first tokens() call
}
Client::~Client() = default;

std::unique_ptr<Client> Client::withPcsc() {
    return std::make_unique<Client>(token::makePcscBackend());
}

core::Result<std::vector<token::SlotState>> Client::readers() {
    // TokenManager treats a missing pcscd as "no readers"; a UI must be able to say why nothing is there.
    if (auto r = m_manager.backend().readers(); !r) return std::unexpected(r.error());
    MESIGN_TRY(m_manager.refresh());
    std::vector<token::SlotState> present;
    for (auto& s : m_manager.slots())
        if (s.readerPresent) present.push_back(s);
    return present;
}

core::Result<std::vector<TokenStatus>> Client::tokens(std::vector<std::string>* problems) {
    auto slots = readers();
    if (!slots) return std::unexpected(slots.error());
    // Probe first so that a PIV + OpenPGP card shows both of its tokens.
    m_manager.probeCards();
    slots = readers();
    if (!slots) return std::unexpected(slots.error());
    std::vector<TokenStatus> found;
    for (const auto& s : *slots) {
        if (!s.cardPresent) continue;
        auto st = readStatus(m_manager, s);
        if (!st) {
            if (problems && st.error().code != core::Errc::NotSupported)
                problems->push_back(s.reader + ": " + st.error().describe());
            continue;
        }
        found.push_back(std::move(*st));
    }
    return found;
}

core::Result<TokenStatus> Client::status(token::SlotId slot) {
    MESIGN_TRY(m_manager.refresh());
    auto s = m_manager.slot(slot);
    if (!s) return core::fail(core::Errc::NotFound, "no such slot");
    return readStatus(m_manager, *s);
}

core::Result<std::shared_ptr<token::Token>> Client::token(token::SlotId slot) {
    MESIGN_TRY(m_manager.refresh());
    return m_manager.token(slot);
}

core::Status Client::changePin(token::SlotId slot, PinRole role, core::ByteView oldPin,
                               core::ByteView newPin) {
    auto tok = token(slot);
    if (!tok) return core::fail(tok.error());
    const auto kind = (*tok)->kind();
    const PinRules rules = pinRules(kind, role);
    if (!rules.accepts(newPin))
        return core::fail(core::Errc::InvalidArgument,
                          std::string("the new ") + pinRoleName(kind, role) + " must be " + rules.describe());
    if (role == PinRole::User) return (*tok)->changeUserPin(oldPin, newPin);
    if (role == PinRole::ResettingCode)
        return core::fail(core::Errc::NotSupported, "changing the resetting code is not offered here");
    return (*tok)->changeSoPin(oldPin, newPin);
}

core::Status Client::unblockPin(token::SlotId slot, core::ByteView unblockSecret, core::ByteView newPin) {
    return unblockPin(slot, PinRole::Puk, unblockSecret,
                      newPin);  // PUK or resetting code: the same card path
}

core::Status Client::unblockPin(token::SlotId slot, PinRole secretRole, core::ByteView unblockSecret,
                                core::ByteView newPin) {
    auto tok = token(slot);
    if (!tok) return core::fail(tok.error());
    const auto kind = (*tok)->kind();
    const bool withAdmin = secretRole == PinRole::Admin;
    if (withAdmin && kind != token::AppKind::OpenPgp)
        return core::fail(core::Errc::NotSupported, "only the PUK unblocks a PIV PIN");
    const PinRules rules = pinRules(kind, PinRole::User);
    if (!rules.accepts(newPin))
        return core::fail(core::Errc::InvalidArgument, "the new PIN must be " + rules.describe());
    if (!withAdmin) return (*tok)->unblockUserPin(unblockSecret, newPin);
    MESIGN_TRY((*tok)->loginSo(token::SoCredential::AdminPin, unblockSecret));
    auto st = (*tok)->unblockWithSoLogin(newPin);
    (void)(*tok)->logout();  // never leave the token administrable behind the user's back
    return st;
}

core::Result<std::vector<token::SlotId>> Client::waitForEvents(int timeoutMs) {
    return m_manager.waitForEvents(timeoutMs);
}

void Client::cancelWait() {
    m_manager.cancelWait();
}

}  // namespace client
