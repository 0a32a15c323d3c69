#include "tray/enroll_wizard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWizardPage>
#include <functional>

#include "core/client/enrollment.h"
#include "core/client/key_caps.h"
#include "core/client/p11_signer.h"
#include "tray/card_worker.h"
#include "tray/token_model.h"

#ifndef MESIGN_PKCS11_MODULE_DEFAULT
#define MESIGN_PKCS11_MODULE_DEFAULT "/usr/lib/x86_64-linux-gnu/pkcs11/libmesign-pkcs11.so"
#endif
#ifndef MESIGN_PKCS11_MODULE_INSTALLED
#define MESIGN_PKCS11_MODULE_INSTALLED MESIGN_PKCS11_MODULE_DEFAULT
#endif

namespace tray {

namespace {

// A page whose "Next"/"Finish" waits for a condition (the request made, the certificate imported).
class GatedPage : public QWizardPage {
  public:
    std::function<bool()> complete;
    bool isComplete() const override { return complete ? complete() : QWizardPage::isComplete(); }
    void recheck() { Q_EMIT completeChanged(); }
};

QString errorText(const core::Error& e) {
    if (e.code == core::Errc::PinIncorrect && e.retries)
        return EnrollWizard::tr("Wrong PIN: %n tries left.", nullptr, *e.retries);
    return QString::fromStdString(e.describe());
}

}  // namespace

QString EnrollWizard::modulePath() {
    const QString built = QStringLiteral(MESIGN_PKCS11_MODULE_DEFAULT);
    const QString fallback = QFile::exists(built) ? built : QStringLiteral(MESIGN_PKCS11_MODULE_INSTALLED);
    return QString::fromStdString(client::pkcs11ModulePath(fallback.toStdString()));
}

EnrollWizard::EnrollWizard(CardWorker& worker, const std::vector<client::TokenStatus>& tokens,
                           QWidget* parent, std::optional<token::SlotId> slotId,
                           std::optional<uint8_t> keyRef, bool startAtImport)
    : QWizard(parent), m_worker(worker), m_tokens(tokens), m_presetRef(keyRef) {
    setWindowTitle(startAtImport ? tr("Import a certificate") : tr("Enrol a certificate"));
    setObjectName(QStringLiteral("enrollWizard"));
    setOption(QWizard::NoBackButtonOnLastPage, false);
    buildChoosePage();
    buildIdentityPage();
    buildRequestPage();
    buildImportPage();
    if (slotId) {
        for (int i = 0; i < m_token->count(); ++i)
            if (m_token->itemData(i).toULongLong() == *slotId) m_token->setCurrentIndex(i);
    }
    fillSlots();
    fillKeyTypes();
    if (startAtImport) setStartId(ImportPage);
}

bool EnrollWizard::keyTypesKnown() const {
    const auto* t = currentToken();
    return t && (m_keyTypes.contains(t->slotId) || m_keyTypeErrors.contains(t->slotId));
}

QString EnrollWizard::keyTypeNote() const {
    return m_keyNote->text();
}

// The key types the chosen token can generate, asked once per token on the card worker (the module
// reads the card); the list stays empty, and Generate refuses, until the answer is in.
void EnrollWizard::fillKeyTypes() {
    m_keyType->clear();
    const auto* t = currentToken();
    if (!t) return;
    const auto slot = t->slotId;
    if (auto it = m_keyTypes.find(slot); it != m_keyTypes.end()) {
        for (auto alg : it->second)
            m_keyType->addItem(QString::fromLatin1(cardapp::keyAlgorithmName(alg)), static_cast<int>(alg));
        m_keyType->setEnabled(!it->second.empty());
        m_keyNote->setText(it->second.empty() ? tr("This token reports no key type it can generate.")
                                              : tr("The key types this token reports it can generate."));
        return;
    }
    if (auto it = m_keyTypeErrors.find(slot); it != m_keyTypeErrors.end()) {
        m_keyType->setEnabled(false);
        m_keyNote->setText(tr("The token cannot tell which keys it generates: %1").arg(it->second));
        return;
    }
    m_keyType->setEnabled(false);
    m_keyNote->setText(tr("Asking the token which key types it can generate…"));
    const std::string module = modulePath().toStdString();
    const std::string serial = t->info.serial;
    m_worker.post<core::Result<client::KeyGenCapabilities>>(
        [module, serial](client::Client&) { return client::keyGenCapabilities(module, serial); }, this,
        [this, slot](core::Result<client::KeyGenCapabilities> caps) {
            if (caps)
                m_keyTypes[slot] = client::enrollAlgorithms(*caps);
            else
                m_keyTypeErrors[slot] = QString::fromStdString(caps.error().describe());
            const auto* now = currentToken();
            if (now && now->slotId == slot) fillKeyTypes();
            Q_EMIT keyTypesChanged();
        });
}

QString EnrollWizard::requestStatus() const {
    return m_requestStatus->text();
}
QString EnrollWizard::importStatus() const {
    return m_importStatus->text();
}

const client::TokenStatus* EnrollWizard::currentToken() const {
    const auto slot = m_token->currentData().toULongLong();
    for (const auto& t : m_tokens)
        if (t.slotId == slot) return &t;
    return nullptr;
}

std::optional<uint8_t> EnrollWizard::currentKeyRef() const {
    if (m_slot->currentIndex() < 0) return std::nullopt;
    return static_cast<uint8_t>(m_slot->currentData().toInt());
}

void EnrollWizard::buildChoosePage() {
    auto* page = new QWizardPage(this);
    page->setTitle(tr("Token, slot and key"));
    page->setSubTitle(
        tr("The key is generated on the token and never leaves it. A key already in the slot is replaced."));
    m_token = new QComboBox(page);
    m_token->setObjectName(QStringLiteral("token"));
    for (const auto& t : m_tokens)
        m_token->addItem(tr("%1 (%2, serial %3)")
                             .arg(TokenModel::tokenTitle(t), QString::fromStdString(t.info.application),
                                  QString::fromStdString(t.info.serial)),
                         QVariant::fromValue(static_cast<qulonglong>(t.slotId)));
    m_slot = new QComboBox(page);
    m_slot->setObjectName(QStringLiteral("slot"));
    m_keyType = new QComboBox(page);
    m_keyType->setObjectName(QStringLiteral("keyType"));
    m_admin = new QLineEdit(page);
    m_admin->setObjectName(QStringLiteral("admin"));
    m_admin->setEchoMode(QLineEdit::Password);
    m_defaultAdmin = new QCheckBox(tr("The token still has the default management key"), page);
    m_defaultAdmin->setObjectName(QStringLiteral("defaultAdmin"));
    m_defaultAdmin->setChecked(true);
    m_admin->setEnabled(false);
    connect(m_defaultAdmin, &QCheckBox::toggled, m_admin, [this](bool on) { m_admin->setEnabled(!on); });
    connect(m_token, &QComboBox::currentIndexChanged, this, [this] {
        fillSlots();
        fillKeyTypes();
    });
    m_adminLabel = new QLabel(page);
    auto* form = new QFormLayout(page);
    form->addRow(tr("Token:"), m_token);
    form->addRow(tr("Key slot:"), m_slot);
    form->addRow(tr("Key type:"), m_keyType);
    form->addRow(m_adminLabel, m_admin);
    form->addRow(QString(), m_defaultAdmin);
    m_keyNote = new QLabel(page);
    m_keyNote->setObjectName(QStringLiteral("keyTypeNote"));
    m_keyNote->setWordWrap(true);
    form->addRow(m_keyNote);
    setPage(ChooseKeyPage, page);
}

void EnrollWizard::fillSlots() {
    m_slot->clear();
    const auto* t = currentToken();
    if (!t) return;
    const auto kind = client::appKindOf(t->info);
    for (uint8_t ref : client::enrollableSlots(kind)) {
        QString text = QString::fromStdString(client::slotName(kind, ref));
        for (const auto& k : t->keys)
            if (k.ref == ref)
                text +=
                    k.certificate
                        ? tr(" — certificate of %1").arg(QString::fromStdString(k.certificate->commonName))
                        : tr(" — key without certificate");
        m_slot->addItem(text, static_cast<int>(ref));
        if (m_presetRef && *m_presetRef == ref) m_slot->setCurrentIndex(m_slot->count() - 1);
    }
    const bool openpgp = kind == token::AppKind::OpenPgp;
    m_adminLabel->setText(openpgp ? tr("Admin PIN (PW3):") : tr("Management key (hex):"));
    m_defaultAdmin->setVisible(!openpgp);
    m_defaultAdmin->setChecked(!openpgp);
    m_admin->setEnabled(openpgp);
}

void EnrollWizard::buildIdentityPage() {
    auto* page = new GatedPage;
    page->setParent(this);
    page->setTitle(tr("Name and e-mail"));
    page->setSubTitle(tr("They go into the certificate request. The PIN lets the token sign the request."));
    m_name = new QLineEdit(page);
    m_name->setObjectName(QStringLiteral("name"));
    m_email = new QLineEdit(page);
    m_email->setObjectName(QStringLiteral("email"));
    m_org = new QLineEdit(page);
    m_org->setObjectName(QStringLiteral("organization"));
    m_pin = new QLineEdit(page);
    m_pin->setObjectName(QStringLiteral("pin"));
    m_pin->setEchoMode(QLineEdit::Password);
    m_requestPath = new QLineEdit(QDir::home().filePath(QStringLiteral("mesign-request.pem")), page);
    m_requestPath->setObjectName(QStringLiteral("requestPath"));
    auto* form = new QFormLayout(page);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("E-mail:"), m_email);
    form->addRow(tr("Organisation (optional):"), m_org);
    form->addRow(tr("PIN:"), m_pin);
    form->addRow(tr("Save the request as:"), m_requestPath);
    page->complete = [this] { return !m_name->text().trimmed().isEmpty(); };
    connect(m_name, &QLineEdit::textChanged, page, [page] { page->recheck(); });
    setPage(IdentityPage, page);
}

