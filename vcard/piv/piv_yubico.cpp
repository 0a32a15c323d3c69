// Yubico vendor commands that manage the applet: GET VERSION, GET SERIAL, SET MANAGEMENT KEY,
// SET PIN RETRIES, RESET, MOVE/DELETE KEY.
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

// MOVE KEY (YubiKey 5.7): INS F6, P1 = destination slot, P2 = source slot; P1 = FF deletes the key in P2
// instead. Needs the management key. Any key slot's key can be deleted (F9 included); a move needs an
// empty destination, and neither end may be F9 (the attestation key stays where attestations expect it).
// The slot's certificate object is untouched, as on the YubiKey.
Response PivApplet::moveOrDeleteKey(const Command& cmd) {
    if (!cmd.data.empty()) return swOnly(sw::kWrongLength);
    const bool remove = cmd.p1 == 0xFF;
    const uint8_t from = cmd.p2, to = cmd.p1;
    if (!isKeySlot(from)) return swOnly(sw::kIncorrectP1P2);
    if (!remove && (!isUserKeySlot(to) || from == ref::kAttestation || to == from))
        return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.admin) return swOnly(sw::kSecurityNotSatisfied);
    if (!m_state.keys.contains(from)) return swOnly(sw::kReferenceNotFound);
    if (!remove && m_state.keys.contains(to)) return swOnly(sw::kConditionsNotSatisfied);
    PivState next = m_state;
    auto node = next.keys.extract(from);
    if (!remove) {
        node.key() = to;
        next.keys.insert(std::move(node));
    }
    const uint16_t r = commit(std::move(next));
    if (r == sw::kOk) MESIGN_LOG("vcard", Info, remove ? "PIV key deleted" : "PIV key moved");
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
