#include "tray/pin_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "tray/card_worker.h"
#include "tray/token_model.h"

namespace tray {

namespace {

core::SecureBytes secretOf(QLineEdit* e) {
    const QByteArray utf8 = e->text().toUtf8();
    core::SecureBytes s(utf8.begin(), utf8.end());
    // QString/QByteArray copies cannot be wiped reliably; at least drop the field's text at once.
    e->clear();
    return s;
}

QString errorText(const core::Error& e, const QString& what) {
    using core::Errc;
    switch (e.code) {
        case Errc::PinIncorrect:
            if (e.retries) return PinDialog::tr("Wrong %1: %n tries left.", nullptr, *e.retries).arg(what);
            return PinDialog::tr("Wrong %1.").arg(what);
        case Errc::AuthBlocked:
            return PinDialog::tr("The %1 is locked.").arg(what);
        case Errc::CardRemoved:
        case Errc::NoCard:
            return PinDialog::tr("The token was removed.");
        default:
            return QString::fromStdString(e.describe());
    }
}

}  // namespace

PinDialog::PinDialog(CardWorker& worker, const client::TokenStatus& token, Mode mode, QWidget* parent)
    : QDialog(parent), m_worker(worker), m_token(token), m_mode(mode) {
    const auto kind = client::appKindOf(token.info);
    m_oldRole = mode == Mode::Change ? client::PinRole::User : client::unblockRole(kind);
    m_oldRules = client::pinRules(kind, m_oldRole);
    m_newRules = client::pinRules(kind, client::PinRole::User);
    const QString oldName = tr(client::pinRoleName(kind, m_oldRole));
    setWindowTitle(mode == Mode::Change ? tr("Change PIN") : tr("Unblock PIN"));
    setObjectName(mode == Mode::Change ? QStringLiteral("changePinDialog")
                                       : QStringLiteral("unblockPinDialog"));

    auto* intro = new QLabel(this);
    QString text =
        tr("Token: <b>%1</b> (%2, serial %3)")
            .arg(TokenModel::tokenTitle(token).toHtmlEscaped(),
                 QString::fromStdString(token.info.application), QString::fromStdString(token.info.serial));
    text += QStringLiteral("<br>") + triesLine(token.info.userPin, tr("PIN"));
    if (mode == Mode::Unblock) text += QStringLiteral("<br>") + triesLine(token.info.soPin, oldName);
    text += QStringLiteral("<br>") +
            tr("The new PIN must be %1.").arg(QString::fromStdString(m_newRules.describe()));
    intro->setText(text);
    intro->setObjectName(QStringLiteral("intro"));

    auto makeField = [this](const char* name) {
        auto* e = new QLineEdit(this);
        e->setEchoMode(QLineEdit::Password);
        e->setObjectName(QLatin1String(name));
        e->setMaxLength(127);
        return e;
    };
    m_current = makeField("currentPin");
    m_new = makeField("newPin");
    m_repeat = makeField("repeatPin");
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);

    auto* form = new QFormLayout;
    const bool pgpUnblock = mode == Mode::Unblock && kind == token::AppKind::OpenPgp;
    if (pgpUnblock) {
        m_secretChoice = new QComboBox(this);
        m_secretChoice->setObjectName(QStringLiteral("secretChoice"));
        m_secretChoice->addItem(tr(client::pinRoleName(kind, client::PinRole::Admin)),
                                static_cast<int>(client::PinRole::Admin));
        m_secretChoice->addItem(tr(client::pinRoleName(kind, client::PinRole::ResettingCode)),
                                static_cast<int>(client::PinRole::ResettingCode));
        form->addRow(tr("Unblock with:"), m_secretChoice);
        connect(m_secretChoice, &QComboBox::currentIndexChanged, this, [this](int) {
            setUnblockSecret(static_cast<client::PinRole>(m_secretChoice->currentData().toInt()));
        });
    }
    m_currentLabel = new QLabel(mode == Mode::Change ? tr("Current PIN:") : tr("%1:").arg(oldName), this);
    form->addRow(m_currentLabel, m_current);
    form->addRow(tr("New PIN:"), m_new);
    form->addRow(tr("Repeat new PIN:"), m_repeat);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(mode == Mode::Change ? tr("Change PIN") : tr("Unblock PIN"));
    m_ok->setObjectName(QStringLiteral("ok"));
    connect(m_ok, &QPushButton::clicked, this, &PinDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    if (mode == Mode::Change && token.info.userPin.blocked()) {
        m_status->setText(
            client::appKindOf(token.info) == token::AppKind::OpenPgp
                ? tr("The PIN is locked: unblock it with the admin PIN or the resetting code instead.")
                : tr("The PIN is locked: unblock it with the PUK instead."));
        m_ok->setEnabled(false);
    }
}

void PinDialog::setUnblockSecret(client::PinRole role) {
    const auto kind = client::appKindOf(m_token.info);
    m_oldRole = role;
    m_oldRules = client::pinRules(kind, role);
    m_currentLabel->setText(tr("%1:").arg(tr(client::pinRoleName(kind, role))));
    m_current->clear();
}

QString PinDialog::statusText() const {
    return m_status->text();
}

QString PinDialog::triesLine(const cardapp::PinStatus& st, const QString& what) const {
    if (st.retriesLeft < 0) return tr("%1: tries left unknown").arg(what);
    if (st.blocked()) return tr("%1: <b>locked</b>").arg(what);
    return tr("%1: %n tries left", nullptr, st.retriesLeft).arg(what);
}

void PinDialog::submit() {
    const auto kind = client::appKindOf(m_token.info);
    const QString oldName = tr(client::pinRoleName(kind, m_oldRole));
    if (m_new->text() != m_repeat->text()) {
        m_current->clear();
        m_new->clear();
        m_repeat->clear();
        return finish(false, tr("The new PINs do not match."));
    }
    auto oldSecret = std::make_shared<core::SecureBytes>(secretOf(m_current));
    auto newSecret = std::make_shared<core::SecureBytes>(secretOf(m_new));
    m_repeat->clear();
    // Length checks here cost no try; the card would count a malformed PIN as a wrong one on some cards.
    if (!m_oldRules.accepts(core::view(*oldSecret)))
        return finish(false,
                      tr("The %1 must be %2.").arg(oldName, QString::fromStdString(m_oldRules.describe())));
    if (!m_newRules.accepts(core::view(*newSecret)))
        return finish(false,
                      tr("The new PIN must be %1.").arg(QString::fromStdString(m_newRules.describe())));

    m_ok->setEnabled(false);
    m_status->setText(tr("Talking to the token…"));
    const auto slot = m_token.slotId;
    const bool change = m_mode == Mode::Change;
    const client::PinRole secretRole = m_oldRole;
    m_worker.post<core::Status>(
        [=](client::Client& c) {
            return change ? c.changePin(slot, client::PinRole::User, core::view(*oldSecret),
                                        core::view(*newSecret))
                          : c.unblockPin(slot, secretRole, core::view(*oldSecret), core::view(*newSecret));
        },
        this,
        [this, oldName](core::Status st) {
            m_ok->setEnabled(true);
            if (st)
                return finish(true,
                              m_mode == Mode::Change ? tr("PIN changed.") : tr("PIN unblocked and set."));
            finish(false, errorText(st.error(), oldName));
        });
}

void PinDialog::finish(bool ok, const QString& message) {
    m_status->setText(message);
    Q_EMIT attemptFinished(ok, message);
    if (ok) accept();
}

}  // namespace tray