void EnrollWizard::buildRequestPage() {
    auto* page = new GatedPage;
    page->setParent(this);
    page->setTitle(tr("Generate the key and the request"));
    page->complete = [this] { return m_requestDone; };
    m_generate = new QPushButton(tr("Generate key and request"), page);
    m_generate->setObjectName(QStringLiteral("generate"));
    m_requestStatus = new QLabel(page);
    m_requestStatus->setObjectName(QStringLiteral("requestStatus"));
    m_requestStatus->setWordWrap(true);
    m_requestText = new QPlainTextEdit(page);
    m_requestText->setObjectName(QStringLiteral("requestText"));
    m_requestText->setReadOnly(true);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_generate);
    layout->addWidget(m_requestStatus);
    layout->addWidget(m_requestText);
    connect(m_generate, &QPushButton::clicked, this, &EnrollWizard::generate);
    connect(this, &EnrollWizard::requestFinished, page, [page] { page->recheck(); });
    setPage(RequestPage, page);
}

void EnrollWizard::buildImportPage() {
    auto* page = new QWizardPage(this);
    page->setTitle(tr("Import the issued certificate"));
    page->setSubTitle(
        tr("Send the request to your certification authority. When the certificate comes back "
           "(PEM, DER or a PKCS#7 chain), import it here — now or later from the token window."));
    m_certPath = new QLineEdit(page);
    m_certPath->setObjectName(QStringLiteral("certificatePath"));
    auto* browse = new QPushButton(tr("Browse…"), page);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(
            this, tr("Certificate"), QString(),
            tr("Certificates (*.pem *.crt *.cer *.der *.p7b *.p7c);;All files (*)"));
        if (!f.isEmpty()) m_certPath->setText(f);
    });
    m_import = new QPushButton(tr("Import onto the token"), page);
    m_import->setObjectName(QStringLiteral("import"));
    m_importStatus = new QLabel(page);
    m_importStatus->setObjectName(QStringLiteral("importStatus"));
    m_importStatus->setWordWrap(true);
    auto* row = new QHBoxLayout;
    row->addWidget(m_certPath);
    row->addWidget(browse);
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(row);
    layout->addWidget(m_import);
    layout->addWidget(m_importStatus);
    connect(m_import, &QPushButton::clicked, this, &EnrollWizard::importCertificate);
    setPage(ImportPage, page);
}

