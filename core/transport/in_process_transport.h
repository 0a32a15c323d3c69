// Transport that hands APDUs to a function in the same process: unit tests run a virtual card (or a
// scripted fake) through the real Channel and card applications without pcscd.
#pragma once

#include <functional>

#include "core/transport/transport.h"

namespace transport {

class InProcessTransport final : public Transport {
public:
    struct Card {
        std::function<Bytes(ByteView)> process;  // APDU in, response out
        std::function<Bytes()> atr;
        std::function<void()> reset;              // warm reset (volatile state dropped)
    };

    explicit InProcessTransport(Card card, std::string name = "In-process card")
        : m_card(std::move(card)), m_name(std::move(name)) {}

    core::Result<Bytes> transmit(ByteView command) override;
    core::Result<Bytes> atr() override;
    core::Status reset() override;
    core::Status beginTransaction() override;
    void endTransaction() override;
    bool supportsExtendedLength() const override { return m_extended; }
    std::string readerName() const override { return m_name; }

    void setExtendedLength(bool on) { m_extended = on; }
    // Fault injection for tests: the next transmit reports this error once.
    void failNextTransmit(core::Error e) { m_pendingFailure = std::move(e); }
    int transactionDepth() const { return m_depth; }

private:
    Card m_card;
    std::string m_name;
    bool m_extended = false;
    int m_depth = 0;
    std::optional<core::Error> m_pendingFailure;
};

}  // namespace transport
