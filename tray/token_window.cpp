#include "tray/token_window.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

#include "tray/token_model.h"
#include "tray/tray_icons.h"

namespace tray {

namespace {

QString esc(const std::string& s) {
    return QString::fromStdString(s).toHtmlEscaped();
}

QString dateTime(std::time_t t) {
    return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(t), Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

// PEM of a DER certificate (OpenSSL does the encoding).
QByteArray pemOf(const core::Bytes& der) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (!x) return {};
    BIO* bio = BIO_new(BIO_s_mem());
    QByteArray out;
    if (bio && PEM_write_bio_X509(bio, x) == 1) {
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        out = QByteArray(data, static_cast<int>(len));
    }
    BIO_free(bio);
    X509_free(x);
    return out;
}

}  // namespace

TokenWindow::TokenWindow(TokenModel& model, QWidget* parent) : QWidget(parent), m_model(model) {
    setWindowTitle(tr("MeSign Token"));
    setObjectName(QStringLiteral("tokenWindow"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("tokens"));
    m_view->setModel(&model);
    m_view->setAlternatingRowColors(false);
    m_view->setUniformRowHeights(true);
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("details"));
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto button = [this](const QString& text, const char* name) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(QLatin1String(name));
        return b;
    };
    m_changePin = button(tr("Change PIN…"), "changePin");
    m_unblock = button(tr("Unblock PIN…"), "unblockPin");
    m_enroll = button(tr("Enrol…"), "enroll");
    m_import = button(tr("Import certificate…"), "importCertificate");
    m_renew = button(tr("Renew…"), "renew");
    m_export = button(tr("Export certificate…"), "exportCertificate");
    auto* buttons = new QHBoxLayout;
    for (auto* b : {m_changePin, m_unblock, m_enroll, m_import, m_renew, m_export}) buttons->addWidget(b);
    buttons->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split);
    layout->addLayout(buttons);
    resize(900, 520);

    auto slotOf = [this] {
        return static_cast<unsigned long>(m_view->currentIndex().data(TokenModel::SlotIdRole).toULongLong());
    };
    auto refOf = [this] {
        const auto* k = m_model.keyAt(m_view->currentIndex().siblingAtColumn(0));
        return k ? static_cast<int>(k->ref) : -1;
    };
    connect(m_changePin, &QPushButton::clicked, this, [=, this] { Q_EMIT changePinRequested(slotOf()); });
    connect(m_unblock, &QPushButton::clicked, this, [=, this] { Q_EMIT unblockPinRequested(slotOf()); });
    connect(m_enroll, &QPushButton::clicked, this, [=, this] { Q_EMIT enrollRequested(slotOf(), refOf()); });
    connect(m_renew, &QPushButton::clicked, this, [=, this] { Q_EMIT enrollRequested(slotOf(), refOf()); });
    connect(m_import, &QPushButton::clicked, this, [=, this] { Q_EMIT importRequested(slotOf(), refOf()); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export certificate"), QString(),
                                                          tr("PEM certificate (*.pem *.crt)"));
        QString error;
        if (!path.isEmpty() && !exportSelected(path, &error)) QMessageBox::warning(this, tr("Export"), error);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateDetails();
        updateButtons();
    });
    auto refreshAll = [this] {
        m_view->expandAll();
        const auto state = trayState(!m_model.tokens().empty(), m_model.worstAttention());
        m_summary->setText(tr("%n token(s) — %1", nullptr, static_cast<int>(m_model.tokens().size()))
                               .arg(trayStateText(state)));
        if (!m_view->currentIndex().isValid() && !m_model.tokens().empty()) selectToken(0);
        updateDetails();
        updateButtons();
    };
    connect(&model, &TokenModel::tokensUpdated, this, refreshAll);
    refreshAll();
}

QString TokenWindow::detailsText() const {
    return m_details->toPlainText();
}

void TokenWindow::selectToken(int row, int keyRow) {
    QModelIndex idx = m_model.index(row, 0);
    if (keyRow >= 0) idx = m_model.index(keyRow, 0, idx);
    if (idx.isValid()) m_view->setCurrentIndex(idx);
}