core::Result<core::SecureBytes> EnrollWizard::adminSecret() {
    const auto* t = currentToken();
    if (t && client::appKindOf(t->info) == token::AppKind::Piv) {
        if (m_defaultAdmin->isChecked()) return client::defaultManagementKey();
        return client::parseManagementKey(m_admin->text().toStdString());
    }
    const QByteArray pin = m_admin->text().toUtf8();
    core::SecureBytes s(pin.begin(), pin.end());
    const auto rules = client::pinRules(token::AppKind::OpenPgp, client::PinRole::Admin);
    if (!rules.accepts(core::view(s)))
        return core::fail(core::Errc::InvalidArgument, "the admin PIN must be " + rules.describe());
    return s;
}

void EnrollWizard::generate() {
    const auto* t = currentToken();
    const auto ref = currentKeyRef();
    auto admin = adminSecret();
    if (!t || !ref) return Q_EMIT requestFinished(false, tr("Choose a token and a slot.")), void();
    if (m_keyType->currentIndex() < 0) {
        m_requestStatus->setText(tr("Choose a key type the token can generate."));
        return Q_EMIT requestFinished(false, m_requestStatus->text());
    }
    if (!admin) {
        m_requestStatus->setText(QString::fromStdString(admin.error().message));
        return Q_EMIT requestFinished(false, m_requestStatus->text());
    }
    const QByteArray pinText = m_pin->text().toUtf8();
    auto pin = std::make_shared<core::SecureBytes>(pinText.begin(), pinText.end());
    const auto pinRules = client::pinRules(client::appKindOf(t->info), client::PinRole::User);
    if (!pinRules.accepts(core::view(*pin))) {
        m_requestStatus->setText(tr("The PIN must be %1.").arg(QString::fromStdString(pinRules.describe())));
        return Q_EMIT requestFinished(false, m_requestStatus->text());
    }
    auto adminKey = std::make_shared<core::SecureBytes>(std::move(*admin));
    client::CsrSubject subject{m_name->text().trimmed().toStdString(),
                               m_email->text().trimmed().toStdString(),
                               m_org->text().trimmed().toStdString()};
    const auto alg = static_cast<cardapp::KeyAlgorithm>(m_keyType->currentData().toInt());
    const auto slot = t->slotId;
    const std::string module = modulePath().toStdString();
    const QString path = m_requestPath->text();
    m_generate->setEnabled(false);
    m_requestStatus->setText(tr("Generating the key on the token…"));
    m_worker.post<core::Result<std::string>>(
        [=](client::Client& c) -> core::Result<std::string> {
            auto spki = client::generateKey(c, slot, *ref, alg, core::view(*adminKey));
            if (!spki) return std::unexpected(spki.error());
            return client::makeCsrPem(c, slot, *ref, *spki, subject, core::view(*pin), module);
        },
        this,
        [this, path](core::Result<std::string> pem) {
            m_generate->setEnabled(true);
            if (!pem) {
                m_requestStatus->setText(tr("Failed: %1").arg(errorText(pem.error())));
                return Q_EMIT requestFinished(false, m_requestStatus->text());
            }
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                f.write(pem->data(), static_cast<qint64>(pem->size())) != static_cast<qint64>(pem->size())) {
                m_requestStatus->setText(
                    tr("The key was generated, but the request cannot be saved to %1.").arg(path));
                return Q_EMIT requestFinished(false, m_requestStatus->text());
            }
            f.close();
            m_requestText->setPlainText(QString::fromStdString(*pem));
            m_requestDone = true;
            m_pin->clear();
            m_requestStatus->setText(tr("Key generated on the token; request saved to %1.").arg(path));
            Q_EMIT requestFinished(true, m_requestStatus->text());
        });
}

