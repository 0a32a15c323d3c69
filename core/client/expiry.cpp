#include "core/client/expiry.h"

#include <algorithm>

namespace client {

namespace {
constexpr long kDay = 24 * 60 * 60;
}

long daysLeft(const crypto::CertificateInfo& cert, std::time_t now) {
    const long diff = static_cast<long>(cert.notAfter - now);
    // Rounded to the nearest day, so that a certificate issued for 10 days reads "10 days" everywhere for
    // its first hours (rounding down showed 9 in one view and 10 in another, seconds apart); at least 1
    // while it is still valid, so that "0 days" never stands for "a few hours".
    if (diff > 0) return std::max(1L, (diff + kDay / 2) / kDay);
    return diff == 0 ? 0 : -((-diff + kDay - 1) / kDay);
}

CertHealth certHealth(const crypto::CertificateInfo& cert, std::time_t now, int warningDays) {
    if (now > cert.notAfter) return CertHealth::Expired;
    if (now < cert.notBefore) return CertHealth::NotYetValid;
    if (cert.notAfter - now <= static_cast<std::time_t>(warningDays) * kDay) return CertHealth::Expiring;
    return CertHealth::Valid;
}

std::vector<AttentionItem> attentionItems(const TokenStatus& status, std::time_t now, int warningDays) {
    std::vector<AttentionItem> items;
    const auto& pin = status.info.userPin;
    if (pin.blocked())
        items.push_back({Attention::PinLocked, {}, 0});
    else if (pin.retriesLeft == 1)
        items.push_back({Attention::PinFinalTry, {}, 0});
    if (status.info.soPin.blocked() || !status.problem.empty())
        items.push_back({Attention::ActionNeeded, {}, 0});
    for (const auto& k : status.keys) {
        if (!k.certificate) continue;
        switch (certHealth(*k.certificate, now, warningDays)) {
            case CertHealth::Expired:
                items.push_back({Attention::CertExpired, k.slot, -daysLeft(*k.certificate, now)});
                break;
            case CertHealth::Expiring:
                items.push_back({Attention::CertExpiring, k.slot, daysLeft(*k.certificate, now)});
                break;
            default:
                break;
        }
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const AttentionItem& a, const AttentionItem& b) { return a.what > b.what; });
    return items;
}

Attention worstAttention(const std::vector<TokenStatus>& tokens, std::time_t now, int warningDays) {
    Attention worst = Attention::Ready;
    for (const auto& t : tokens) {
        auto items = attentionItems(t, now, warningDays);
        if (!items.empty()) worst = std::max(worst, items.front().what);
    }
    return worst;
}

}  // namespace client
