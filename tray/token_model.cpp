#include "tray/token_model.h"

#include <openssl/x509v3.h>

#include <QBrush>
#include <QColor>
#include <QFont>
#include <algorithm>

namespace tray {

namespace {

// Tokens are the same token across reads when reader and serial agree.
bool sameToken(const client::TokenStatus& a, const client::TokenStatus& b) {
    return a.reader == b.reader && a.info.serial == b.info.serial && a.info.application == b.info.application;
}

QString fromStd(const std::string& s) {
    return QString::fromStdString(s);
}

QString dateText(std::time_t t) {
    return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(t), Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd"));
}

QString triesText(const cardapp::PinStatus& p) {
    if (p.retriesLeft < 0) return TokenModel::tr("unknown");
    if (p.blocked()) return TokenModel::tr("locked");
    return TokenModel::tr("%n tries left", nullptr, p.retriesLeft);
}

}  // namespace

TokenModel::TokenModel(QObject* parent) : QAbstractItemModel(parent) {}

std::time_t TokenModel::now() const {
    return m_fixedNow ? *m_fixedNow : static_cast<std::time_t>(QDateTime::currentSecsSinceEpoch());
}

void TokenModel::setWarningDays(int days) {
    if (days == m_warningDays) return;
    beginResetModel();
    m_warningDays = days;
    endResetModel();
    Q_EMIT tokensUpdated();
}

void TokenModel::setTokens(const TokenList& tokens) {
    TokenList removed, inserted;
    for (const auto& old : m_tokens)
        if (std::none_of(tokens.begin(), tokens.end(), [&](const auto& t) { return sameToken(old, t); }))
            removed.push_back(old);
    for (const auto& t : tokens)
        if (std::none_of(m_tokens.begin(), m_tokens.end(),
                         [&](const auto& old) { return sameToken(old, t); }))
            inserted.push_back(t);
    beginResetModel();
    m_tokens = tokens;
    endResetModel();
    for (const auto& t : removed) Q_EMIT tokenRemoved(t);
    for (const auto& t : inserted) Q_EMIT tokenInserted(t);
    Q_EMIT tokensUpdated();
}

const client::TokenStatus* TokenModel::tokenAt(const QModelIndex& index) const {
    if (!index.isValid()) return nullptr;
    const auto row = index.internalId() == 0 ? index.row() : static_cast<int>(index.internalId()) - 1;
    if (row < 0 || row >= static_cast<int>(m_tokens.size())) return nullptr;
    return &m_tokens[static_cast<std::size_t>(row)];
}

const client::KeyStatus* TokenModel::keyAt(const QModelIndex& index) const {
    if (!index.isValid() || index.internalId() == 0) return nullptr;
    const auto* t = tokenAt(index);
    if (!t || index.row() >= static_cast<int>(t->keys.size())) return nullptr;
    return &t->keys[static_cast<std::size_t>(index.row())];
}

client::Attention TokenModel::worstAttention() const {
    return client::worstAttention(m_tokens, now(), m_warningDays);
}

QModelIndex TokenModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount) return {};
    if (!parent.isValid()) {
        if (row >= static_cast<int>(m_tokens.size())) return {};
        return createIndex(row, column, quintptr(0));
    }
    if (parent.internalId() != 0) return {};  // keys have no children
    const auto& t = m_tokens[static_cast<std::size_t>(parent.row())];
    if (row >= static_cast<int>(t.keys.size())) return {};
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex TokenModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0) return {};
    return createIndex(static_cast<int>(child.internalId()) - 1, 0, quintptr(0));
}

int TokenModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return static_cast<int>(m_tokens.size());
    if (parent.internalId() != 0 || parent.column() != 0) return 0;
    return static_cast<int>(m_tokens[static_cast<std::size_t>(parent.row())].keys.size());
}

int TokenModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant TokenModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case ColName:
            return tr("Token / certificate");
        case ColSlot:
            return tr("Serial / slot");
        case ColDetail:
            return tr("Application / key");
        case ColExpiry:
            return tr("PIN / valid until");
        case ColStatus:
            return tr("Status");
        default:
            return {};
    }
}

QVariant TokenModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const auto* t = tokenAt(index);
    if (!t) return {};
    if (role == SlotIdRole) return QVariant::fromValue(static_cast<qulonglong>(t->slotId));
    if (role == IsTokenRole) return index.internalId() == 0;
    if (index.internalId() == 0) return tokenData(*t, index.column(), role);
    const auto* k = keyAt(index);
    if (!k) return {};
    if (role == KeyRefRole) return static_cast<int>(k->ref);
    return keyData(*k, index.column(), role);
}

