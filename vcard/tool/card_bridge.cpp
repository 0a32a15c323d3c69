#include "vcard/tool/card_bridge.h"

#include <exception>

#include <poll.h>

#include "core/apdu/command.h"
#include "core/base/log.h"
#include "vcard/tool/tool_log.h"

namespace vcardtool {

namespace {

constexpr uint8_t kPowerOff = 0x00;
constexpr uint8_t kPowerOn = 0x01;
constexpr uint8_t kReset = 0x02;
constexpr uint8_t kGetAtr = 0x04;

// vpcd treats an empty reply as a dead card and drops the connection, so always answer something.
Bytes answerApdu(vcard::VirtualCard& card, ByteView apdu) {
    Bytes response;
    try {
        response = card.process(apdu);
    } catch (const std::exception& e) {
        note(std::string("virtual card threw while processing an APDU: ") + e.what());
        response.clear();
    } catch (...) {
        note("virtual card threw while processing an APDU");
        response.clear();
    }
    if (response.size() < 2) return {0x6F, 0x00};
    return response;
}

// Returns false when the connection should end (a send failed).
bool handleControl(vcard::VirtualCard& card, VpcdConnection& conn, uint8_t code) {
    switch (code) {
        case kPowerOff:
            MESIGN_LOG("vcard", Debug, "power off");
            card.powerOff();
            return true;
        case kPowerOn:
            MESIGN_LOG("vcard", Debug, "power on");
            card.powerOn();
            return true;
        case kReset:
            MESIGN_LOG("vcard", Debug, "reset");
            card.reset();
            return true;
        case kGetAtr: {
            Bytes atr = card.atr();
            if (atr.empty()) {
                note("virtual card has no ATR; dropping the connection");
                return false;
            }
            if (auto s = conn.send(atr); !s) {
                note("sending the ATR failed: " + s.error().message);
                return false;
            }
            return true;
        }
        default:
            MESIGN_LOG("vcard", Debug, "ignoring unknown vpcd control byte " + core::toHex(ByteView(&code, 1)));
            return true;
    }
}

// Waits `ms` unless a stop signal arrives first (returns false then).
bool waitUnlessStopped(unsigned ms, int stopFd) {
    pollfd p{stopFd, POLLIN, 0};
    return poll(&p, stopFd >= 0 ? 1 : 0, static_cast<int>(ms)) <= 0;
}

}  // namespace

SessionEnd serveConnection(vcard::VirtualCard& card, VpcdConnection& conn, int stopFd,
                           const std::function<void()>& onFirstMessage, ApduLog& apduLog,
                           FaultInjector& faults) {
    bool first = true;
    Bytes message;
    for (;;) {
        switch (conn.receive(message, stopFd)) {
            case VpcdConnection::Received::Message: break;
            case VpcdConnection::Received::Closed: return SessionEnd::Closed;
            case VpcdConnection::Received::Stopped: return SessionEnd::Stopped;
            case VpcdConnection::Received::Failed:
                note("connection to vpcd failed: " + conn.lastError());
                return SessionEnd::Failed;
        }
        if (first) {
            first = false;
            if (onFirstMessage) onFirstMessage();
        }
        if (message.empty()) continue;  // vpcd never sends these; nothing to answer
        if (message.size() == 1) {
            if (!handleControl(card, conn, message[0])) return SessionEnd::Failed;
            continue;
        }
        MESIGN_LOG("vcard", Debug, "> " + apdu::describeCommand(message));
        Bytes response;
        const std::optional<Fault> fault = faults.take(message);
        switch (fault ? fault->kind : FaultKind::Slow) {
            case FaultKind::Drop: return SessionEnd::Dropped;
            case FaultKind::Garbage: response = garbageResponse(); break;
            case FaultKind::Sw6F00: response = {0x6F, 0x00}; break;
            case FaultKind::Sw: response = {uint8_t(fault->sw >> 8), uint8_t(fault->sw)}; break;
            case FaultKind::Truncate: response = truncatedResponse(answerApdu(card, message)); break;
            case FaultKind::Reset:
                card.reset();
                response = answerApdu(card, message);
                break;
            case FaultKind::Slow:
                if (fault && !waitUnlessStopped(fault->delayMs, stopFd)) return SessionEnd::Stopped;
                response = answerApdu(card, message);
                break;
        }
        apduLog.record(message, response);
        MESIGN_LOG("vcard", Debug, "< " + apdu::describeResponse(message[1], response));
        if (auto s = conn.send(response); !s) {
            note("sending a response failed: " + s.error().message);
            return SessionEnd::Failed;
        }
    }
}

}  // namespace vcardtool
