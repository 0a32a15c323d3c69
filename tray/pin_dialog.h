// PIN change and PIN unblock. The dialog states the token, how many tries remain (read without spending
// one) and the PIN rules, checks length and repetition before the card sees anything, then runs the
// change on the card worker and shows the card's answer (e.g. "wrong PIN, 2 tries left"). The PINs live
// only in the line edits and, for the one card call, in wiped memory; the fields are cleared after each try.
#pragma once

#include <QDialog>

#include "core/client/pin_rules.h"
#include "core/client/token_status.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace tray {

class CardWorker;

class PinDialog : public QDialog {
    Q_OBJECT
  public:
    enum class Mode { Change, Unblock };
    PinDialog(CardWorker& worker, const client::TokenStatus& token, Mode mode, QWidget* parent = nullptr);

    QLineEdit* currentField() const { return m_current; }
    QLineEdit* newField() const { return m_new; }
    QLineEdit* repeatField() const { return m_repeat; }
    // OpenPGP unblock only (else null): the admin PIN (PW3, the default) or the resetting code.
    QComboBox* secretChoice() const { return m_secretChoice; }
    QPushButton* okButton() const { return m_ok; }
    QString statusText() const;

  Q_SIGNALS:
    // After the card answered (ok) or a local check / the card refused (!ok) — for tests and the window.
    void attemptFinished(bool ok, const QString& message);

  private:
    void submit();
    void finish(bool ok, const QString& message);
    QString triesLine(const cardapp::PinStatus& st, const QString& what) const;
    void setUnblockSecret(client::PinRole role);

    CardWorker& m_worker;
    client::TokenStatus m_token;
    Mode m_mode;
    client::PinRole m_oldRole;
    client::PinRules m_oldRules, m_newRules;
    QLabel* m_status;
    QLabel* m_currentLabel = nullptr;
    QComboBox* m_secretChoice = nullptr;
    QLineEdit* m_current;
    QLineEdit* m_new;
    QLineEdit* m_repeat;
    QPushButton* m_ok;
};

}  // namespace tray
