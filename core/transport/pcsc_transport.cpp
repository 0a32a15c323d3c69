// pcsc-lite transport. Shared mode only: a token in use by us must stay usable by other processes
// (browsers, gpg), so every atomic card operation runs inside a PC/SC transaction instead.
#include "core/transport/pcsc_transport.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <PCSC/reader.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "core/apdu/command.h"
#include "core/base/log.h"

namespace transport {

namespace {

constexpr DWORD kProtocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;

core::Errc errcFor(LONG rv) {
    switch (rv) {
        case SCARD_E_NO_SERVICE:
        case SCARD_E_SERVICE_STOPPED:
            return core::Errc::NoService;
        case SCARD_E_NO_READERS_AVAILABLE:
        case SCARD_E_UNKNOWN_READER:
        case SCARD_E_READER_UNAVAILABLE:
            return core::Errc::NoReader;
        case SCARD_E_NO_SMARTCARD:
            return core::Errc::NoCard;
        case SCARD_W_REMOVED_CARD:
            return core::Errc::CardRemoved;
        case SCARD_W_RESET_CARD:
            return core::Errc::CardReset;
        case SCARD_E_TIMEOUT:
            return core::Errc::Timeout;
        case SCARD_E_INVALID_PARAMETER:
        case SCARD_E_INVALID_VALUE:
        case SCARD_E_INSUFFICIENT_BUFFER:
            return core::Errc::InvalidArgument;
        case SCARD_E_INVALID_HANDLE:
        case SCARD_E_NOT_TRANSACTED:
            return core::Errc::Internal;
        default:
            return core::Errc::Transport;
    }
}

const SCARD_IO_REQUEST* pciFor(unsigned long protocol) {
    if (protocol == SCARD_PROTOCOL_T0) return SCARD_PCI_T0;
    if (protocol == SCARD_PROTOCOL_RAW) return SCARD_PCI_RAW;
    return SCARD_PCI_T1;
}

std::string protocolName(unsigned long protocol) {
    if (protocol == SCARD_PROTOCOL_T0) return "T=0";
    if (protocol == SCARD_PROTOCOL_T1) return "T=1";
    return "raw";
}

}  // namespace

core::Error pcscError(long rv, const char* what) {
    char code[16];
    std::snprintf(code, sizeof code, "0x%08lX", static_cast<unsigned long>(rv) & 0xFFFFFFFFUL);
    std::string text = pcsc_stringify_error(static_cast<LONG>(rv));
    while (!text.empty() && text.back() == '.') text.pop_back();
    return core::Error(errcFor(static_cast<LONG>(rv)), std::string(what) + ": " + text + " (" + code + ")");
}

// ---- PcscContext ----

core::Result<std::shared_ptr<PcscContext>> PcscContext::establish() {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardEstablishContext"));
    return std::shared_ptr<PcscContext>(new PcscContext(ctx));
}

PcscContext::~PcscContext() { SCardReleaseContext(m_ctx); }

core::Result<std::vector<std::string>> PcscContext::listReaders() {
    std::vector<std::string> readers;
    // The list can change between the size query and the fetch; retry a few times on a short buffer.
    for (int attempt = 0; attempt < 3; ++attempt) {
        DWORD len = 0;
        LONG rv = SCardListReaders(m_ctx, nullptr, nullptr, &len);
        if (rv == SCARD_E_NO_READERS_AVAILABLE) return readers;  // "none" is an answer, not a failure
        if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardListReaders"));
        std::string buf(len, '\0');
        rv = SCardListReaders(m_ctx, nullptr, buf.data(), &len);
        if (rv == SCARD_E_INSUFFICIENT_BUFFER) continue;
        if (rv == SCARD_E_NO_READERS_AVAILABLE) return readers;
        if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardListReaders"));
        buf.resize(len);
        // Multi-string: names separated by NUL, terminated by an empty name.
        for (std::size_t pos = 0; pos < buf.size();) {
            std::size_t end = buf.find('\0', pos);
            if (end == std::string::npos) end = buf.size();
            if (end == pos) break;
            readers.emplace_back(buf.substr(pos, end - pos));
            pos = end + 1;
        }
        return readers;
    }
    return core::fail(core::Errc::Transport, "SCardListReaders: reader list kept changing");
}

// ---- PcscTransport ----

PcscTransport::PcscTransport(std::shared_ptr<PcscContext> ctx, std::string reader, long card,
                             unsigned long protocol)
    : m_ctx(std::move(ctx)), m_reader(std::move(reader)), m_card(card), m_protocol(protocol) {}

PcscTransport::~PcscTransport() {
    if (m_txDepth > 0) SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
    SCardDisconnect(m_card, SCARD_LEAVE_CARD);
}

core::Result<std::unique_ptr<PcscTransport>> PcscTransport::connect(std::shared_ptr<PcscContext> ctx,
                                                                    const std::string& reader) {
    if (!ctx) return core::fail(core::Errc::InvalidArgument, "PcscTransport::connect: no context");
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    LONG rv = SCardConnect(ctx->handle(), reader.c_str(), SCARD_SHARE_SHARED, kProtocols, &card, &protocol);
    if (rv != SCARD_S_SUCCESS) {
        auto e = pcscError(rv, "SCardConnect");
        e.message += " [" + reader + "]";
        return core::fail(std::move(e));
    }
    MESIGN_LOG("pcsc", Debug, "connected to '" + reader + "' (" + protocolName(protocol) + ")");
    std::unique_ptr<PcscTransport> t(new PcscTransport(std::move(ctx), reader, card, protocol));
    t->readReaderLimits();
    return t;
}

void PcscTransport::readReaderLimits() {
    // SCARD_ATTR_MAXINPUT: the largest command the driver sends (the CCID driver: from the reader's
    // dwMaxCCIDMessageLength). A DWORD when answered; many drivers answer SCARD_E_UNSUPPORTED_FEATURE.
    BYTE buf[8] = {};
    DWORD len = sizeof buf;
    LONG rv = SCardGetAttrib(m_card, SCARD_ATTR_MAXINPUT, buf, &len);
    if (rv != SCARD_S_SUCCESS || len < 1 || len > 4) {
        MESIGN_LOG("pcsc", Debug, "'" + m_reader + "' does not report its maximum APDU size");
        return;
    }
    unsigned long maxInput = 0;
    for (DWORD i = len; i-- > 0;) maxInput = (maxInput << 8) | buf[i];  // little-endian DWORD
    m_readerExtended = maxInput > 261 || maxInput == 0;  // 0: no limit stated
    MESIGN_LOG("pcsc", Debug,
               "'" + m_reader + "' takes APDUs up to " + std::to_string(maxInput) +
                   " bytes: extended length " + (m_readerExtended ? "possible" : "off"));
}

core::Result<std::unique_ptr<PcscTransport>> PcscTransport::connectMatching(
    std::shared_ptr<PcscContext> ctx, const std::string& readerSubstring) {
    if (!ctx) return core::fail(core::Errc::InvalidArgument, "PcscTransport::connectMatching: no context");
    auto readers = ctx->listReaders();
    if (!readers) return core::fail(std::move(readers).error());
    std::optional<core::Error> last;
    for (const auto& name : *readers) {
        if (!readerSubstring.empty() && name.find(readerSubstring) == std::string::npos) continue;
        auto t = connect(ctx, name);
        if (t) return t;
        last = std::move(t).error();
        // An empty or vanished reader is a reason to try the next one; anything else is reported.
        if (last->code != core::Errc::NoCard && last->code != core::Errc::NoReader &&
            last->code != core::Errc::CardRemoved)
            return core::fail(std::move(*last));
    }
    if (last) return core::fail(core::Errc::NoCard, "no card in any reader matching '" + readerSubstring + "'");
    return core::fail(core::Errc::NoReader, "no reader matching '" + readerSubstring + "'");
}

// After another handle reset the card, pcsc-lite fails every call on our handle with SCARD_W_RESET_CARD
// until we acknowledge it with SCardReconnect. SCARD_LEAVE_CARD: the card was just reset, do not reset again.
// Whichever call (transmit, atr, beginTransaction) first meets the reset re-attaches and returns
// Errc::CardReset once; the next call works on the re-attached handle.
core::Status PcscTransport::reconnect() {
    DWORD protocol = 0;
    LONG rv = SCardReconnect(m_card, SCARD_SHARE_SHARED, kProtocols, SCARD_LEAVE_CARD, &protocol);
    if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardReconnect"));
    m_protocol = protocol;
    // A transaction we held is not carried over a reset; take it again so the caller's guard stays valid.
    if (m_txDepth > 0) {
        rv = SCardBeginTransaction(m_card);
        if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardBeginTransaction"));
    }
    MESIGN_LOG("pcsc", Info, "card in '" + m_reader + "' was reset by another party; re-attached");
    return {};
}

core::Result<Bytes> PcscTransport::transmit(ByteView command) {
    if (command.size() < 4) return core::fail(core::Errc::InvalidArgument, "SCardTransmit: APDU shorter than 4 bytes");
    MESIGN_LOG("pcsc", Debug, "> " + apdu::describeCommand(command));
    Bytes response(MAX_BUFFER_SIZE_EXTENDED);
    DWORD len = static_cast<DWORD>(response.size());
    SCARD_IO_REQUEST recvPci{};
    LONG rv = SCardTransmit(m_card, pciFor(m_protocol), command.data(), static_cast<DWORD>(command.size()),
                            &recvPci, response.data(), &len);
    if (rv == SCARD_W_RESET_CARD) {
        // The command was not sent. Re-attach and tell the caller once, so it re-selects and forgets logins.
        MESIGN_TRY(reconnect());
        return core::fail(pcscError(rv, "SCardTransmit"));
    }
    if (isCommunicationFailure(rv)) return core::fail(transmitFailure(pcscError(rv, "SCardTransmit").message));
    // pcscd already knew: the card left during (or before) this command.
    if (rv == SCARD_E_NO_SMARTCARD)
        return core::fail(core::Error(core::Errc::CardRemoved, pcscError(rv, "SCardTransmit").message));
    if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardTransmit"));
    // vpcd answers a card that vanished mid-APDU with success and no bytes: the same lost link.
    if (len == 0) return core::fail(transmitFailure("SCardTransmit: empty answer"));
    if (len < 2) return core::fail(core::Errc::Malformed, "SCardTransmit: response shorter than a status word");
    response.resize(len);
    MESIGN_LOG("pcsc", Debug, "< " + apdu::describeResponse(command[1], response));
    return response;
}

bool isCommunicationFailure(long rv) {
    switch (static_cast<LONG>(rv)) {
        case SCARD_E_NOT_TRANSACTED:
        case SCARD_E_COMM_DATA_LOST:
        case SCARD_F_COMM_ERROR:
        case SCARD_F_UNKNOWN_ERROR:
        case SCARD_W_UNPOWERED_CARD:
        case SCARD_W_UNRESPONSIVE_CARD:
            return true;
        default:
            return false;
    }
}

// pcscd tells a removal only after its next presence poll, so a transmit interrupted by the pull usually
// fails with a plain communication error first. Ask the handle (SCARD_W_REMOVED_CARD once pcscd knows,
// and for good: also after the card came back), then wait, bounded, for the reader to show it empty or
// its event counter (bits 16-31 of dwEventState) to move. A card that is back within one poll stays
// unnoticed by pcscd: that remains a device error.
bool PcscTransport::cardLeftReader() {
    auto handleSaysGone = [&] {
        DWORD readerLen = 0, state = 0, protocol = 0;
        BYTE atrBuf[MAX_ATR_SIZE];
        DWORD atrLen = sizeof atrBuf;
        const LONG rv = SCardStatus(m_card, nullptr, &readerLen, &state, &protocol, atrBuf, &atrLen);
        return rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD || rv == SCARD_E_READER_UNAVAILABLE ||
               (rv == SCARD_S_SUCCESS && !(state & SCARD_PRESENT));
    };
    if (handleSaysGone()) return true;
    // An own context: a blocking SCardGetStatusChange holds its context's lock in pcsc-lite, and the shared
    // one serves the other tokens' calls meanwhile.
    SCARDCONTEXT ctx = 0;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS) return false;
    SCARD_READERSTATE rs{};
    rs.szReader = m_reader.c_str();
    rs.dwCurrentState = SCARD_STATE_UNAWARE;
    bool gone = false;
    LONG rv = SCardGetStatusChange(ctx, 0, &rs, 1);
    const DWORD counter = rs.dwEventState >> 16;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRemovalProbeMs);
    while (rv == SCARD_S_SUCCESS) {
        if (rs.dwEventState & (SCARD_STATE_EMPTY | SCARD_STATE_UNAVAILABLE)) {
            gone = true;
            break;
        }
        if ((rs.dwEventState >> 16) != counter) {  // out and in again between two looks
            gone = true;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        rs.dwCurrentState = rs.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
        rv = SCardGetStatusChange(ctx, static_cast<DWORD>(left.count()), &rs, 1);
    }
    SCardReleaseContext(ctx);
    return gone || handleSaysGone();
}

