// The agent: owns the tray icon and its menu, the token model fed by the card worker thread, the
// notifier, the token window and the dialogs. The icon shows the worst state of all tokens at a glance.
#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <memory>

#include "core/client/token_status.h"
#include "tray/settings.h"

class QMenu;
class QSystemTrayIcon;

namespace client {
class Client;
}  // namespace client

namespace tray {

class CardWorker;
class EnrollWizard;
class EventWatcher;
class Notifier;
class PinDialog;
class TokenModel;
class TokenWindow;

class TrayController : public QObject {
    Q_OBJECT
  public:
    TrayController(std::unique_ptr<client::Client> client, TraySettings settings, QObject* parent = nullptr);
    ~TrayController() override;

    // Shows the tray icon and starts reading tokens and watching for events.
    void start();

    TokenModel& model() { return *m_model; }
    Notifier& notifier() { return *m_notifier; }
    CardWorker& worker() { return *m_worker; }
    QSystemTrayIcon& trayIcon() { return *m_icon; }
    QMenu& menu() { return *m_menu; }
    const TraySettings& settings() const { return m_settings; }
    void applySettings(const TraySettings& s);
    // Tokens are also re-read on this period (default 5 minutes): a PIN locked by another program, or a
    // certificate that enters the warning window while the agent runs, shows without a card event.
    void setPollInterval(std::chrono::milliseconds interval) { m_poll.setInterval(interval); }

    TokenWindow* showWindow();
    TokenWindow* window() const;  // nullptr until first shown
    PinDialog* openChangePin(unsigned long slotId);
    PinDialog* openUnblockPin(unsigned long slotId);
    EnrollWizard* openEnroll(std::optional<unsigned long> slotId, std::optional<int> keyRef,
                             bool importOnly = false);
    void openSettings();

  Q_SIGNALS:
    void stateChanged(int trayState);  // tray::TrayState, after each token update
    void readFailed(const QString& reason);

  private:
    void rebuildMenu();
    void updateIcon();
    const client::TokenStatus* tokenFor(unsigned long slotId) const;

    TraySettings m_settings;
    QThread m_thread;
    CardWorker* m_worker;  // lives in m_thread
    std::unique_ptr<EventWatcher> m_watcher;
    std::unique_ptr<TokenModel> m_model;
    std::unique_ptr<QSystemTrayIcon> m_icon;
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<Notifier> m_notifier;
    QPointer<TokenWindow> m_window;
    QString m_lastError;
    QTimer m_poll;
};

}  // namespace tray
