// GET DATA, PUT DATA (even INS) and SELECT DATA: the data objects of openpgp-card.md §3.
#include <algorithm>

#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "vcard/openpgp/openpgp_applet.h"
#include "vcard/openpgp/openpgp_internal.h"

namespace vcard::openpgp {

namespace sw = apdu::sw;

namespace {

// 00 = category indicator (status indicator follows at the end); 31 C5 card service data; 73 C0 01 80 =
// command chaining; 05 90 00 = operational. Extended Lc/Le is not advertised (the card OS accepts it):
// behind readers that report no extended-length support (vpcd) OpenSC then sizes its receive buffer
// at 256 bytes and cuts a 270-byte RSA-2048 public key, while short APDUs with 61xx always work.
const Bytes kHistorical = {0x00, 0x31, 0xC5, 0x73, 0xC0, 0x01, 0x80, 0x05, 0x90, 0x00};
// GET CHALLENGE, key import, PW status changeable, private DOs, algorithm attributes changeable; no SM;
// challenge <= 255; certificate <= 2048; special DOs <= 255; no PIN block 2; MSE supported.
const Bytes kExtendedCaps = {0x7C, 0x00, 0x00, 0xFF, 0x08, 0x00, 0x00, 0xFF, 0x00, 0x01};
// General feature management: no button, keypad, LED, display or biometrics.
const Bytes kFeatures = {0x81, 0x01, 0x00};
// User interaction flag D6–D8: disabled (there is nothing to touch).
const Bytes kUif = {0x00, 0x00};

Bytes be(uint32_t v, std::size_t width) {
    Bytes b(width);
    for (std::size_t i = 0; i < width; ++i) b[i] = static_cast<uint8_t>(v >> (8 * (width - 1 - i)));
    return b;
}

uint32_t tagOf(const Command& cmd) {
    return static_cast<uint32_t>(cmd.p1 << 8 | cmd.p2);
}

}  // namespace

Bytes OpenPgpApplet::pwStatus() const {
    return {static_cast<uint8_t>(m_state.pw1ValidMultiple ? 0x01 : 0x00), kPinMax, kPinMax, kPinMax,
            m_state.pw1Left, m_state.rcLeft, m_state.pw3Left};
}

Bytes OpenPgpApplet::discretionaryData() const {
    apdu::TlvBuilder b;
    b.add(0xC0, kExtendedCaps);
    for (std::size_t i = 0; i < kSlots; ++i) b.add(0xC1 + static_cast<uint32_t>(i), m_state.keys[i].attributes);
    b.add(0xC4, pwStatus());
    Bytes fpr, ca, times, info;
    for (std::size_t i = 0; i < kSlots; ++i) {
        const KeySlot& k = m_state.keys[i];
        fpr.insert(fpr.end(), k.fingerprint.begin(), k.fingerprint.end());
        ca.insert(ca.end(), k.caFingerprint.begin(), k.caFingerprint.end());
        core::append(times, be(k.timestamp, 4));
        info.insert(info.end(), {static_cast<uint8_t>(i + 1), static_cast<uint8_t>(k.origin)});
    }
    b.add(0xC5, fpr).add(0xC6, ca).add(0xCD, times).add(0xDE, info);
    return b.take();
}

Bytes OpenPgpApplet::applicationRelatedData() const {
    apdu::TlvBuilder b;
    b.begin(0x6E);
    // No 7F66 (extended length information): extended Lc/Le is not advertised.
    b.add(0x4F, aid()).add(0x5F52, kHistorical).add(0x7F74, kFeatures);
    b.add(0x73, discretionaryData());
    b.end();
    return b.take();
}

// The response to GET DATA `tag`: constructed DOs (65, 6E, 7A) in their own tag, simple DOs bare.
std::optional<Bytes> OpenPgpApplet::dataObject(uint32_t tag) const {
    switch (tag) {
        case 0x004F:
            return aid();
        case 0x005E:
            return m_state.login;
        case 0x5F50:
            return m_state.url;
        case 0x5F52:
            return kHistorical;
        case 0x005B:
            return m_state.name;
        case 0x5F2D:
            return m_state.language;
        case 0x5F35:
            return m_state.sex;
        case 0x0065:
            return apdu::TlvBuilder()
                .begin(0x65)
                .add(0x5B, m_state.name)
                .add(0x5F2D, m_state.language)
                .add(0x5F35, m_state.sex)
                .end()
                .take();
        case 0x006E:
            return applicationRelatedData();
        case 0x007A:
            return apdu::TlvBuilder().begin(0x7A).add(0x93, be(m_state.sigCount, 3)).end().take();
        case 0x0093:
            return be(m_state.sigCount, 3);
        case 0x00C4:
            return pwStatus();
        case 0x00C0:
        case 0x00C1:
        case 0x00C2:
        case 0x00C3:
        case 0x00C5:
        case 0x00C6:
        case 0x00CD:
        case 0x00DE: {
            const Bytes all = discretionaryData();
            const auto v = apdu::find(all, tag);
            return v ? std::optional<Bytes>(Bytes(v->begin(), v->end())) : std::nullopt;
        }
        case 0x7F21:
            return m_state.certs[idx(m_vol.certSlot)];
        case 0x7F74:
            return kFeatures;
        case 0x00FA:
            return algorithmInformation();
        case 0x00D6:
        case 0x00D7:
        case 0x00D8:
            return kUif;
        case 0x0101:
        case 0x0102:
        case 0x0103:
        case 0x0104:
            return m_state.privateDos[tag - 0x0101];
        default:
            return std::nullopt;
    }
}

Response OpenPgpApplet::getData(const Command& cmd) {
    if (!cmd.data.empty()) return swOnly(sw::kIncorrectData);
    const uint32_t tag = tagOf(cmd);
    // Private DOs 3 and 4 are readable only after PW1 (82) / PW3; checked before anything else.
    if ((tag == 0x0103 && !m_vol.pw1Other) || (tag == 0x0104 && !m_vol.pw3))
        return swOnly(sw::kSecurityNotSatisfied);
    auto v = dataObject(tag);
    if (!v) return swOnly(sw::kReferenceNotFound);
    return withData(std::move(*v));
}

Response OpenPgpApplet::selectData(const Command& cmd) {
    if (cmd.p2 != 0x04) return swOnly(sw::kIncorrectP1P2);
    ByteView data = cmd.data;
    // 60 L 5C L' <tag> per 3.4; the bare 5C form some hosts send is accepted too.
    if (auto outer = apdu::unwrap(data, 0x60)) data = *outer;
    const auto tagBytes = apdu::unwrap(data, 0x5C);
    if (!tagBytes || tagBytes->empty() || tagBytes->size() > 3) return swOnly(sw::kIncorrectData);
    // Only the cardholder certificate has several occurrences: 0 = AUT, 1 = DEC, 2 = SIG.
    const bool isCert = tagBytes->size() == 2 && (*tagBytes)[0] == 0x7F && (*tagBytes)[1] == 0x21;
    if (!isCert || cmd.p1 > 2) return swOnly(sw::kReferenceNotFound);
    static constexpr Slot kByOccurrence[3] = {Slot::Aut, Slot::Dec, Slot::Sig};
    m_vol.certSlot = kByOccurrence[cmd.p1];
    return swOnly(sw::kOk);
}

Response OpenPgpApplet::putData(const Command& cmd) {
    const uint32_t tag = tagOf(cmd);
    const ByteView v = cmd.data;
    const bool userDo = tag == 0x0101 || tag == 0x0103;
    const bool known = (tag >= 0x0101 && tag <= 0x0104) || tag == 0x005B || tag == 0x5F2D || tag == 0x5F35 ||
                       tag == 0x005E || tag == 0x5F50 || tag == 0x7F21 || tag == 0x00C4 ||
                       (tag >= 0x00C1 && tag <= 0x00C3) || (tag >= 0x00C7 && tag <= 0x00D0) || tag == 0x00D3 ||
                       (tag >= 0x00D6 && tag <= 0x00D8);
    if (!known) return swOnly(sw::kReferenceNotFound);
    if (userDo ? !m_vol.pw1Other : !m_vol.pw3) return swOnly(sw::kSecurityNotSatisfied);

    if (tag >= 0x00C1 && tag <= 0x00C3) return putAttributes(static_cast<Slot>(tag - 0x00C1), v);
    if (tag == 0x00D3) return putResettingCode(v);

    OpenPgpState next = m_state;
    auto setBounded = [&](Bytes& dst, std::size_t max) {
        if (v.size() > max) return sw::kWrongLength;
        dst.assign(v.begin(), v.end());
        return sw::kOk;
    };
    uint16_t r = sw::kOk;
    if (tag >= 0x0101 && tag <= 0x0104) {
        r = setBounded(next.privateDos[tag - 0x0101], kMaxSpecialDo);
    } else if (tag >= 0x00C7 && tag <= 0x00CC) {  // fingerprints C7–C9, CA fingerprints CA–CC
        if (v.size() != 20) return swOnly(sw::kWrongLength);
        KeySlot& k = next.keys[(tag - 0x00C7) % 3];
        std::copy(v.begin(), v.end(), tag <= 0x00C9 ? k.fingerprint.begin() : k.caFingerprint.begin());
    } else if (tag >= 0x00CE && tag <= 0x00D0) {  // generation timestamps
        if (v.size() != 4) return swOnly(sw::kWrongLength);
        next.keys[tag - 0x00CE].timestamp = static_cast<uint32_t>(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);
    } else if (tag >= 0x00D6 && tag <= 0x00D8) {  // UIF: only "disabled" exists without a button
        if (v.size() != 2) return swOnly(sw::kWrongLength);
        if (v[0] != 0x00) return swOnly(sw::kIncorrectData);
        return swOnly(sw::kOk);
    } else {
        switch (tag) {
            case 0x005B:
                r = setBounded(next.name, kMaxName);
                break;
            case 0x5F2D:
                if (v.size() == 1) return swOnly(sw::kWrongLength);
                r = setBounded(next.language, 8);
                break;
            case 0x5F35:
                if (v.size() == 1 && v[0] != 0x30 && v[0] != 0x31 && v[0] != 0x32 && v[0] != 0x39)
                    return swOnly(sw::kIncorrectData);  // ISO 5218
                r = setBounded(next.sex, 1);
                break;
            case 0x005E:
                r = setBounded(next.login, kMaxSpecialDo);
                break;
            case 0x5F50:
                r = setBounded(next.url, kMaxSpecialDo);
                break;
            case 0x7F21:
                r = setBounded(next.certs[idx(m_vol.certSlot)], kMaxCert);
                break;
            case 0x00C4:  // only byte 1 (PW1 valid for one / several signatures) is writable
                if (v.size() != 1) return swOnly(sw::kWrongLength);
                if (v[0] > 1) return swOnly(sw::kIncorrectData);
                next.pw1ValidMultiple = v[0] == 1;
                break;
            default:
                return swOnly(sw::kReferenceNotFound);
        }
    }
    if (r != sw::kOk) return swOnly(r);
    return swOnly(commit(std::move(next)));
}

}  // namespace vcard::openpgp
