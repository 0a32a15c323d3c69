// What the tray tells the user, and how. The policy: a notice when a token is inserted or removed (naming
// the token and its certificate holder), when a PIN becomes locked, and when a certificate comes within the
// warning window or expires (once per token, slot and state while the agent runs). The channel:
// org.freedesktop.Notifications through QtDBus when a notification server is on the session bus, else the
// tray icon's own balloon (QSystemTrayIcon::showMessage). Freedesktop notices carry an action ("default",
// "Show tokens") that opens the token window (ActionInvoked): on a desktop with no tray at all (GNOME
// without the AppIndicator extension) that and a second start of mesign-tray are the ways to the window.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QVector>

#include "core/client/token_status.h"

class QSystemTrayIcon;

namespace tray {

class TokenModel;

struct Notice {
    enum Kind { Inserted, Removed, PinLocked, CertExpiring, CertExpired };
    Kind kind = Inserted;
    QString title;
    QString body;
};

class Notifier : public QObject {
    Q_OBJECT
  public:
    Notifier(TokenModel& model, QSystemTrayIcon* icon, QObject* parent = nullptr);

    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool enabled() const { return m_enabled; }
    // Which channel the next notice takes.
    bool freedesktopAvailable() const;
    // Every notice decided so far (also those not shown because notifications are off), for the window
    // and tests.
    const QVector<Notice>& history() const { return m_history; }

    // Ids the notification server gave our notices (filled as its replies arrive).
    const QSet<uint>& sentIds() const { return m_sentIds; }

  Q_SIGNALS:
    void noticed(const tray::Notice& notice);  // each notice, as decided (before it is shown)
    void showWindowRequested();                // the user clicked one of our notices or its action

  private Q_SLOTS:
    void onActionInvoked(uint id, const QString& action);

  private:
    void onInserted(const client::TokenStatus& t);
    void onRemoved(const client::TokenStatus& t);
    void onUpdated();
    void emitNotice(Notice n);
    void show(const Notice& n);

    TokenModel& m_model;
    QSystemTrayIcon* m_icon;
    bool m_enabled = true;
    QVector<Notice> m_history;
    QSet<QString> m_announced;  // "serial/slot/kind" already told about
    QSet<uint> m_sentIds;
    bool m_firstReadDone = false;  // the first token list describes what was there, not what came
};

}  // namespace tray
