// transport::Transport over a SCARDHANDLE the caller (Base CSP / KSP, or a test acting as one) already
// connected. We never SCardConnect/Reconnect/Disconnect it: the handle belongs to the caller. By spec the
// caller holds the card transaction around every entry point, so by default begin/endTransaction only
// count; `ownTransactions` makes them real (for callers that do not hold one).
#pragma once

#include "core/transport/transport.h"
#include "minidriver/win_compat.h"

namespace md {

class ScardHandleTransport final : public transport::Transport {
public:
    ScardHandleTransport(SCARDHANDLE card, bool ownTransactions = false)
        : m_card(card), m_ownTransactions(ownTransactions) {}

    core::Result<core::Bytes> transmit(core::ByteView command) override;
    core::Result<core::Bytes> atr() override;
    core::Status reset() override;
    core::Status beginTransaction() override;
    void endTransaction() override;
    std::string readerName() const override;

    // The PC/SC code of the last failure (0 if none): lets the minidriver return the caller's own code
    // (SCARD_W_RESET_CARD, SCARD_W_REMOVED_CARD...) rather than a generic one.
    LONG lastError() const { return m_lastError; }

    // How long a failed transmit waits for the resource manager to report the card gone (as
    // transport::kRemovalProbeMs: two of pcscd's 0.4 s presence polls and a margin).
    static constexpr DWORD kRemovalProbeMs = 1000;

private:
    core::Error fail(LONG rv, const char* what);
    // After a transmit that failed below the APDU level: did the card leave the reader (now, or out and
    // in again since the caller connected)? Bounded by kRemovalProbeMs.
    bool cardLeftReader();

    SCARDHANDLE m_card;
    bool m_ownTransactions;
    int m_depth = 0;
    LONG m_lastError = 0;
};

}  // namespace md
