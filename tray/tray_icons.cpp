#include "tray/tray_icons.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace tray {

TrayState trayState(bool anyToken, client::Attention worst) {
    if (!anyToken) return TrayState::NoToken;
    switch (worst) {
        case client::Attention::Ready:
            return TrayState::Ready;
        case client::Attention::CertExpiring:
            return TrayState::CertExpiring;
        case client::Attention::ActionNeeded:
            return TrayState::ActionNeeded;
        case client::Attention::PinFinalTry:
            return TrayState::PinFinalTry;
        case client::Attention::CertExpired:
            return TrayState::CertExpired;
        case client::Attention::PinLocked:
            return TrayState::PinLocked;
    }
    return TrayState::ActionNeeded;
}

namespace {

QColor stateColor(TrayState s) {
    switch (s) {
        case TrayState::NoToken:
            return QColor(0x88, 0x88, 0x88);
        case TrayState::Ready:
            return QColor(0x2e, 0x9e, 0x44);
        case TrayState::CertExpiring:
            return QColor(0xe0, 0xa8, 0x00);
        case TrayState::ActionNeeded:
            return QColor(0xe6, 0x6b, 0x00);
        case TrayState::PinFinalTry:  // orange padlock: one try left; red padlock: locked
            return QColor(0xd9, 0x4f, 0x00);
        case TrayState::CertExpired:
        case TrayState::PinLocked:
            return QColor(0xcc, 0x22, 0x22);
    }
    return Qt::gray;
}

QPixmap draw(TrayState s, int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal u = size / 32.0;
    const QColor c = stateColor(s);
    // The token: a rounded card with a contact chip.
    QRectF card(2 * u, 7 * u, 28 * u, 19 * u);
    p.setPen(QPen(c.darker(140), 1.5 * u));
    p.setBrush(s == TrayState::NoToken ? QBrush(Qt::NoBrush) : QBrush(c));
    p.drawRoundedRect(card, 3 * u, 3 * u);
    p.setBrush(QColor(0xf2, 0xd0, 0x6b));
    p.setPen(QPen(QColor(0x8a, 0x6d, 0x1a), 0.8 * u));
    p.drawRoundedRect(QRectF(6 * u, 12 * u, 8 * u, 7 * u), 1.2 * u, 1.2 * u);
    // The state mark in the lower right corner.
    QRectF badge(17 * u, 15 * u, 14 * u, 14 * u);
    p.setPen(QPen(Qt::white, 2.4 * u, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    switch (s) {
        case TrayState::NoToken: {
            p.setPen(QPen(c, 2 * u, Qt::DashLine));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(badge.adjusted(2 * u, 2 * u, -2 * u, -2 * u));
            break;
        }
        case TrayState::Ready: {
            p.setBrush(c.darker(120));
            p.setPen(Qt::NoPen);
            p.drawEllipse(badge);
            p.setPen(QPen(Qt::white, 2.4 * u, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            QPainterPath tick;
            tick.moveTo(badge.left() + 3.5 * u, badge.center().y());
            tick.lineTo(badge.center().x() - 0.5 * u, badge.bottom() - 3.5 * u);
            tick.lineTo(badge.right() - 3 * u, badge.top() + 3.5 * u);
            p.drawPath(tick);
            break;
        }
        default: {
            p.setBrush(c.darker(115));
            p.setPen(QPen(Qt::white, 1 * u));
            p.drawEllipse(badge);
            p.setPen(QPen(Qt::white, 2.6 * u, Qt::SolidLine, Qt::RoundCap));
            const qreal x = badge.center().x();
            if (s == TrayState::PinLocked || s == TrayState::PinFinalTry) {
                // a padlock
                p.setBrush(Qt::white);
                p.setPen(Qt::NoPen);
                p.drawRect(QRectF(x - 3.5 * u, badge.center().y() - 0.5 * u, 7 * u, 5 * u));
                p.setBrush(Qt::NoBrush);
                p.setPen(QPen(Qt::white, 1.6 * u));
                p.drawArc(QRectF(x - 2.5 * u, badge.top() + 2.5 * u, 5 * u, 6 * u), 0, 180 * 16);
            } else {
                p.drawLine(QPointF(x, badge.top() + 3.5 * u), QPointF(x, badge.bottom() - 6 * u));
                p.drawPoint(QPointF(x, badge.bottom() - 3.2 * u));
            }
            break;
        }
    }
    return pm;
}

}  // namespace

QIcon trayIcon(TrayState state) {
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64}) icon.addPixmap(draw(state, size));
    return icon;
}

QString trayStateText(TrayState state) {
    auto tr = [](const char* s) { return QCoreApplication::translate("tray::TrayIcon", s); };
    switch (state) {
        case TrayState::NoToken:
            return tr("No token");
        case TrayState::Ready:
            return tr("Token ready");
        case TrayState::CertExpiring:
            return tr("A certificate expires soon");
        case TrayState::ActionNeeded:
            return tr("Action needed");
        case TrayState::PinFinalTry:
            return tr("PIN: final try left");
        case TrayState::CertExpired:
            return tr("A certificate has expired");
        case TrayState::PinLocked:
            return tr("PIN locked");
    }
    return {};
}

}  // namespace tray
