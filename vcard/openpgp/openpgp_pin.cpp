// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and the resetting code (PUT DATA D3).
// Every attempt is counted (and saved) before the comparison, so pulling the card cannot undo a miss.
#include <algorithm>

#include "core/apdu/status_words.h"
#include "vcard/openpgp/openpgp_applet.h"
#include "vcard/openpgp/openpgp_internal.h"

namespace vcard::openpgp {

namespace sw = apdu::sw;

namespace {

constexpr uint8_t kRefPw1Sign = 0x81, kRefPw1Other = 0x82, kRefPw3 = 0x83;

bool lengthOk(ByteView pin, std::size_t min) {
    return pin.size() >= min && pin.size() <= kPinMax;
}

uint16_t retriesSw(uint8_t left) {
    return sw::retries(std::min<int>(left, 15));
}

}  // namespace

Response OpenPgpApplet::verify(const Command& cmd) {
    if (cmd.p1 != 0x00 && cmd.p1 != 0xFF) return swOnly(sw::kIncorrectP1P2);
    if (cmd.p2 != kRefPw1Sign && cmd.p2 != kRefPw1Other && cmd.p2 != kRefPw3) return swOnly(sw::kReferenceNotFound);
    const bool admin = cmd.p2 == kRefPw3;
    bool& flag = admin ? m_vol.pw3 : (cmd.p2 == kRefPw1Sign ? m_vol.pw1Sign : m_vol.pw1Other);
    if (cmd.p1 == 0xFF) {  // v3: reset this verification state
        if (!cmd.data.empty()) return swOnly(sw::kWrongLength);
        flag = false;
        return swOnly(sw::kOk);
    }
    const uint8_t left = admin ? m_state.pw3Left : m_state.pw1Left;
    if (cmd.data.empty()) {  // status query
        if (flag) return swOnly(sw::kOk);
        return swOnly(left == 0 ? sw::kAuthBlocked : retriesSw(left));
    }
    if (left == 0) return swOnly(sw::kAuthBlocked);
    // A PIN of impossible length cannot be right: refused without using up a try.
    if (!lengthOk(cmd.data, admin ? kPw3Min : kPw1Min)) return swOnly(sw::kIncorrectData);

    OpenPgpState next = m_state;
    --(admin ? next.pw3Left : next.pw1Left);
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    if (!core::equalConstantTime(cmd.data, view(admin ? m_state.pw3 : m_state.pw1))) {
        // A miss drops every state of that PIN (both PW1 modes share one secret and counter).
        if (admin)
            m_vol.pw3 = false;
        else
            m_vol.pw1Sign = m_vol.pw1Other = false;
        return swOnly(sw::kSecurityNotSatisfied);
    }
    next = m_state;
    (admin ? next.pw3Left : next.pw1Left) = kRetries;
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    flag = true;
    return swOnly(sw::kOk);
}

Response OpenPgpApplet::changeReference(const Command& cmd) {
    if (cmd.p1 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (cmd.p2 != kRefPw1Sign && cmd.p2 != kRefPw3) return swOnly(sw::kReferenceNotFound);
    const bool admin = cmd.p2 == kRefPw3;
    const auto& current = admin ? m_state.pw3 : m_state.pw1;
    if ((admin ? m_state.pw3Left : m_state.pw1Left) == 0) return swOnly(sw::kAuthBlocked);
    // No separator: the old value is as long as the stored PIN (openpgp-card.md §4.2).
    const ByteView data = cmd.data;
    if (data.size() <= current.size()) return swOnly(sw::kIncorrectData);
    const ByteView oldValue = data.first(current.size()), newValue = data.subspan(current.size());
    if (!lengthOk(newValue, admin ? kPw3Min : kPw1Min)) return swOnly(sw::kIncorrectData);

    OpenPgpState next = m_state;
    --(admin ? next.pw3Left : next.pw1Left);
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    if (!core::equalConstantTime(oldValue, view(current))) {
        (admin ? m_vol.pw3 : m_vol.pw1Sign) = false;
        if (!admin) m_vol.pw1Other = false;
        return swOnly(sw::kSecurityNotSatisfied);
    }
    next = m_state;
    if (admin) {
        next.pw3 = core::secureCopy(newValue);
        next.pw3Left = kRetries;
    } else {
        next.pw1 = core::secureCopy(newValue);
        next.pw1Left = kRetries;
    }
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    // The new PIN has to be presented again before use.
    if (admin)
        m_vol.pw3 = false;
    else
        m_vol.pw1Sign = m_vol.pw1Other = false;
    return swOnly(sw::kOk);
}

Response OpenPgpApplet::resetRetryCounter(const Command& cmd) {
    if (cmd.p1 != 0x00 && cmd.p1 != 0x02) return swOnly(sw::kIncorrectP1P2);
    if (cmd.p2 != kRefPw1Sign) return swOnly(sw::kReferenceNotFound);
    const ByteView data = cmd.data;
    OpenPgpState next = m_state;
    if (cmd.p1 == 0x02) {  // after PW3
        if (!m_vol.pw3) return swOnly(sw::kSecurityNotSatisfied);
        if (!lengthOk(data, kPw1Min)) return swOnly(sw::kIncorrectData);
        next.pw1 = core::secureCopy(data);
        next.pw1Left = kRetries;
    } else {  // with the resetting code: RC || new PW1
        if (m_state.rc.empty() || m_state.rcLeft == 0) return swOnly(sw::kAuthBlocked);
        const std::size_t n = m_state.rc.size();
        if (data.size() <= n || !lengthOk(data.subspan(n), kPw1Min)) return swOnly(sw::kIncorrectData);
        --next.rcLeft;
        if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
        if (!core::equalConstantTime(data.first(n), view(m_state.rc))) return swOnly(sw::kSecurityNotSatisfied);
        next = m_state;
        next.rcLeft = kRetries;
        next.pw1 = core::secureCopy(data.subspan(n));
        next.pw1Left = kRetries;
    }
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    m_vol.pw1Sign = m_vol.pw1Other = false;
    return swOnly(sw::kOk);
}

Response OpenPgpApplet::putResettingCode(ByteView value) {
    OpenPgpState next = m_state;
    if (value.empty()) {  // removes the resetting code
        next.rc.clear();
        next.rcLeft = 0;
    } else {
        if (!lengthOk(value, kRcMin)) return swOnly(sw::kWrongLength);
        next.rc = core::secureCopy(value);
        next.rcLeft = kRetries;
    }
    return swOnly(commit(std::move(next)));
}

}  // namespace vcard::openpgp
