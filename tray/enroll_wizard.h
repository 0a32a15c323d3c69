// Enrolment: choose token and slot, key type (RSA-2048/3072, EC P-256/P-384: those the token reports it can
// generate, asked through our PKCS#11 module on the card worker when a token is chosen), name and e-mail; the
// key is generated on the token, a PKCS#10 request signed by the token key is saved (PEM) and shown; later
// (the same wizard, started at its last page) the issued certificate — PEM, DER or a PKCS#7 chain — is
// imported onto the token after checking that it matches the key. Renewal starts it for the slot of the
// expiring certificate. Card work runs on the card worker; the GUI thread only waits.
#pragma once

#include <QWizard>
#include <map>

#include "core/client/token_status.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace tray {

class CardWorker;

class EnrollWizard : public QWizard {
    Q_OBJECT
  public:
    enum PageId { ChooseKeyPage, IdentityPage, RequestPage, ImportPage };
    // `slotId`/`keyRef`: preselected (renewal, import); `startAtImport`: only import a certificate.
    EnrollWizard(CardWorker& worker, const std::vector<client::TokenStatus>& tokens,
                 QWidget* parent = nullptr, std::optional<token::SlotId> slotId = {},
                 std::optional<uint8_t> keyRef = {}, bool startAtImport = false);

    // The module libp11 loads for the request: $MESIGN_PKCS11_MODULE, else the build's or installed one.
    static QString modulePath();

    // Widgets by role, for tests and for the window (also findable by objectName).
    QComboBox* tokenBox() const { return m_token; }
    QComboBox* slotBox() const { return m_slot; }
    QComboBox* keyTypeBox() const { return m_keyType; }
    QLineEdit* adminField() const { return m_admin; }
    QCheckBox* defaultAdminBox() const { return m_defaultAdmin; }
    QLineEdit* nameField() const { return m_name; }
    QLineEdit* emailField() const { return m_email; }
    QLineEdit* pinField() const { return m_pin; }
    QLineEdit* requestPathField() const { return m_requestPath; }
    QPushButton* generateButton() const { return m_generate; }
    QPlainTextEdit* requestView() const { return m_requestText; }
    QLineEdit* certificatePathField() const { return m_certPath; }
    QPushButton* importButton() const { return m_import; }
    QString requestStatus() const;
    QString importStatus() const;
    // True once the chosen token has said which key types it can generate (keyTypeBox() then holds them).
    bool keyTypesKnown() const;
    QString keyTypeNote() const;

  Q_SIGNALS:
    void requestFinished(bool ok, const QString& message);  // key generated + request saved, or why not
    void importFinished(bool ok, const QString& message);
    void keyTypesChanged();  // keyTypeBox() refilled for the chosen token (or the question failed)

  private:
    void buildChoosePage();
    void buildIdentityPage();
    void buildRequestPage();
    void buildImportPage();
    void fillSlots();
    void fillKeyTypes();
    const client::TokenStatus* currentToken() const;
    std::optional<uint8_t> currentKeyRef() const;
    core::Result<core::SecureBytes> adminSecret();
    void generate();
    void importCertificate();

    CardWorker& m_worker;
    std::vector<client::TokenStatus> m_tokens;
    std::optional<uint8_t> m_presetRef;
    QComboBox* m_token = nullptr;
    QComboBox* m_slot = nullptr;
    QComboBox* m_keyType = nullptr;
    QLabel* m_keyNote = nullptr;
    // Per token (slot id): the key types it can generate, or why that is unknown.
    std::map<token::SlotId, std::vector<cardapp::KeyAlgorithm>> m_keyTypes;
    std::map<token::SlotId, QString> m_keyTypeErrors;
    QLineEdit* m_admin = nullptr;
    QCheckBox* m_defaultAdmin = nullptr;
    QLabel* m_adminLabel = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_email = nullptr;
    QLineEdit* m_org = nullptr;
    QLineEdit* m_pin = nullptr;
    QLineEdit* m_requestPath = nullptr;
    QPushButton* m_generate = nullptr;
    QPlainTextEdit* m_requestText = nullptr;
    QLabel* m_requestStatus = nullptr;
    QLineEdit* m_certPath = nullptr;
    QPushButton* m_import = nullptr;
    QLabel* m_importStatus = nullptr;
    bool m_requestDone = false;
};

}  // namespace tray
