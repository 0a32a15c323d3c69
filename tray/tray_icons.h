// The tray icon for each state, drawn with QPainter so that no image files need installing: a card
// outline, grey without a token, green when ready, amber when a certificate expires soon, orange when
// action is needed, red when a PIN is locked or on its final try or a certificate has expired.
#pragma once

#include <QIcon>

#include "core/client/expiry.h"

namespace tray {

enum class TrayState { NoToken, Ready, CertExpiring, ActionNeeded, PinFinalTry, CertExpired, PinLocked };

TrayState trayState(bool anyToken, client::Attention worst);
QIcon trayIcon(TrayState state);
QString trayStateText(TrayState state);

}  // namespace tray
