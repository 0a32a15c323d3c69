// The façade a user interface drives (tray agent; the CLI should move onto it): tokens with their status,
// PIN change and unblock, insert/remove events. Qt-free; every call may block on the card and belongs on
// a worker thread. Thread-safe as the TokenManager under it: one thread may wait for events while another
// reads tokens. Secrets come in as views and are never kept or logged here.
#pragma once

#include <memory>
#include <vector>

#include "core/client/pin_rules.h"
#include "core/client/token_status.h"

namespace client {

class Client {
  public:
    explicit Client(std::unique_ptr<token::ReaderBackend> backend);
    // Over pcsc-lite (token::makePcscBackend()).
    static std::unique_ptr<Client> withPcsc();
    ~Client();

    // Readers (present ones), with card presence. Errc::NoService when pcscd is unreachable.
    core::Result<std::vector<token::SlotState>> readers();
    // Every token in every reader, with status. Cards without a known application are left out; other
    // failures are listed in `problems` ("reader: reason") when given.
    core::Result<std::vector<TokenStatus>> tokens(std::vector<std::string>* problems = nullptr);
    core::Result<TokenStatus> status(token::SlotId slot);
    core::Result<std::shared_ptr<token::Token>> token(token::SlotId slot);

    // Checks the new value against pinRules() before the card sees it (Errc::InvalidArgument: no try spent).
    // role User: the user PIN; Puk/Admin: the PIV PUK or the OpenPGP admin PIN.
    core::Status changePin(token::SlotId slot, PinRole role, core::ByteView oldPin, core::ByteView newPin);
    // Sets a new user PIN with the unblocking secret (PIV: PUK; OpenPGP: resetting code).
    core::Status unblockPin(token::SlotId slot, core::ByteView unblockSecret, core::ByteView newPin);
    // The same with the secret named: PinRole::Puk (PIV), PinRole::ResettingCode or PinRole::Admin (OpenPGP:
    // PW3 verified, then RESET RETRY COUNTER; the admin login is dropped again afterwards).
    core::Status unblockPin(token::SlotId slot, PinRole secretRole, core::ByteView unblockSecret,
                            core::ByteView newPin);

    // Blocks until a card or reader changes (or timeout / cancelWait()); returns the slots that changed.
    core::Result<std::vector<token::SlotId>> waitForEvents(int timeoutMs);
    void cancelWait();

    token::TokenManager& manager() { return m_manager; }

  private:
    token::TokenManager m_manager;
};

}  // namespace client
