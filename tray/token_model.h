// The tokens as a tree for views: one row per token (label, serial, application, PIN tries, status), its
// key slots as child rows (slot, subject, e-mail, issuer, valid until, key, usage). Fed with whole
// status lists from the worker (setTokens); tells who came and went (tokenInserted / tokenRemoved) by
// (reader, serial), so notifications follow the model. Expiring and expired certificates are highlighted
// with the warning window of the settings.
#pragma once

#include <QAbstractItemModel>
#include <QDateTime>

#include "core/client/expiry.h"
#include "tray/card_worker.h"

namespace tray {

class TokenModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum Column { ColName, ColSlot, ColDetail, ColExpiry, ColStatus, ColumnCount };
    enum Role { SlotIdRole = Qt::UserRole + 1, KeyRefRole, IsTokenRole, AttentionRole };

    explicit TokenModel(QObject* parent = nullptr);

    int warningDays() const { return m_warningDays; }
    void setWarningDays(int days);
    // The time the expiry logic uses (tests set it; default: the current time at each call).
    void setNow(std::optional<std::time_t> now) { m_fixedNow = now; }
    std::time_t now() const;

    const TokenList& tokens() const { return m_tokens; }
    const client::TokenStatus* tokenAt(const QModelIndex& index) const;
    const client::KeyStatus* keyAt(const QModelIndex& index) const;
    client::Attention worstAttention() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Human text shared by the window, the notifications and the tray tooltip.
    static QString tokenTitle(const client::TokenStatus& t);
    static QString attentionText(const client::AttentionItem& item);
    static QString keyUsageText(uint32_t bits);

  public Q_SLOTS:
    void setTokens(const tray::TokenList& tokens);

  Q_SIGNALS:
    void tokenInserted(const client::TokenStatus& token);
    void tokenRemoved(const client::TokenStatus& token);
    void tokensUpdated();  // after every setTokens, once the model holds the new list

  private:
    QVariant tokenData(const client::TokenStatus& t, int column, int role) const;
    QVariant keyData(const client::KeyStatus& k, int column, int role) const;

    TokenList m_tokens;
    int m_warningDays = client::kDefaultWarningDays;
    std::optional<std::time_t> m_fixedNow;
};

}  // namespace tray
