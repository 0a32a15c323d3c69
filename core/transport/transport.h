// A connection to one card in one reader. Implementations: PcscTransport (pcsc-lite, shared mode only)
// and InProcessTransport (calls a virtual card directly, for unit tests).
#pragma once

#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace transport {

using core::ByteView;
using core::Bytes;

class Transport {
public:
    virtual ~Transport() = default;

    // One raw APDU exchange: command bytes in, response (data || SW) out.
    // Errc::CardReset means another party reset the card since the last call: the transport has
    // re-attached, but volatile card state (selected application, verified PIN) is gone.
    virtual core::Result<Bytes> transmit(ByteView command) = 0;
    virtual core::Result<Bytes> atr() = 0;
    // Warm reset of the card (drops its security state for every process: use sparingly).
    virtual core::Status reset() = 0;
    // Exclusive use of the card for one atomic operation (PC/SC transaction); nests by counting.
    virtual core::Status beginTransaction() = 0;
    virtual void endTransaction() = 0;
    virtual bool supportsExtendedLength() const { return false; }
    virtual std::string readerName() const = 0;
};

// RAII guard: one PC/SC transaction for the lifetime of the guard.
class Transaction {
public:
    explicit Transaction(Transport& t) : m_t(t), m_status(t.beginTransaction()) {}
    ~Transaction() {
        if (m_status) m_t.endTransaction();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    const core::Status& status() const { return m_status; }
    explicit operator bool() const { return m_status.has_value(); }

private:
    Transport& m_t;
    core::Status m_status;
};

}  // namespace transport
