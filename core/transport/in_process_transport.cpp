#include "core/transport/in_process_transport.h"

namespace transport {

core::Result<Bytes> InProcessTransport::transmit(ByteView command) {
    if (m_pendingFailure) {
        core::Error e = std::move(*m_pendingFailure);
        m_pendingFailure.reset();
        return core::fail(std::move(e));
    }
    if (!m_card.process) return core::fail(core::Errc::NoCard, "in-process transport has no card");
    Bytes rsp = m_card.process(command);
    if (rsp.size() < 2) return core::fail(core::Errc::Transport, "card answered fewer than 2 bytes");
    return rsp;
}

core::Result<Bytes> InProcessTransport::atr() {
    if (!m_card.atr) return core::fail(core::Errc::NoCard, "in-process transport has no card");
    return m_card.atr();
}

core::Status InProcessTransport::reset() {
    if (m_card.reset) m_card.reset();
    return {};
}

core::Status InProcessTransport::beginTransaction() {
    ++m_depth;
    return {};
}

void InProcessTransport::endTransaction() {
    if (m_depth > 0) --m_depth;
}

}  // namespace transport