void EnrollWizard::importCertificate() {
    const auto* t = currentToken();
    const auto ref = currentKeyRef();
    if (!t || !ref) {
        m_importStatus->setText(tr("Choose a token and a slot."));
        return Q_EMIT importFinished(false, m_importStatus->text());
    }
    QFile f(m_certPath->text());
    if (!f.open(QIODevice::ReadOnly) || f.size() > 1024 * 1024) {
        m_importStatus->setText(tr("Cannot read %1.").arg(m_certPath->text()));
        return Q_EMIT importFinished(false, m_importStatus->text());
    }
    const QByteArray content = f.readAll();
    auto bytes = std::make_shared<core::Bytes>(content.begin(), content.end());
    auto admin = adminSecret();
    if (!admin) {
        m_importStatus->setText(QString::fromStdString(admin.error().message));
        return Q_EMIT importFinished(false, m_importStatus->text());
    }
    auto adminKey = std::make_shared<core::SecureBytes>(std::move(*admin));
    const auto slot = t->slotId;
    m_import->setEnabled(false);
    m_importStatus->setText(tr("Checking the certificate against the key and writing it…"));
    m_worker.post<core::Result<crypto::CertificateInfo>>(
        [=](client::Client& c) {
            return client::importCertificate(c, slot, *ref, *bytes, core::view(*adminKey));
        },
        this,
        [this](core::Result<crypto::CertificateInfo> info) {
            m_import->setEnabled(true);
            if (!info) {
                m_importStatus->setText(tr("Not imported: %1").arg(errorText(info.error())));
                return Q_EMIT importFinished(false, m_importStatus->text());
            }
            m_importStatus->setText(
                tr("Certificate of %1 imported onto the token.").arg(QString::fromStdString(info->subject)));
            Q_EMIT importFinished(true, m_importStatus->text());
        });
}

}  // namespace tray
