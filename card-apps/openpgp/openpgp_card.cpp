// OpenPgpCard: selection, application related data and the command plumbing shared by the other
// openpgp_card_*.cpp files.
#include "card-apps/openpgp/openpgp_card.h"

#include "core/apdu/status_words.h"
#include "core/base/log.h"
#include "core/transport/transport.h"

namespace openpgp {

using core::Errc;
using core::fail;

namespace {
constexpr uint16_t kSwTerminated = 0x6285;
}  // namespace

OpenPgpCard::OpenPgpCard(apdu::Channel& channel) : m_channel(&channel) {}

core::Status OpenPgpCard::select() {
    // P2=00 with Le: the application wants FCI requested (§2); the FCI itself is not needed.
    apdu::Command cmd(0x00, ins::kSelect, 0x04, 0x00, Bytes(kAidPrefix.begin(), kAidPrefix.end()), 256);
    auto resp = m_channel->transmit(cmd);
    if (!resp) {
        if (resp.error().code == Errc::CardReset) markSelectionLost();
        return fail(resp.error());
    }
    dropVerification();  // a SELECT clears every verification state (§2), whatever its answer
    if (resp->sw == kSwTerminated) {
        m_selected = false;
        auto e = apdu::errorFromSw(resp->sw, "SELECT OpenPGP");
        e.code = Errc::ConditionsNotSatisfied;
        e.message = "SELECT OpenPGP: the application is terminated (needs ACTIVATE FILE, a factory reset)";
        return fail(std::move(e));
    }
    if (!resp->ok()) {
        m_selected = false;
        return fail(apdu::errorFromSw(resp->sw, "SELECT OpenPGP"));
    }
    m_selected = true;
    MESIGN_LOG("openpgp", Debug, "OpenPGP application selected");
    return {};
}

bool OpenPgpCard::takeSelectionLost() {
    const bool lost = m_selectionLost;
    m_selectionLost = false;
    return lost;
}

void OpenPgpCard::markSelectionLost() {
    m_selected = false;
    m_selectionLost = true;
    dropVerification();
}

void OpenPgpCard::dropVerification() {
    m_pw81Fresh = false;
}

core::Result<ApplicationData> OpenPgpCard::readApplicationData() {
    auto data = getData(tag::kApplicationData, true);
    if (!data) return fail(data.error());
    auto decoded = decodeApplicationData(*data);
    if (!decoded) return fail(decoded.error());
    m_appData = *decoded;
    return decoded;
}

core::Result<const ApplicationData*> OpenPgpCard::applicationData() {
    if (!m_appData) MESIGN_TRY(readApplicationData());
    return &*m_appData;
}

apdu::ChannelOptions OpenPgpCard::channelOptionsFor(apdu::ChannelOptions base) const {
    base.useExtendedLength = m_appData && m_appData->supportsExtendedLength();
    return base;
}

std::size_t OpenPgpCard::largeNe() const {
    const bool ext =
        m_channel->options().useExtendedLength && m_channel->transport().supportsExtendedLength();
    if (!ext) return apdu::kMaxShortLe;
    std::size_t limit = 0;
    if (m_appData && m_appData->extendedLength) limit = m_appData->extendedLength->maxResponse;
    if (!limit && m_appData && m_appData->capabilities) limit = m_appData->capabilities->maxResponseData;
    // Below 257 an extended Le buys nothing; 65536 is the "everything" encoding (Le 0000).
    return limit > apdu::kMaxShortLe ? limit : apdu::kMaxExtended + 1;
}

core::Result<apdu::Response> OpenPgpCard::send(const apdu::Command& cmd) {
    auto resp = m_channel->transmit(cmd);
    if (!resp) {
        if (resp.error().code == Errc::CardReset) {
            MESIGN_LOG("openpgp", Info, "card was reset: OpenPGP selection and PIN status lost");
            markSelectionLost();
        }
        return resp;
    }
    if (resp->sw != apdu::sw::kInsNotSupported || !m_selected) return resp;
    // 6D00 to a command we only send while selected: another application was selected behind our back
    // (which also dropped our PIN status). Re-select and try once more; a second 6D00 is the answer.
    MESIGN_LOG("openpgp", Info, "card answered 6D00: re-selecting OpenPGP");
    const bool wasLost = m_selectionLost;
    MESIGN_TRY(select());
    auto again = m_channel->transmit(cmd);
    m_selectionLost = (again && again->sw != apdu::sw::kInsNotSupported) || wasLost;
    if (!again && again.error().code == Errc::CardReset) markSelectionLost();
    return again;
}

core::Result<Bytes> OpenPgpCard::sendOk(const apdu::Command& cmd, std::string_view context) {
    auto resp = send(cmd);
    if (!resp) return fail(resp.error());
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, context));
    return std::move(resp->data);
}

}  // namespace openpgp
