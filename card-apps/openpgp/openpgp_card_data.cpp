// OpenPgpCard: GET DATA / PUT DATA, SELECT DATA and the data objects built on them (§3).
#include "card-apps/openpgp/openpgp_card.h"
#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "core/base/log.h"

namespace openpgp {

using core::Errc;
using core::fail;

namespace {

std::string tagName(uint32_t t) {
    Bytes b;
    apdu::appendTag(b, t);
    return core::toHex(b);
}

// Simple DOs come back bare from most cards; tolerate a card that wraps them in their own tag.
ByteView bareValue(ByteView data, uint32_t t) {
    Bytes tb;
    apdu::appendTag(tb, t);
    if (data.size() < tb.size() || !std::equal(tb.begin(), tb.end(), data.begin())) return data;
    auto inner = apdu::unwrap(data, t);
    return inner ? *inner : data;
}

std::string text(ByteView v) {
    return std::string(v.begin(), v.end());
}

}  // namespace

core::Result<Bytes> OpenPgpCard::getData(uint32_t t, bool large) {
    apdu::Command cmd(0x00, ins::kGetData, uint8_t(t >> 8), uint8_t(t), {}, large ? largeNe() : 256);
    return sendOk(cmd, "GET DATA " + tagName(t));
}

core::Result<std::optional<Bytes>> OpenPgpCard::getDataIfPresent(uint32_t t, bool large) {
    auto data = getData(t, large);
    if (!data) {
        if (data.error().code == Errc::NotFound) return std::optional<Bytes>();
        return fail(data.error());
    }
    return std::optional<Bytes>(std::move(*data));
}

core::Status OpenPgpCard::putData(uint32_t t, ByteView value) {
    apdu::Command cmd(0x00, ins::kPutData, uint8_t(t >> 8), uint8_t(t), Bytes(value.begin(), value.end()));
    auto st = sendOk(cmd, "PUT DATA " + tagName(t));
    if (!st) return fail(st.error());
    // C1-DF (attributes, C4, fingerprints, times) show up in 6E: read it again when next needed.
    if (t >= tag::kExtendedCapabilities && t <= 0xDF) invalidateApplicationData();
    return {};
}

core::Result<PwStatus> OpenPgpCard::readPwStatus() {
    auto data = getData(tag::kPwStatus);
    if (!data) return fail(data.error());
    auto st = decodePwStatus(bareValue(*data, tag::kPwStatus));
    if (st && m_appData) m_appData->pwStatus = *st;
    return st;
}

core::Result<CardholderData> OpenPgpCard::readCardholderData() {
    auto data = getData(tag::kCardholderData);
    if (!data) return fail(data.error());
    return decodeCardholderData(*data);
}

core::Result<std::string> OpenPgpCard::readUrl() {
    auto data = getDataIfPresent(tag::kUrl);
    if (!data) return fail(data.error());
    return *data ? text(bareValue(**data, tag::kUrl)) : std::string();
}

core::Result<std::string> OpenPgpCard::readLoginData() {
    auto data = getDataIfPresent(tag::kLoginData);
    if (!data) return fail(data.error());
    return *data ? text(bareValue(**data, tag::kLoginData)) : std::string();
}

core::Result<uint32_t> OpenPgpCard::readSignatureCounter() {
    auto data = getData(tag::kSecuritySupport);
    if (!data) return fail(data.error());
    return decodeSignatureCounter(*data);
}

core::Result<bool> OpenPgpCard::kdfActive() {
    if (m_kdfActive) return *m_kdfActive;
    auto app = applicationData();
    if (!app) return fail(app.error());
    bool active = false;
    if ((*app)->capabilities && (*app)->capabilities->has(extcap::kKdf)) {
        auto data = getDataIfPresent(tag::kKdf);
        if (!data) return fail(data.error());
        if (*data) {
            auto a = decodeKdfActive(**data);
            if (!a) return fail(a.error());
            active = *a;
        }
    }
    m_kdfActive = active;
    return active;
}

core::Status OpenPgpCard::selectData(uint8_t occurrence, uint32_t t) {
    // 60 { 5C <tag> } as GnuPG builds it; no Le (GnuPG sends none).
    Bytes tb;
    apdu::appendTag(tb, t);
    apdu::TlvBuilder b;
    b.begin(tag::kTagReference).add(tag::kTagList, tb).end();
    auto st = sendOk(apdu::Command(0x00, ins::kSelectData, occurrence, 0x04, b.take()), "SELECT DATA");
    if (!st) return fail(st.error());
    return {};
}

// §3.8: occurrence 0 (AUT) is what plain 7F21 addresses, also on v2 cards; the others need SELECT DATA,
// which exists from v3.0 on.
core::Result<uint8_t> OpenPgpCard::occurrenceFor(uint8_t keyRef, bool& selectNeeded) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    auto app = applicationData();
    if (!app) return fail(app.error());
    selectNeeded = slot->certificateOccurrence != 0;
    if (selectNeeded && (*app)->versionMajor < 3)
        return fail(Errc::NotSupported,
                    "this OpenPGP card (before v3.0) holds only the authentication certificate");
    return slot->certificateOccurrence;
}

