// Which tokens need the user's attention, and why, as a pure function of their status and the time, so
// that the tray's icon, notifications and tests agree: a certificate expiring within the warning window
// (30 days by default), expired, a PIN on its final try or locked, a PUK locked.
#pragma once

#include <ctime>
#include <vector>

#include "core/client/token_status.h"

namespace client {

constexpr int kDefaultWarningDays = 30;

enum class CertHealth { Valid, Expiring, Expired, NotYetValid };
CertHealth certHealth(const crypto::CertificateInfo& cert, std::time_t now, int warningDays);
// Days left until notAfter, rounded to the nearest day and at least 1 while valid (negative once expired:
// days since, rounded up).
long daysLeft(const crypto::CertificateInfo& cert, std::time_t now);

// Ordered by severity: the tray shows the worst of all its tokens.
enum class Attention {
    Ready = 0,     // nothing to do
    CertExpiring,  // a certificate expires within the warning window
    ActionNeeded,  // e.g. the PUK is locked, or the key list cannot be read
    PinFinalTry,   // one PIN try left
    CertExpired,
    PinLocked,
};

struct AttentionItem {
    Attention what = Attention::Ready;
    std::string slot;  // the key slot for certificate items, else empty
    long days = 0;     // days left (CertExpiring) / since (CertExpired, as a positive number)
};

// Everything that needs attention on one token (empty: ready), worst first.
std::vector<AttentionItem> attentionItems(const TokenStatus& status, std::time_t now, int warningDays);
Attention worstAttention(const std::vector<TokenStatus>& tokens, std::time_t now, int warningDays);

}  // namespace client