QVariant TokenModel::tokenData(const client::TokenStatus& t, int column, int role) const {
    const auto items = client::attentionItems(t, now(), m_warningDays);
    if (role == AttentionRole)
        return static_cast<int>(items.empty() ? client::Attention::Ready : items.front().what);
    if (role == Qt::FontRole && column == ColName) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::ToolTipRole) return fromStd(t.reader);
    if (role != Qt::DisplayRole) return {};
    switch (column) {
        case ColName:
            return tokenTitle(t);
        case ColSlot:
            return fromStd(t.info.serial);
        case ColDetail:
            return fromStd(t.info.application);
        case ColExpiry:
            return tr("PIN: %1").arg(triesText(t.info.userPin));
        case ColStatus:
            return items.empty() ? tr("Ready") : attentionText(items.front());
        default:
            return {};
    }
}

QVariant TokenModel::keyData(const client::KeyStatus& k, int column, int role) const {
    const crypto::CertificateInfo* c = k.certificate ? &*k.certificate : nullptr;
    const auto health = c ? client::certHealth(*c, now(), m_warningDays) : client::CertHealth::Valid;
    if (role == Qt::BackgroundRole && c) {
        if (health == client::CertHealth::Expired) return QBrush(QColor(0xf4, 0xc7, 0xc3));
        if (health == client::CertHealth::Expiring) return QBrush(QColor(0xfc, 0xe8, 0xb2));
    }
    if (role == Qt::ToolTipRole && c) return fromStd(c->subject);
    if (role != Qt::DisplayRole) return {};
    const QString key = k.keyType.empty() ? tr("unknown key") : fromStd(k.keyType);
    switch (column) {
        case ColName:
            if (!c) return tr("(no certificate)");
            return c->commonName.empty() ? fromStd(c->subject) : fromStd(c->commonName);
        case ColSlot:
            return fromStd(k.slot);
        case ColDetail:
            return key;
        case ColExpiry:
            return c ? dateText(c->notAfter) : QString();
        case ColStatus:
            if (!c) return tr("key without certificate");
            switch (health) {
                case client::CertHealth::Expired:
                    return tr("expired");
                case client::CertHealth::Expiring:
                    return tr("expires in %n day(s)", nullptr, static_cast<int>(client::daysLeft(*c, now())));
                case client::CertHealth::NotYetValid:
                    return tr("not yet valid");
                case client::CertHealth::Valid:
                    return tr("valid");
            }
            return {};
        default:
            return {};
    }
}

QString TokenModel::tokenTitle(const client::TokenStatus& t) {
    return t.info.label.empty() ? tr("Token %1").arg(fromStd(t.info.serial)) : fromStd(t.info.label);
}

QString TokenModel::attentionText(const client::AttentionItem& item) {
    switch (item.what) {
        case client::Attention::Ready:
            return tr("Ready");
        case client::Attention::CertExpiring:
            return tr("certificate in slot %1 expires in %n day(s)", nullptr, static_cast<int>(item.days))
                .arg(fromStd(item.slot));
        case client::Attention::CertExpired:
            return tr("certificate in slot %1 has expired").arg(fromStd(item.slot));
        case client::Attention::PinFinalTry:
            return tr("PIN: final try left");
        case client::Attention::PinLocked:
            return tr("PIN locked");
        case client::Attention::ActionNeeded:
            return tr("action needed");
    }
    return {};
}

QString TokenModel::keyUsageText(uint32_t bits) {
    if (bits == 0) return tr("(not restricted)");
    QStringList names;
    if (bits & KU_DIGITAL_SIGNATURE) names << tr("digital signature");
    if (bits & KU_NON_REPUDIATION) names << tr("non-repudiation");
    if (bits & KU_KEY_ENCIPHERMENT) names << tr("key encipherment");
    if (bits & KU_DATA_ENCIPHERMENT) names << tr("data encipherment");
    if (bits & KU_KEY_AGREEMENT) names << tr("key agreement");
    if (bits & KU_KEY_CERT_SIGN) names << tr("certificate signing");
    if (bits & KU_CRL_SIGN) names << tr("CRL signing");
    return names.join(QStringLiteral(", "));
}

}  // namespace tray
