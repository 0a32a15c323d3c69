#include "vcard/openpgp/openpgp_applet.h"

#include <algorithm>

#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "vcard/openpgp/openpgp_crypto.h"
#include "vcard/openpgp/openpgp_internal.h"
#include "vcard/openpgp/openpgp_state.h"

namespace vcard::openpgp {

namespace sw = apdu::sw;

OpenPgpApplet::OpenPgpApplet(OpenPgpState state, Persistence& persistence)
    : m_state(std::move(state)), m_persist(persistence) {}

Bytes OpenPgpApplet::aid() const {
    Bytes a(kRid, kRid + sizeof kRid);
    a.insert(a.end(), kVersion, kVersion + 2);
    a.push_back(static_cast<uint8_t>(kManufacturer >> 8));
    a.push_back(static_cast<uint8_t>(kManufacturer));
    for (int shift = 24; shift >= 0; shift -= 8) a.push_back(static_cast<uint8_t>(m_state.serial >> shift));
    a.insert(a.end(), {0x00, 0x00});
    return a;
}

bool OpenPgpApplet::matchesAid(ByteView name) const {
    // The 6-byte RID+PIX every host uses, or any longer prefix of the full AID.
    const Bytes full = aid();
    return name.size() >= sizeof kRid && name.size() <= full.size() &&
           std::equal(name.begin(), name.end(), full.begin());
}

Response OpenPgpApplet::select() {
    m_vol = Volatile{};
    // The FCI is empty, as on SmartPGP and YubiKeys; hosts read 4F / 6E with GET DATA.
    return swOnly(m_state.terminated ? kTerminated : sw::kOk);
}

void OpenPgpApplet::deselect() {
    m_vol = Volatile{};
}
void OpenPgpApplet::resetVolatile() {
    m_vol = Volatile{};
}

bool OpenPgpApplet::allowsChaining(uint8_t ins) const {
    // Everything whose data can exceed one short APDU: PUT DATA (certificates), key import, PSO, INTERNAL
    // AUTHENTICATE, CHANGE REFERENCE DATA / RESET RETRY COUNTER with long PINs.
    return ins == 0xDA || ins == 0xDB || ins == 0x2A || ins == 0x88 || ins == 0x24 || ins == 0x2C;
}

uint32_t OpenPgpApplet::stateTag() const {
    return kStateSectionTag;
}
core::Result<core::SecureBytes> OpenPgpApplet::encodeState() const {
    return encodeOpenPgpState(m_state);
}

AlgoSpec OpenPgpApplet::specOf(Slot s) const {
    // Stored attributes were validated when written or loaded.
    return parseAttributes(s, m_state.keys[idx(s)].attributes).value_or(AlgoSpec{});
}

Response OpenPgpApplet::process(const Command& cmd) {
    // A terminated application answers nothing but ACTIVATE FILE (openpgp-card.md §6).
    if (m_state.terminated && cmd.ins != 0x44) return swOnly(sw::kInsNotSupported);
    switch (cmd.ins) {
        case 0xCA:
            return getData(cmd);
        case 0xDA:
            return putData(cmd);
        case 0xDB:
            return importKey(cmd);
        case 0xA5:
            return selectData(cmd);
        case 0x20:
            return verify(cmd);
        case 0x24:
            return changeReference(cmd);
        case 0x2C:
            return resetRetryCounter(cmd);
        case 0x2A:
            return pso(cmd);
        case 0x88:
            return internalAuthenticate(cmd);
        case 0x47:
            return generate(cmd);
        case 0x84:
            return getChallenge(cmd);
        case 0x22:
            return manageSecurityEnvironment(cmd);
        case 0xE6:
            return terminate(cmd);
        case 0x44:
            return activate(cmd);
        default:
            return swOnly(sw::kInsNotSupported);
    }
}

uint16_t OpenPgpApplet::commit(OpenPgpState next) {
    std::swap(m_state, next);
    if (auto st = m_persist.save(); !st) {
        std::swap(m_state, next);
        MESIGN_LOG("vcard", Error, "OpenPGP state not saved, change rolled back: " + st.error().message);
        return kMemoryFailure;
    }
    return sw::kOk;
}

Response OpenPgpApplet::manageSecurityEnvironment(const Command& cmd) {
    // MSE:SET 41 A4 (authentication) / 41 B8 (confidentiality) with 83 01 <key ref 2|3>: lets the DEC
    // and AUT keys swap roles for PSO:DECIPHER and INTERNAL AUTHENTICATE.
    if (cmd.p1 != 0x41 || (cmd.p2 != 0xA4 && cmd.p2 != 0xB8)) return swOnly(sw::kIncorrectP1P2);
    const auto ref = apdu::unwrap(cmd.data, 0x83);
    if (!ref || ref->size() != 1 || ((*ref)[0] != 0x02 && (*ref)[0] != 0x03)) return swOnly(sw::kIncorrectData);
    const Slot s = (*ref)[0] == 0x02 ? Slot::Dec : Slot::Aut;
    (cmd.p2 == 0xA4 ? m_vol.autKey : m_vol.decKey) = s;
    return swOnly(sw::kOk);
}

Response OpenPgpApplet::getChallenge(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (!cmd.data.empty() || cmd.ne == 0 || cmd.ne > kMaxChallenge) return swOnly(sw::kWrongLength);
    const auto r = crypto::randomBytes(cmd.ne);
    return withData(Bytes(r.begin(), r.end()));
}

Response OpenPgpApplet::terminate(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (!cmd.data.empty()) return swOnly(sw::kWrongLength);
    // PW3 verified, or PW3 blocked: a card whose admin PIN is lost can still be reset.
    if (!m_vol.pw3 && m_state.pw3Left != 0) return swOnly(sw::kSecurityNotSatisfied);
    OpenPgpState next = m_state;
    next.terminated = true;
    const uint16_t r = commit(std::move(next));
    if (r == sw::kOk) m_vol = Volatile{};
    return swOnly(r);
}

Response OpenPgpApplet::activate(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (!cmd.data.empty()) return swOnly(sw::kWrongLength);
    if (!m_state.terminated) return swOnly(sw::kOk);  // an operational card stays as it is
    // Factory state; the AID (serial) belongs to the card and survives.
    const uint16_t r = commit(newOpenPgpState(m_state.serial));
    if (r == sw::kOk) m_vol = Volatile{};
    return swOnly(r);
}

}  // namespace vcard::openpgp
