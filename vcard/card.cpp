#include "vcard/card.h"

#include <algorithm>
#include <exception>

#include "core/base/log.h"
#include "vcard/card_file.h"
#include "vcard/other_aid_applet.h"

namespace vcard {

Bytes cardAtr() {
    Bytes atr = {0x3B, 0x88, 0x80, 0x01, 'M', 'e', 'S', 'i', 'g', 'n', 'P', 'V'};
    uint8_t tck = 0;
    for (std::size_t i = 1; i < atr.size(); ++i) tck ^= atr[i];
    atr.push_back(tck);
    return atr;
}

bool OtherAidApplet::matchesAid(core::ByteView aid) const {
    // Exact AID, or a partial name of at least 7 bytes (clients differ on the OTP AID's last byte).
    return std::any_of(m_aids.begin(), m_aids.end(), [&](const core::Bytes& a) {
        return aid.size() >= 7 && aid.size() <= a.size() && std::equal(aid.begin(), aid.end(), a.begin());
    });
}

std::unique_ptr<Applet> OtherAidApplet::yubicoManagement() {
    return std::make_unique<OtherAidApplet>(
        "Yubico management", std::vector<core::Bytes>{{0xA0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17}});
}

std::unique_ptr<Applet> OtherAidApplet::yubicoOtp() {
    return std::make_unique<OtherAidApplet>(
        "Yubico OTP", std::vector<core::Bytes>{{0xA0, 0x00, 0x00, 0x05, 0x27, 0x20, 0x01, 0x01}});
}

Card::Card(std::filesystem::path stateFile) : m_file(std::move(stateFile)) {}

void Card::addApplet(std::unique_ptr<Applet> applet, bool implicit) {
    m_os.addApplet(std::move(applet), implicit);
}

Bytes Card::process(ByteView apdu) {
    try {
        return m_os.process(apdu).encode();
    } catch (const std::exception& e) {
        MESIGN_LOG("vcard", Error, std::string("internal error while processing an APDU: ") + e.what());
    } catch (...) {
        MESIGN_LOG("vcard", Error, "internal error while processing an APDU");
    }
    return {0x6F, 0x00};
}

std::string Card::describe() const {
    std::string apps;
    for (const auto& a : m_os.applets()) {
        if (a->stateTag() == 0) continue;  // placeholders are not worth naming
        if (!apps.empty()) apps += "+";
        apps += a->name();
    }
    return apps + " card, " + (m_file.empty() ? std::string("in memory") : "state " + m_file.string());
}

core::Result<core::SecureBytes> Card::encodeBody() const {
    core::SecureBytes body;
    for (const auto& a : m_os.applets()) {
        if (a->stateTag() == 0) continue;
        auto section = a->encodeState();
        if (!section) return core::fail(section.error());
        putTlv(body, a->stateTag(), view(*section));
    }
    return body;
}

core::Status Card::save() {
    if (m_file.empty()) return {};
    auto body = encodeBody();
    if (!body) return core::fail(body.error());
    return writeCardFile(m_file, view(*body));
}

}  // namespace vcard
