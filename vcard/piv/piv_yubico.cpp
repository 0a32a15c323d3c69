// Yubico vendor commands that manage the applet: GET VERSION, GET SERIAL, SET MANAGEMENT KEY,
// SET PIN RETRIES, RESET.
#include "core/apdu/status_words.h"
#include "core/base/log.h"
#include "vcard/piv/piv_applet.h"
#include "vcard/piv/piv_internal.h"
#include "vcard/piv/piv_state.h"

namespace vcard::piv {

namespace sw = apdu::sw;

Response PivApplet::version(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    return withData(Bytes(kVersion, kVersion + 3));
}

Response PivApplet::serial(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    const uint32_t s = m_state.serial;
    return withData({static_cast<uint8_t>(s >> 24), static_cast<uint8_t>(s >> 16),
                     static_cast<uint8_t>(s >> 8), static_cast<uint8_t>(s)});
}

Response PivApplet::setManagementKey(const Command& cmd) {
    // P2 FF: no touch; FE: touch always.
    if (cmd.p1 != 0xFF || (cmd.p2 != 0xFF && cmd.p2 != 0xFE)) return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.admin) return swOnly(sw::kSecurityNotSatisfied);
    const ByteView d = cmd.data;
    if (d.size() < 3 || !isSymmetric(d[0]) || d[1] != ref::kMgmt || d[2] != symKeyBytes(d[0]) ||
        d.size() != 3u + d[2])
        return swOnly(sw::kIncorrectData);
    PivState next = m_state;
    next.mgmtAlg = d[0];
    next.mgmtTouch = cmd.p2 == 0xFE ? policy::kTouchAlways : policy::kNever;
    next.mgmtKey = core::secureCopy(d.subspan(3));
    const uint16_t r = commit(std::move(next));
    if (r == sw::kOk) MESIGN_LOG("vcard", Info, "PIV management key changed");
    return swOnly(r);
}

Response PivApplet::setPinRetries(const Command& cmd) {
    if (cmd.p1 == 0 || cmd.p2 == 0) return swOnly(sw::kIncorrectP1P2);
    if (!cmd.data.empty()) return swOnly(sw::kWrongLength);
    if (!m_vol.admin || !m_vol.pinVerified) return swOnly(sw::kSecurityNotSatisfied);
    PivState next = m_state;
    next.pinMax = next.pinLeft = cmd.p1;
    next.pukMax = next.pukLeft = cmd.p2;
    next.pin = defaultPin();  // as on YubiKeys: new counters come with default PIN and PUK
    next.puk = defaultPuk();
    const uint16_t r = commit(std::move(next));
    if (r == sw::kOk) m_vol.pinVerified = m_vol.pinFresh = false;
    return swOnly(r);
}

Response PivApplet::resetApplet(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (m_state.pinLeft != 0 || m_state.pukLeft != 0) return swOnly(sw::kConditionsNotSatisfied);
    auto fresh = resetPivState(m_state);
    if (!fresh) return swOnly(sw::kNoDiagnosis);
    const uint16_t r = commit(std::move(*fresh));
    if (r == sw::kOk) {
        m_vol = Volatile{};
        MESIGN_LOG("vcard", Info, "PIV applet reset to factory state");
    }
    return swOnly(r);
}

}  // namespace vcard::piv
