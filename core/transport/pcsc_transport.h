// pcsc-lite transport: one SCARDHANDLE in SCARD_SHARE_SHARED mode (never exclusive), transactions
// counted so nested guards work, and recovery from SCARD_W_RESET_CARD (reconnect, then report CardReset
// once so the caller re-selects and knows the login is gone).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/transport/transport.h"

namespace transport {

// An established PC/SC context (SCardEstablishContext / SCardReleaseContext).
class PcscContext {
public:
    static core::Result<std::shared_ptr<PcscContext>> establish();
    ~PcscContext();
    PcscContext(const PcscContext&) = delete;
    PcscContext& operator=(const PcscContext&) = delete;

    core::Result<std::vector<std::string>> listReaders();
    long handle() const { return m_ctx; }  // SCARDCONTEXT (an integer type in pcsc-lite)

private:
    explicit PcscContext(long ctx) : m_ctx(ctx) {}
    long m_ctx;
};

class PcscTransport final : public Transport {
public:
    // Connects to the card in `reader` (shared mode, T=1 or T=0).
    static core::Result<std::unique_ptr<PcscTransport>> connect(std::shared_ptr<PcscContext> ctx,
                                                                const std::string& reader);
    // First reader whose name contains `readerSubstring` (all readers if empty) and holds a card.
    static core::Result<std::unique_ptr<PcscTransport>> connectMatching(std::shared_ptr<PcscContext> ctx,
                                                                        const std::string& readerSubstring);
    ~PcscTransport() override;

    core::Result<Bytes> transmit(ByteView command) override;
    core::Result<Bytes> atr() override;
    core::Status reset() override;
    core::Status beginTransaction() override;
    void endTransaction() override;
    // The reader's side of extended length (the card's is the channel's business): false only when the
    // driver answers SCARD_ATTR_MAXINPUT with less than a 261-byte APDU (Lc 255 + header + Le). Drivers
    // that do not answer (vpcd) are assumed to pass extended APDUs through, as pcscd does: the card-level
    // probe (apdu::ChannelOptions::probeExtendedLength) falls back to short APDUs if they do not.
    bool supportsExtendedLength() const override { return m_readerExtended; }
    std::string readerName() const override { return m_reader; }

private:
    PcscTransport(std::shared_ptr<PcscContext> ctx, std::string reader, long card, unsigned long protocol);
    core::Status reconnect();
    void readReaderLimits();
    // A transmit that failed below the APDU level (`detail` says how): CardRemoved
    // when the card left the reader, else a Transport error. Costs at most kRemovalProbeMs, and only here.
    core::Error transmitFailure(std::string detail);
    bool cardLeftReader();

    std::shared_ptr<PcscContext> m_ctx;
    std::string m_reader;
    long m_card;
    unsigned long m_protocol;
    int m_txDepth = 0;
    bool m_readerExtended = true;
};

// Maps a PC/SC return code to an Error ("SCardTransmit: Card was removed").
core::Error pcscError(long rv, const char* what);

// How long a failed transmit waits for pcscd to report the card gone before calling the failure a device
// error: pcscd polls drivers without an event thread (vpcd, some serial readers) every 0.4 s, so 1 s is two
// polls and a margin; readers with an event thread (CCID) report at once.
inline constexpr int kRemovalProbeMs = 1000;

// True for the return codes of a transmit that did not reach the card or did not come back from it, while
// pcscd may not know yet why (SCARD_W_REMOVED_CARD / SCARD_E_NO_SMARTCARD already say it: not included).
bool isCommunicationFailure(long rv);

}  // namespace transport
