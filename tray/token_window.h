// The token window: the tokens and their certificates (tree), the selected item's details (subject,
// e-mail, issuer, validity, key type and size, key usage, slot), expiry highlighted by the model, and
// the actions: change/unblock PIN, enrol, import a certificate, renew, export a certificate.
#pragma once

#include <QWidget>

class QTreeView;
class QTextBrowser;
class QPushButton;
class QLabel;

namespace tray {

class TokenModel;

class TokenWindow : public QWidget {
    Q_OBJECT
  public:
    explicit TokenWindow(TokenModel& model, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    QString detailsText() const;
    // Selects the first token row (or a key row of it): used by tests and when the window opens.
    void selectToken(int row, int keyRow = -1);
    // Writes the selected certificate as PEM; false (and why in `error`) when nothing suitable is selected.
    bool exportSelected(const QString& path, QString* error = nullptr);

  Q_SIGNALS:
    void changePinRequested(unsigned long slotId);
    void unblockPinRequested(unsigned long slotId);
    void enrollRequested(unsigned long slotId, int keyRef);  // keyRef -1: none chosen
    void importRequested(unsigned long slotId, int keyRef);

  private:
    void updateDetails();
    void updateButtons();

    TokenModel& m_model;
    QTreeView* m_view;
    QTextBrowser* m_details;
    QLabel* m_summary;
    QPushButton* m_changePin;
    QPushButton* m_unblock;
    QPushButton* m_enroll;
    QPushButton* m_import;
    QPushButton* m_renew;
    QPushButton* m_export;
};

}  // namespace tray
