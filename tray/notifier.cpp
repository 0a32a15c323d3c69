#include "tray/notifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QSystemTrayIcon>

#include "tray/token_model.h"

namespace tray {

namespace {
const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");

QString holderLine(const client::TokenStatus& t) {
    const QString holder = QString::fromStdString(t.holder());
    const QString reader = QString::fromStdString(t.reader);
    if (holder.isEmpty())
        return Notifier::tr("%1 (no certificate) in %2").arg(TokenModel::tokenTitle(t), reader);
    return Notifier::tr("%1, certificate of %2, in %3").arg(TokenModel::tokenTitle(t), holder, reader);
}
}  // namespace

Notifier::Notifier(TokenModel& model, QSystemTrayIcon* icon, QObject* parent)
    : QObject(parent), m_model(model), m_icon(icon) {
    connect(&model, &TokenModel::tokenInserted, this, &Notifier::onInserted);
    connect(&model, &TokenModel::tokenRemoved, this, &Notifier::onRemoved);
    connect(&model, &TokenModel::tokensUpdated, this, &Notifier::onUpdated);
    // Clicks on our notices (the server broadcasts ActionInvoked; only ids it gave us count).
    QDBusConnection::sessionBus().connect(kService, kPath, kService, QStringLiteral("ActionInvoked"), this,
                                          SLOT(onActionInvoked(uint, QString)));
}

void Notifier::onActionInvoked(uint id, const QString& action) {
    if (!m_sentIds.contains(id)) return;
    if (action == QLatin1String("default") || action == QLatin1String("show")) Q_EMIT showWindowRequested();
}

bool Notifier::freedesktopAvailable() const {
    auto bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface()) return false;
    return bus.interface()->isServiceRegistered(kService).value();
}

void Notifier::onInserted(const client::TokenStatus& t) {
    if (!m_firstReadDone) return;  // present when the agent started (login): PIN/expiry notices still come
    emitNotice({Notice::Inserted, tr("Token inserted: %1").arg(TokenModel::tokenTitle(t)), holderLine(t)});
}

void Notifier::onRemoved(const client::TokenStatus& t) {
    emitNotice({Notice::Removed, tr("Token removed: %1").arg(TokenModel::tokenTitle(t)), holderLine(t)});
    // Told again when it comes back.
    const QString prefix = QString::fromStdString(t.info.serial) + QLatin1Char('/');
    for (auto it = m_announced.begin(); it != m_announced.end();)
        it = it->startsWith(prefix) ? m_announced.erase(it) : std::next(it);
}

void Notifier::onUpdated() {
    QSet<QString> current;
    for (const auto& t : m_model.tokens()) {
        for (const auto& item : client::attentionItems(t, m_model.now(), m_model.warningDays())) {
            Notice::Kind kind;
            switch (item.what) {
                case client::Attention::PinLocked:
                    kind = Notice::PinLocked;
                    break;
                case client::Attention::CertExpiring:
                    kind = Notice::CertExpiring;
                    break;
                case client::Attention::CertExpired:
                    kind = Notice::CertExpired;
                    break;
                default:
                    continue;
            }
            const QString key =
                QStringLiteral("%1/%2/%3")
                    .arg(QString::fromStdString(t.info.serial), QString::fromStdString(item.slot))
                    .arg(static_cast<int>(kind));
            current.insert(key);
            if (m_announced.contains(key)) continue;
            m_announced.insert(key);
            QString title = kind == Notice::PinLocked
                                ? tr("PIN locked on %1").arg(TokenModel::tokenTitle(t))
                                : tr("Certificate needs renewal on %1").arg(TokenModel::tokenTitle(t));
            QString body = TokenModel::attentionText(item);
            if (kind == Notice::PinLocked)
                body =
                    client::appKindOf(t.info) == token::AppKind::OpenPgp
                        ? tr("%1: unblock it with the admin PIN or the resetting code from the token window.")
                              .arg(body)
                        : tr("%1: unblock it with the PUK from the token window.").arg(body);
            emitNotice({kind, title, body});
        }
    }
    // A state that went away (PIN unblocked, certificate renewed) may be told again if it comes back.
    m_announced.intersect(current);
    m_firstReadDone = true;
}

void Notifier::emitNotice(Notice n) {
    m_history.push_back(n);
    Q_EMIT noticed(n);
    if (m_enabled) show(n);
}

void Notifier::show(const Notice& n) {
    if (freedesktopAvailable()) {
        const QString icon = n.kind == Notice::Inserted || n.kind == Notice::Removed
                                 ? QStringLiteral("dialog-information")
                                 : QStringLiteral("dialog-warning");
        // Sent asynchronously: the GUI never waits for the notification server; the reply's id arrives
        // later and marks which ActionInvoked signals are ours. (QDBusInterface would introspect the
        // server synchronously first.) "default" is the click on the notice itself.
        QDBusMessage call =
            QDBusMessage::createMethodCall(kService, kPath, kService, QStringLiteral("Notify"));
        const QStringList actions{QStringLiteral("default"), tr("Show tokens"), QStringLiteral("show"),
                                  tr("Show tokens")};
        call << QStringLiteral("MeSign Token") << 0u << icon << n.title << n.body << actions << QVariantMap()
             << -1;
        auto* watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* w) {
            QDBusPendingReply<uint> reply = *w;
            if (reply.isValid()) m_sentIds.insert(reply.value());
            w->deleteLater();
        });
        return;
    }
    if (m_icon && QSystemTrayIcon::isSystemTrayAvailable())
        m_icon->showMessage(n.title, n.body,
                            n.kind == Notice::Inserted || n.kind == Notice::Removed
                                ? QSystemTrayIcon::Information
                                : QSystemTrayIcon::Warning);
}

}  // namespace tray
