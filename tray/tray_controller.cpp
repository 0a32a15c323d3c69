#include "tray/tray_controller.h"

#include <QApplication>
#include <QMenu>
#include <QSystemTrayIcon>

#include "core/client/client.h"
#include "tray/card_worker.h"
#include "tray/enroll_wizard.h"
#include "tray/notifier.h"
#include "tray/pin_dialog.h"
#include "tray/token_model.h"
#include "tray/token_window.h"
#include "tray/tray_icons.h"

namespace tray {

TrayController::TrayController(std::unique_ptr<client::Client> client, TraySettings settings, QObject* parent)
    : QObject(parent), m_settings(settings) {
    m_worker = new CardWorker(std::move(client));
    m_watcher = std::make_unique<EventWatcher>(m_worker->clientForWatcher());
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("card worker"));
    m_model = std::make_unique<TokenModel>();
    m_model->setWarningDays(m_settings.warningDays);
    m_icon = std::make_unique<QSystemTrayIcon>();
    m_menu = std::make_unique<QMenu>();
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_icon->setContextMenu(m_menu.get());
    m_notifier = std::make_unique<Notifier>(*m_model, m_icon.get());
    m_notifier->setEnabled(m_settings.notifications);
    connect(m_notifier.get(), &Notifier::showWindowRequested, this, [this] { showWindow(); });
    // A click on the tray's own balloon (no notification server) opens the window too.
    connect(m_icon.get(), &QSystemTrayIcon::messageClicked, this, [this] { showWindow(); });

    // Everything from the worker arrives queued, on the GUI thread.
    connect(m_worker, &CardWorker::tokensRead, m_model.get(), &TokenModel::setTokens, Qt::QueuedConnection);
    connect(
        m_worker, &CardWorker::tokensRead, this, [this] { m_lastError.clear(); }, Qt::QueuedConnection);
    connect(
        m_worker, &CardWorker::readFailed, this,
        [this](const QString& why) {
            m_lastError = why;
            m_model->setTokens({});
            Q_EMIT readFailed(why);
        },
        Qt::QueuedConnection);
    connect(m_watcher.get(), &EventWatcher::changed, m_worker, &CardWorker::refresh, Qt::QueuedConnection);
    connect(m_model.get(), &TokenModel::tokensUpdated, this, [this] {
        updateIcon();
        rebuildMenu();
    });
    connect(m_icon.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger || r == QSystemTrayIcon::DoubleClick) showWindow();
    });
    m_poll.setInterval(std::chrono::minutes(5));
    connect(&m_poll, &QTimer::timeout, m_worker, &CardWorker::refresh, Qt::QueuedConnection);
    updateIcon();
    rebuildMenu();
}

TrayController::~TrayController() {
    m_poll.stop();
    m_watcher->stop();
    m_watcher->wait();
    m_thread.quit();
    m_thread.wait();
    delete m_worker;  // its thread has ended
    delete m_window.data();
}

void TrayController::start() {
    m_thread.start();
    m_watcher->start();
    QMetaObject::invokeMethod(m_worker, &CardWorker::refresh, Qt::QueuedConnection);
    m_poll.start();
    m_icon->show();
}

void TrayController::applySettings(const TraySettings& s) {
    m_settings = s;
    m_notifier->setEnabled(s.notifications);
    m_model->setWarningDays(s.warningDays);
}

void TrayController::updateIcon() {
    const auto state = trayState(!m_model->tokens().empty(), m_model->worstAttention());
    m_icon->setIcon(tray::trayIcon(state));
    QString tip = tr("MeSign Token: %1").arg(trayStateText(state));
    if (!m_lastError.isEmpty()) tip += QLatin1Char('\n') + m_lastError;
    m_icon->setToolTip(tip);
    Q_EMIT stateChanged(static_cast<int>(state));
}

