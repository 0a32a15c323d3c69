// PivCard: selection and the command plumbing shared by the other piv_card_*.cpp files.
#include "card-apps/piv/piv_card.h"

#include "card-apps/piv/piv_crypto.h"
#include "core/apdu/status_words.h"
#include "core/base/log.h"

namespace piv {

using core::Errc;
using core::fail;

PivCard::PivCard(apdu::Channel& channel) : m_channel(channel), m_random(systemRandom) {}

core::Result<SelectInfo> PivCard::select() {
    apdu::Command cmd(0x00, ins::kSelect, 0x04, 0x00, Bytes(kAidTruncated.begin(), kAidTruncated.end()), 256);
    auto resp = m_channel.transmit(cmd);
    if (!resp) {
        if (resp.error().code == Errc::CardReset) markSelectionLost();
        return fail(resp.error());
    }
    if (!resp->ok()) {
        m_selected = false;
        return fail(apdu::errorFromSw(resp->sw, "SELECT PIV"));
    }
    auto info = decodeSelectResponse(resp->data);
    if (!info) return fail(info.error());
    m_selected = true;
    m_announcedAlgorithms = info->algorithms;
    MESIGN_LOG("piv", Debug, "PIV application selected");
    return info;
}

bool PivCard::takeSelectionLost() {
    const bool lost = m_selectionLost;
    m_selectionLost = false;
    return lost;
}

void PivCard::markSelectionLost() {
    m_selected = false;
    m_selectionLost = true;
}

core::Result<apdu::Response> PivCard::send(const apdu::Command& cmd) {
    auto resp = m_channel.transmit(cmd);
    if (!resp) {
        if (resp.error().code == Errc::CardReset) {
            MESIGN_LOG("piv", Info, "card was reset: PIV selection and security status lost");
            markSelectionLost();
        }
        return resp;
    }
    if (resp->sw != apdu::sw::kInsNotSupported || !m_selected) return resp;
    if (!m_reselectOn6D00) {
        m_wrongApplication = true;
        return resp;
    }
    // 6D00 to a command we only send with PIV selected: someone selected another application (which
    // also reset PIN and admin status). Re-select and try once more; a second 6D00 is the answer.
    // If the repeat still says 6D00, the card simply lacks the instruction and nothing was lost
    // (re-selecting a current PIV keeps its security status).
    MESIGN_LOG("piv", Info, "card answered 6D00: re-selecting PIV");
    const bool wasLost = m_selectionLost;
    MESIGN_TRY(select());
    auto again = m_channel.transmit(cmd);
    if (again && again->sw != apdu::sw::kInsNotSupported)
        m_selectionLost = true;
    else
        m_selectionLost = wasLost;
    if (!again && again.error().code == Errc::CardReset) markSelectionLost();
    return again;
}

core::Result<Bytes> PivCard::sendOk(const apdu::Command& cmd, std::string_view context) {
    auto resp = send(cmd);
    if (!resp) return fail(resp.error());
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, context));
    return std::move(resp->data);
}

core::Result<Bytes> PivCard::sendVendor(const apdu::Command& cmd, std::string_view context) {
    if (m_unsupported.contains(cmd.ins))
        return fail(Errc::NotSupported, std::string(context) + ": not supported by this card");
    auto resp = send(cmd);
    if (!resp) return fail(resp.error());
    if (resp->sw == apdu::sw::kInsNotSupported || resp->sw == apdu::sw::kFunctionNotSupported) {
        m_unsupported.insert(cmd.ins);
        MESIGN_LOG("piv", Debug, std::string(context) + " not supported by the card");
    }
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, context));
    return std::move(resp->data);
}

}  // namespace piv
