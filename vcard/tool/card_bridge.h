// Serves one vpcd connection with a virtual card: control bytes become power events, every other
// payload is an APDU answered with the card's response.
#pragma once

#include <functional>

#include "vcard/tool/apdu_log.h"
#include "vcard/tool/vpcd_connection.h"
#include "vcard/virtual_card.h"

namespace vcardtool {

enum class SessionEnd { Closed, Stopped, Failed };

// Runs until vpcd closes the connection, `stopFd` becomes readable, or an I/O error occurs.
// `onFirstMessage` runs once, when vpcd first talks to the card (the moment pcscd sees it inserted).
// Every answered APDU is recorded in `apduLog` when it is enabled.
SessionEnd serveConnection(vcard::VirtualCard& card, VpcdConnection& conn, int stopFd,
                           const std::function<void()>& onFirstMessage, ApduLog& apduLog);

}  // namespace vcardtool
