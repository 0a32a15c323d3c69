#include "vcard/piv/piv_applet.h"

#include <algorithm>

#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "vcard/piv/piv_internal.h"
#include "vcard/piv/piv_objects.h"
#include "vcard/piv/piv_state.h"

namespace vcard::piv {

namespace sw = apdu::sw;

const uint8_t kPivAid[11] = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};

PivApplet::PivApplet(PivState state, Persistence& persistence)
    : m_state(std::move(state)), m_persist(persistence) {}

bool PivApplet::matchesAid(ByteView aid) const {
    // Full AID, the 9-byte AID without version, or any partial name down to the 5-byte RID
    // (yubico-piv-tool selects with the RID alone).
    return aid.size() >= 5 && aid.size() <= sizeof kPivAid && std::equal(aid.begin(), aid.end(), kPivAid);
}

Response PivApplet::select() {
    apdu::TlvBuilder b;
    b.begin(0x61);
    b.add(0x4F, ByteView(kPivAid + 5, 6));
    b.begin(0x79).add(0x4F, ByteView(kPivAid, 5)).end();
    static const char kLabel[] = "MeSign Virtual PIV";
    b.add(0x50, ByteView(reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1));
    b.begin(0xAC);
    for (uint8_t a :
         {alg::kTdes, alg::kAes128, alg::kAes192, alg::kAes256, alg::kRsa1024, alg::kRsa2048, alg::kRsa3072,
          alg::kRsa4096, alg::kEccP256, alg::kEccP384, alg::kEd25519, alg::kX25519})
        b.addByte(0x80, a);
    b.addByte(0x06, 0x00);
    b.end();
    b.end();
    return withData(b.take());
}

void PivApplet::deselect() {
    m_vol = Volatile{};
}
void PivApplet::resetVolatile() {
    m_vol = Volatile{};
}

bool PivApplet::allowsChaining(uint8_t ins) const {
    return ins == 0x87 || ins == 0xDB || ins == 0x47 || ins == 0xFE;
}

uint32_t PivApplet::stateTag() const {
    return kStateSectionTag;
}
core::Result<core::SecureBytes> PivApplet::encodeState() const {
    return encodePivState(m_state);
}

Response PivApplet::process(const Command& cmd) {
    switch (cmd.ins) {
        case 0xCB:
            return getData(cmd);
        case 0xDB:
            return putData(cmd);
        case 0x20:
            return verify(cmd);
        case 0x24:
            return changeReference(cmd);
        case 0x2C:
            return resetRetryCounter(cmd);
        case 0x87:
            return generalAuthenticate(cmd);
        case 0x47:
            return generate(cmd);
        // Yubico extensions.
        case 0xFE:
            return importKey(cmd);
        case 0xF7:
            return metadata(cmd);
        case 0xF9:
            return attest(cmd);
        case 0xFD:
            return version(cmd);
        case 0xF8:
            return serial(cmd);
        case 0xFF:
            return setManagementKey(cmd);
        case 0xFA:
            return setPinRetries(cmd);
        case 0xFB:
            return resetApplet(cmd);
        case 0xF6:
            return moveOrDeleteKey(cmd);
        default:
            return swOnly(sw::kInsNotSupported);
    }
}

uint16_t PivApplet::commit(PivState next) {
    std::swap(m_state, next);
    if (auto st = m_persist.save(); !st) {
        std::swap(m_state, next);
        MESIGN_LOG("vcard", Error, "PIV state not saved, change rolled back: " + st.error().message);
        return kMemoryFailure;
    }
    return sw::kOk;
}

Response PivApplet::getData(const Command& cmd) {
    if (cmd.p1 != 0x3F || cmd.p2 != 0xFF) return swOnly(sw::kIncorrectP1P2);
    auto tagBytes = apdu::unwrap(cmd.data, 0x5C);
    if (!tagBytes) return swOnly(sw::kIncorrectData);
    const auto tag = objects::tagFromBytes(*tagBytes);
    if (!tag) return swOnly(sw::kFileNotFound);
    // Checked before existence so an absent protected object does not leak.
    if (objects::needsPinToRead(*tag) && !m_vol.pinVerified) return swOnly(sw::kSecurityNotSatisfied);
    const auto it = m_state.objects.find(*tag);
    if (it == m_state.objects.end()) return swOnly(sw::kFileNotFound);
    return withData(apdu::encodeTlv(objects::isBareTemplate(*tag) ? *tag : 0x53, it->second));
}

Response PivApplet::putData(const Command& cmd) {
    if (cmd.p1 != 0x3F || cmd.p2 != 0xFF) return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.admin) return swOnly(sw::kSecurityNotSatisfied);
    auto all = apdu::parseAll(cmd.data);
    if (!all) return swOnly(sw::kIncorrectData);
    uint32_t tag = 0;
    ByteView content;
    if (all->size() == 2 && (*all)[0].tag == 0x5C && (*all)[1].tag == 0x53) {
        const auto t = objects::tagFromBytes((*all)[0].value);
        if (!t) return swOnly(sw::kIncorrectData);
        tag = *t;
        content = (*all)[1].value;
        // yubico-piv-tool writes Discovery as 5C 01 7E 53 <7E ...>: accept the template inside 53 too.
        if (objects::isBareTemplate(tag)) {
            if (auto inner = apdu::unwrap(content, tag)) content = *inner;
        }
    } else if (all->size() == 1 && objects::isBareTemplate((*all)[0].tag)) {
        tag = (*all)[0].tag;
        content = (*all)[0].value;
    } else {
        return swOnly(sw::kIncorrectData);
    }
    if (content.size() > objects::kMaxObjectSize) return swOnly(sw::kNoSpace);
    std::size_t total = content.size();
    for (const auto& [t, v] : m_state.objects)
        if (t != tag) total += v.size();
    if (total > objects::kMaxTotalSize) return swOnly(sw::kNoSpace);

    PivState next = m_state;
    if (content.empty())
        next.objects.erase(tag);  // 53 00 deletes the object
    else
        next.objects[tag] = Bytes(content.begin(), content.end());
    return swOnly(commit(std::move(next)));
}

}  // namespace vcard::piv
