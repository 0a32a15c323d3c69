// The agent's settings (QSettings, organisation "MeSign", application "mesign-tray"): the certificate
// expiry warning window in days (default 30) and whether notifications are shown. No PIN, ever.
#pragma once

#include <QDialog>

class QSpinBox;
class QCheckBox;

namespace tray {

struct TraySettings {
    int warningDays = 30;
    bool notifications = true;

    static TraySettings load();
    void save() const;
};

class SettingsDialog : public QDialog {
    Q_OBJECT
  public:
    explicit SettingsDialog(const TraySettings& current, QWidget* parent = nullptr);
    TraySettings value() const;

    QSpinBox* warningDaysBox() const { return m_days; }
    QCheckBox* notificationsBox() const { return m_notify; }

  private:
    QSpinBox* m_days;
    QCheckBox* m_notify;
};

}  // namespace tray