core::Result<std::optional<Bytes>> OpenPgpCard::readCertificate(uint8_t keyRef) {
    bool select = false;
    auto occ = occurrenceFor(keyRef, select);
    if (!occ) return fail(occ.error());
    if (select) MESIGN_TRY(selectData(*occ, tag::kCardholderCertificate));
    auto data = getDataIfPresent(tag::kCardholderCertificate, true);
    // Back to occurrence 0 even after an error, as GnuPG does: other clients read 7F21 without SELECT DATA.
    if (select) {
        if (auto back = selectData(0, tag::kCardholderCertificate); !back)
            MESIGN_LOG("openpgp", Warn, "SELECT DATA back to occurrence 0 failed: " + back.error().message);
    }
    if (!data) return fail(data.error());
    if (!*data || (*data)->empty()) return std::optional<Bytes>();
    ByteView der = bareValue(**data, tag::kCardholderCertificate);
    return std::optional<Bytes>(Bytes(der.begin(), der.end()));
}

core::Status OpenPgpCard::writeCertificate(uint8_t keyRef, ByteView der) {
    bool select = false;
    auto occ = occurrenceFor(keyRef, select);
    if (!occ) return fail(occ.error());
    auto app = applicationData();
    if (!app) return fail(app.error());
    const auto& caps = (*app)->capabilities;
    if (caps && caps->maxCertificate && der.size() > caps->maxCertificate)
        return fail(Errc::NoSpace, "certificate is larger than the card's limit of " +
                                       std::to_string(caps->maxCertificate) + " bytes");
    if (select) MESIGN_TRY(selectData(*occ, tag::kCardholderCertificate));
    auto st = putData(tag::kCardholderCertificate, der);
    if (select) {
        if (auto back = selectData(0, tag::kCardholderCertificate); !back)
            MESIGN_LOG("openpgp", Warn, "SELECT DATA back to occurrence 0 failed: " + back.error().message);
    }
    return st;
}

core::Status OpenPgpCard::putResettingCode(ByteView rc) {
    if (rc.size() < pw::kMinResettingCode)
        return fail(Errc::InvalidArgument, "the resetting code needs at least 8 characters");
    apdu::Command cmd(0x00, ins::kPutData, 0x00, uint8_t(tag::kResettingCode), Bytes(rc.begin(), rc.end()));
    auto st = sendOk(cmd, "PUT DATA D3 (resetting code)");
    core::secureWipe(cmd.data.data(), cmd.data.size());
    if (!st) return fail(st.error());
    invalidateApplicationData();  // C4 byte 6 (RC tries) changed
    return {};
}

}  // namespace openpgp