bool TokenWindow::exportSelected(const QString& path, QString* error) {
    const auto* k = m_model.keyAt(m_view->currentIndex().siblingAtColumn(0));
    if (!k || !k->certificate) {
        if (error) *error = tr("Select a certificate first.");
        return false;
    }
    const QByteArray pem = pemOf(k->certificate->der);
    QFile f(path);
    if (pem.isEmpty() || !f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(pem) != pem.size()) {
        if (error) *error = tr("Cannot write %1.").arg(path);
        return false;
    }
    return true;
}

void TokenWindow::updateButtons() {
    const QModelIndex cur = m_view->currentIndex();
    const auto* t = m_model.tokenAt(cur);
    const auto* k = m_model.keyAt(cur.siblingAtColumn(0));
    for (auto* b : {m_changePin, m_unblock, m_enroll, m_import}) b->setEnabled(t != nullptr);
    if (t) m_changePin->setEnabled(!t->info.userPin.blocked());
    const bool cert = k && k->certificate;
    m_export->setEnabled(cert);
    m_renew->setEnabled(cert && client::certHealth(*k->certificate, m_model.now(), m_model.warningDays()) !=
                                    client::CertHealth::Valid);
}

void TokenWindow::updateDetails() {
    const QModelIndex cur = m_view->currentIndex();
    const auto* t = m_model.tokenAt(cur);
    if (!t) {
        m_details->setHtml(tr("<p>No token. Insert a token or smart card.</p>"));
        return;
    }
    QString html;
    const auto* k = m_model.keyAt(cur.siblingAtColumn(0));
    if (!k) {
        html += tr("<h3>%1</h3>").arg(TokenModel::tokenTitle(*t).toHtmlEscaped());
        html +=
            tr("<p>Reader: %1<br>Application: %2<br>Serial: %3<br>Manufacturer: %4<br>PIN: %5 tries "
               "left<br>%6: %7 tries left<br>PIN length: %8 to %9</p>")
                .arg(esc(t->reader), esc(t->info.application), esc(t->info.serial), esc(t->info.manufacturer))
                .arg(t->info.userPin.retriesLeft)
                .arg(t->info.application == "OpenPGP" ? tr("Admin PIN") : tr("PUK"))
                .arg(t->info.soPin.retriesLeft)
                .arg(t->info.minPinLength)
                .arg(t->info.maxPinLength);
        for (const auto& item : client::attentionItems(*t, m_model.now(), m_model.warningDays()))
            html += QStringLiteral("<p><b>%1</b></p>").arg(TokenModel::attentionText(item).toHtmlEscaped());
        if (!t->problem.empty()) html += tr("<p>Problem: %1</p>").arg(esc(t->problem));
        m_details->setHtml(html);
        return;
    }
    html += tr("<h3>Slot %1: %2</h3>").arg(esc(k->slot), esc(k->label));
    html += tr("<p>Key: %1%2</p>")
                .arg(k->keyType.empty() ? tr("unknown") : esc(k->keyType))
                .arg(k->keyBits ? tr(", %1 bits").arg(k->keyBits) : QString());
    if (!k->certificate) {
        html += tr("<p>No certificate in this slot.</p>");
    } else {
        const auto& c = *k->certificate;
        QStringList mails;
        for (const auto& e : c.emails) mails << esc(e);
        const auto health = client::certHealth(c, m_model.now(), m_model.warningDays());
        QString validity = tr("%1 to %2").arg(dateTime(c.notBefore), dateTime(c.notAfter));
        if (health == client::CertHealth::Expired) validity += tr(" — <b>expired</b>");
        if (health == client::CertHealth::Expiring)
            validity += tr(" — <b>expires in %n day(s)</b>", nullptr,
                           static_cast<int>(client::daysLeft(c, m_model.now())));
        html += tr("<p>Subject: %1<br>E-mail: %2<br>Issuer: %3<br>Valid: %4<br>Key usage: %5</p>")
                    .arg(esc(c.subject), mails.isEmpty() ? tr("(none)") : mails.join(QStringLiteral(", ")),
                         esc(c.issuer), validity, TokenModel::keyUsageText(c.keyUsage).toHtmlEscaped());
    }
    m_details->setHtml(html);
}

}  // namespace tray