void TrayController::rebuildMenu() {
    m_menu->clear();
    const auto& tokens = m_model->tokens();
    if (tokens.empty()) m_menu->addAction(tr("No token inserted"))->setEnabled(false);
    for (const auto& t : tokens) {
        const auto items = client::attentionItems(t, m_model->now(), m_model->warningDays());
        const QString state = items.empty() ? tr("ready") : TokenModel::attentionText(items.front());
        const QString holder = QString::fromStdString(t.holder());
        QString text = TokenModel::tokenTitle(t);
        if (!holder.isEmpty()) text += QStringLiteral(" — ") + holder;
        auto* sub = m_menu->addMenu(
            tray::trayIcon(trayState(true, items.empty() ? client::Attention::Ready : items.front().what)),
            tr("%1 (%2)").arg(text, state));
        const auto slot = static_cast<unsigned long>(t.slotId);
        sub->addAction(tr("Change PIN…"), this, [this, slot] { openChangePin(slot); })
            ->setEnabled(!t.info.userPin.blocked());
        sub->addAction(tr("Unblock PIN…"), this, [this, slot] { openUnblockPin(slot); });
        sub->addAction(tr("Enrol a certificate…"), this, [this, slot] { openEnroll(slot, std::nullopt); });
        for (const auto& item : items)
            if (item.what == client::Attention::CertExpiring || item.what == client::Attention::CertExpired)
                for (const auto& k : t.keys)
                    if (k.slot == item.slot)
                        sub->addAction(
                            tr("Renew the certificate in slot %1…").arg(QString::fromStdString(k.slot)), this,
                            [this, slot, ref = static_cast<int>(k.ref)] { openEnroll(slot, ref); });
    }
    m_menu->addSeparator();
    m_menu->addAction(tr("Show tokens…"), this, [this] { showWindow(); });
    m_menu->addAction(tr("Settings…"), this, [this] { openSettings(); });
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), qApp, &QApplication::quit);
}

TokenWindow* TrayController::showWindow() {
    if (!m_window) {
        m_window = new TokenWindow(*m_model);
        m_window->setAttribute(Qt::WA_DeleteOnClose, false);
        connect(m_window, &TokenWindow::changePinRequested, this,
                [this](unsigned long s) { openChangePin(s); });
        connect(m_window, &TokenWindow::unblockPinRequested, this,
                [this](unsigned long s) { openUnblockPin(s); });
        connect(m_window, &TokenWindow::enrollRequested, this, [this](unsigned long s, int ref) {
            openEnroll(s, ref >= 0 ? std::optional<int>(ref) : std::nullopt);
        });
        connect(m_window, &TokenWindow::importRequested, this, [this](unsigned long s, int ref) {
            openEnroll(s, ref >= 0 ? std::optional<int>(ref) : std::nullopt, true);
        });
    }
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
    return m_window;
}

TokenWindow* TrayController::window() const {
    return m_window.data();
}

const client::TokenStatus* TrayController::tokenFor(unsigned long slotId) const {
    for (const auto& t : m_model->tokens())
        if (t.slotId == slotId) return &t;
    return nullptr;
}

PinDialog* TrayController::openChangePin(unsigned long slotId) {
    const auto* t = tokenFor(slotId);
    if (!t) return nullptr;
    auto* d = new PinDialog(*m_worker, *t, PinDialog::Mode::Change, m_window);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->show();
    return d;
}

PinDialog* TrayController::openUnblockPin(unsigned long slotId) {
    const auto* t = tokenFor(slotId);
    if (!t) return nullptr;
    auto* d = new PinDialog(*m_worker, *t, PinDialog::Mode::Unblock, m_window);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->show();
    return d;
}

EnrollWizard* TrayController::openEnroll(std::optional<unsigned long> slotId, std::optional<int> keyRef,
                                         bool importOnly) {
    if (m_model->tokens().empty()) return nullptr;
    std::optional<uint8_t> ref;
    if (keyRef) ref = static_cast<uint8_t>(*keyRef);
    std::optional<token::SlotId> slot;
    if (slotId) slot = *slotId;
    auto* w = new EnrollWizard(*m_worker, m_model->tokens(), m_window, slot, ref, importOnly);
    w->setAttribute(Qt::WA_DeleteOnClose);
    w->show();
    return w;
}

void TrayController::openSettings() {
    auto* d = new SettingsDialog(m_settings, m_window);
    d->setAttribute(Qt::WA_DeleteOnClose);
    connect(d, &QDialog::accepted, this, [this, d] {
        const TraySettings s = d->value();
        s.save();
        applySettings(s);
    });
    d->show();
}

}  // namespace tray
