#include "tray/settings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tray {

TraySettings TraySettings::load() {
    QSettings s;
    TraySettings t;
    t.warningDays = qBound(1, s.value(QStringLiteral("expiry/warningDays"), 30).toInt(), 365);
    t.notifications = s.value(QStringLiteral("notifications/enabled"), true).toBool();
    return t;
}

void TraySettings::save() const {
    QSettings s;
    s.setValue(QStringLiteral("expiry/warningDays"), warningDays);
    s.setValue(QStringLiteral("notifications/enabled"), notifications);
}

SettingsDialog::SettingsDialog(const TraySettings& current, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("MeSign Token settings"));
    m_days = new QSpinBox(this);
    m_days->setRange(1, 365);
    m_days->setSuffix(tr(" days"));
    m_days->setValue(current.warningDays);
    m_notify = new QCheckBox(tr("Show notifications"), this);
    m_notify->setChecked(current.notifications);
    auto* form = new QFormLayout;
    form->addRow(tr("Warn before a certificate expires:"), m_days);
    form->addRow(QString(), m_notify);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

TraySettings SettingsDialog::value() const {
    return {m_days->value(), m_notify->isChecked()};
}

}  // namespace tray
