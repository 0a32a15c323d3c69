#include "minidriver/scard_handle_transport.h"

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
    if (rv != SCARD_S_SUCCESS) return std::unexpected(fail(rv, "SCardTransmit"));
    response.resize(len);
    m_lastError = 0;
    return response;
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
