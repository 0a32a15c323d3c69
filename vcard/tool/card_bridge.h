// Serves one vpcd connection with a virtual card: control bytes become power events, every other
// payload is an APDU answered with the card's response.
#pragma once

#include <functional>

#include "vcard/tool/apdu_log.h"
#include "vcard/tool/fault_injector.h"
#include "vcard/tool/vpcd_connection.h"
#include "vcard/virtual_card.h"

namespace vcardtool {

// Dropped: a "drop" fault closed the connection on purpose (the card was pulled mid-APDU).
enum class SessionEnd { Closed, Stopped, Failed, Dropped };

// Runs until vpcd closes the connection, `stopFd` becomes readable, or an I/O error occurs.
// `onFirstMessage` runs once, when vpcd first talks to the card (the moment pcscd sees it inserted).
// Every answered APDU is recorded in `apduLog` when it is enabled; `faults` may alter or withhold the answer.
SessionEnd serveConnection(vcard::VirtualCard& card, VpcdConnection& conn, int stopFd,
                           const std::function<void()>& onFirstMessage, ApduLog& apduLog,
                           FaultInjector& faults);

}  // namespace vcardtool