core::Error PcscTransport::transmitFailure(std::string detail) {
    const auto start = std::chrono::steady_clock::now();
    const bool gone = cardLeftReader();
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    MESIGN_LOG("pcsc", Info,
               detail + (gone ? ": the card left '" : ": the card is still in '") + m_reader + "' (checked in " +
                   std::to_string(waited) + " ms)");
    if (gone) return core::Error(core::Errc::CardRemoved, detail + ": the card was removed from '" + m_reader + "'");
    return core::Error(core::Errc::Transport, detail);
}

core::Result<Bytes> PcscTransport::atr() {
    BYTE atrBuf[MAX_ATR_SIZE];
    DWORD atrLen = sizeof atrBuf;
    DWORD state = 0;
    DWORD protocol = 0;
    DWORD readerLen = 0;
    LONG rv = SCardStatus(m_card, nullptr, &readerLen, &state, &protocol, atrBuf, &atrLen);
    if (rv == SCARD_W_RESET_CARD) {
        MESIGN_TRY(reconnect());
        return core::fail(pcscError(rv, "SCardStatus"));
    }
    if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardStatus"));
    return Bytes(atrBuf, atrBuf + atrLen);
}

core::Status PcscTransport::reset() {
    DWORD protocol = 0;
    LONG rv = SCardReconnect(m_card, SCARD_SHARE_SHARED, kProtocols, SCARD_RESET_CARD, &protocol);
    if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardReconnect(reset)"));
    m_protocol = protocol;
    if (m_txDepth > 0) {
        rv = SCardBeginTransaction(m_card);
        if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardBeginTransaction"));
    }
    MESIGN_LOG("pcsc", Debug, "reset card in '" + m_reader + "'");
    return {};
}

core::Status PcscTransport::beginTransaction() {
    if (m_txDepth > 0) {
        ++m_txDepth;
        return {};
    }
    LONG rv = SCardBeginTransaction(m_card);
    if (rv == SCARD_W_RESET_CARD) {
        // Re-attach and report once; the caller re-selects (and forgets logins) and begins again.
        MESIGN_TRY(reconnect());
        return core::fail(pcscError(rv, "SCardBeginTransaction"));
    }
    if (rv != SCARD_S_SUCCESS) return core::fail(pcscError(rv, "SCardBeginTransaction"));
    m_txDepth = 1;
    return {};
}

void PcscTransport::endTransaction() {
    if (m_txDepth == 0) return;
    if (--m_txDepth > 0) return;
    LONG rv = SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
    if (rv != SCARD_S_SUCCESS) MESIGN_LOG("pcsc", Warn, pcscError(rv, "SCardEndTransaction").message);
}

}  // namespace transport
