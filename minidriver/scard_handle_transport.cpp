#include "minidriver/scard_handle_transport.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace md {

core::Error ScardHandleTransport::fail(LONG rv, const char* what) {
    m_lastError = rv;
    core::Errc code = core::Errc::Transport;
    if (rv == static_cast<LONG>(SCARD_W_RESET_CARD)) code = core::Errc::CardReset;
    if (rv == static_cast<LONG>(SCARD_W_REMOVED_CARD) || rv == static_cast<LONG>(SCARD_E_NO_SMARTCARD))
        code = core::Errc::CardRemoved;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08lX", static_cast<unsigned long>(static_cast<DWORD>(rv)));
    return core::Error(code, std::string(what) + ": 0x" + buf);
}

core::Result<core::Bytes> ScardHandleTransport::transmit(core::ByteView command) {
    DWORD protocol = 0;
    DWORD state = 0;
    DWORD readerLen = 0;
    BYTE atrBuf[36];
    DWORD atrLen = sizeof atrBuf;
    // The active protocol selects the PCI; the caller may have connected with T=0 or T=1.
    LONG rv = SCardStatus(m_card, nullptr, &readerLen, &state, &protocol, atrBuf, &atrLen);
    if (rv != SCARD_S_SUCCESS) return std::unexpected(fail(rv, "SCardStatus"));
    const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    core::Bytes response(258 + 2);
    DWORD len = static_cast<DWORD>(response.size());
    rv = SCardTransmit(m_card, pci, command.data(), static_cast<DWORD>(command.size()), nullptr, response.data(),
                       &len);
    // A card pulled mid-APDU: the resource manager first answers a plain communication error (pcsc-lite:
    // SCARD_E_NOT_TRANSACTED, or success with no bytes from vpcd) and reports the removal only after its
    // next presence poll. The CSP is owed SCARD_W_REMOVED_CARD, so ask before choosing the code.
    const bool linkLost = rv == static_cast<LONG>(SCARD_E_NOT_TRANSACTED) ||
                          rv == static_cast<LONG>(SCARD_E_COMM_DATA_LOST) ||
                          rv == static_cast<LONG>(SCARD_F_COMM_ERROR) ||
                          rv == static_cast<LONG>(SCARD_F_UNKNOWN_ERROR) ||
                          rv == static_cast<LONG>(SCARD_W_UNRESPONSIVE_CARD) ||
                          rv == static_cast<LONG>(SCARD_W_UNPOWERED_CARD) || (rv == SCARD_S_SUCCESS && len == 0);
    if (linkLost && cardLeftReader()) return std::unexpected(fail(SCARD_W_REMOVED_CARD, "SCardTransmit"));
    if (rv == SCARD_S_SUCCESS && len == 0) return std::unexpected(fail(SCARD_E_NOT_TRANSACTED, "SCardTransmit"));
    if (rv != SCARD_S_SUCCESS) return std::unexpected(fail(rv, "SCardTransmit"));
    response.resize(len);
    m_lastError = 0;
    return response;
}

bool ScardHandleTransport::cardLeftReader() {
    char name[256];
    DWORD nameLen = sizeof name;
    DWORD state = 0, protocol = 0;
    BYTE atrBuf[36];
    DWORD atrLen = sizeof atrBuf;
    LONG rv = SCardStatus(m_card, name, &nameLen, &state, &protocol, atrBuf, &atrLen);
    // The handle keeps SCARD_W_REMOVED_CARD once the removal was seen, also after a reinsertion.
    if (rv == static_cast<LONG>(SCARD_W_REMOVED_CARD) || rv == static_cast<LONG>(SCARD_E_NO_SMARTCARD) ||
        rv == static_cast<LONG>(SCARD_E_READER_UNAVAILABLE))
        return true;
    if (rv != SCARD_S_SUCCESS || nameLen == 0) return false;
    // Not seen yet: wait (bounded) for the reader to show no card or its event count (bits 16-31) to move.
    // An own context: a blocking SCardGetStatusChange holds its context in pcsc-lite, and the caller's
    // context is the caller's.
    SCARDCONTEXT ctx = 0;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS) return false;
    SCARD_READERSTATE rs{};
    rs.szReader = name;
    rs.dwCurrentState = SCARD_STATE_UNAWARE;
    bool gone = false;
    rv = SCardGetStatusChange(ctx, 0, &rs, 1);
    const DWORD counter = rs.dwEventState >> 16;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRemovalProbeMs);
    while (rv == SCARD_S_SUCCESS) {
        if ((rs.dwEventState & (SCARD_STATE_EMPTY | SCARD_STATE_UNAVAILABLE)) || (rs.dwEventState >> 16) != counter) {
            gone = true;
            break;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) break;
        rs.dwCurrentState = rs.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
        rv = SCardGetStatusChange(ctx, static_cast<DWORD>(left), &rs, 1);
    }
    SCardReleaseContext(ctx);
    if (gone) return true;
    nameLen = sizeof name;
    atrLen = sizeof atrBuf;
    rv = SCardStatus(m_card, name, &nameLen, &state, &protocol, atrBuf, &atrLen);
    return rv == static_cast<LONG>(SCARD_W_REMOVED_CARD) || rv == static_cast<LONG>(SCARD_E_NO_SMARTCARD);
}

core::Result<core::Bytes> ScardHandleTransport::atr() {
    DWORD state = 0, protocol = 0, readerLen = 0;
    BYTE atrBuf[36];
    DWORD atrLen = sizeof atrBuf;
    LONG rv = SCardStatus(m_card, nullptr, &readerLen, &state, &protocol, atrBuf, &atrLen);
    if (rv != SCARD_S_SUCCESS) return std::unexpected(fail(rv, "SCardStatus"));
    return core::Bytes(atrBuf, atrBuf + atrLen);
}

core::Status ScardHandleTransport::reset() {
    // Resetting is the caller's decision (CardDeauthenticate may be left to the CSP's SCARD_RESET_CARD).
    return core::fail(core::Errc::NotSupported, "the minidriver does not reset the caller's card handle");
}

core::Status ScardHandleTransport::beginTransaction() {
    if (m_ownTransactions && m_depth == 0) {
        LONG rv = SCardBeginTransaction(m_card);
        if (rv != SCARD_S_SUCCESS) return std::unexpected(fail(rv, "SCardBeginTransaction"));
    }
    ++m_depth;
    return {};
}

void ScardHandleTransport::endTransaction() {
    if (m_depth > 0 && --m_depth == 0 && m_ownTransactions) SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
}

std::string ScardHandleTransport::readerName() const {
    char name[256];
    DWORD nameLen = sizeof name;
    DWORD state = 0, protocol = 0;
    BYTE atrBuf[36];
    DWORD atrLen = sizeof atrBuf;
    if (SCardStatus(m_card, name, &nameLen, &state, &protocol, atrBuf, &atrLen) != SCARD_S_SUCCESS) return {};
    return std::string(name, nameLen > 0 ? nameLen - 1 : 0);
}

}  // namespace md
