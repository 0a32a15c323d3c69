#include "vcard/openpgp/openpgp_state.h"

#include <algorithm>
#include <string>

#include "core/apdu/tlv.h"
#include "vcard/card_file.h"
#include "vcard/openpgp/openpgp_algo.h"
#include "vcard/openpgp/openpgp_crypto.h"

namespace vcard::openpgp {

using core::Errc;
using core::fail;

namespace {

// Member tags inside the E3 section.
constexpr uint32_t kTagSerial = 0x81, kTagPw1 = 0x82, kTagPw3 = 0x83, kTagRc = 0x84, kTagCounters = 0x85,
                   kTagFlags = 0x86, kTagSigCount = 0x87, kTagName = 0x88, kTagLang = 0x89, kTagSex = 0x8A,
                   kTagUrl = 0x8B, kTagLogin = 0x8C;
constexpr uint32_t kTagKey = 0xA1, kTagCert = 0xA2, kTagPrivateDo = 0xA3;
// Members of a key / certificate / private DO entry.
constexpr uint32_t kTagIndex = 0x81, kTagAttr = 0x82, kTagOrigin = 0x83, kTagFpr = 0x84, kTagCaFpr = 0x85,
                   kTagTime = 0x86, kTagDer = 0x87, kTagValue = 0x88;

std::unexpected<core::Error> bad(const std::string& what) {
    return fail(Errc::Malformed, "OpenPGP state: " + what);
}

uint32_t beValue(ByteView v) {
    uint32_t x = 0;
    for (uint8_t b : v) x = (x << 8) | b;
    return x;
}

void putBe(core::SecureBytes& out, uint32_t tag, uint32_t v, std::size_t width) {
    uint8_t b[4];
    for (std::size_t i = 0; i < width; ++i) b[i] = static_cast<uint8_t>(v >> (8 * (width - 1 - i)));
    putTlv(out, tag, {b, width});
}

}  // namespace

SecureBytes defaultPw1() {
    return core::secureFromString("123456");
}
SecureBytes defaultPw3() {
    return core::secureFromString("12345678");
}

OpenPgpState newOpenPgpState(uint32_t serial) {
    OpenPgpState s;
    while (serial == 0) {
        const auto r = crypto::randomBytes(4);
        serial = beValue(view(r));
    }
    s.serial = serial;
    s.pw1 = defaultPw1();
    s.pw3 = defaultPw3();
    for (auto& k : s.keys) k.attributes = defaultAttributes();
    return s;
}

core::Result<core::SecureBytes> encodeOpenPgpState(const OpenPgpState& s) {
    core::SecureBytes out;
    putBe(out, kTagSerial, s.serial, 4);
    putTlv(out, kTagPw1, view(s.pw1));
    putTlv(out, kTagPw3, view(s.pw3));
    if (!s.rc.empty()) putTlv(out, kTagRc, view(s.rc));
    const uint8_t counters[3] = {s.pw1Left, s.rcLeft, s.pw3Left};
    putTlv(out, kTagCounters, {counters, 3});
    const uint8_t flags[2] = {static_cast<uint8_t>(s.pw1ValidMultiple), static_cast<uint8_t>(s.terminated)};
    putTlv(out, kTagFlags, {flags, 2});
    putBe(out, kTagSigCount, s.sigCount, 3);
    putTlv(out, kTagName, s.name);
    putTlv(out, kTagLang, s.language);
    putTlv(out, kTagSex, s.sex);
    putTlv(out, kTagUrl, s.url);
    putTlv(out, kTagLogin, s.login);
    for (std::size_t i = 0; i < kSlots; ++i) {
        const KeySlot& k = s.keys[i];
        core::SecureBytes e;
        putTlvByte(e, kTagIndex, static_cast<uint8_t>(i));
        putTlv(e, kTagAttr, k.attributes);
        putTlvByte(e, kTagOrigin, static_cast<uint8_t>(k.origin));
        putTlv(e, kTagFpr, k.fingerprint);
        putTlv(e, kTagCaFpr, k.caFingerprint);
        putBe(e, kTagTime, k.timestamp, 4);
        if (k.key) {
            auto der = crypto::encodePrivateKey(k.key.get());
            if (!der) return fail(der.error());
            putTlv(e, kTagDer, view(*der));
        }
        putTlv(out, kTagKey, view(e));
        core::SecureBytes c;
        putTlvByte(c, kTagIndex, static_cast<uint8_t>(i));
        putTlv(c, kTagValue, s.certs[i]);
        putTlv(out, kTagCert, view(c));
    }
    for (std::size_t i = 0; i < s.privateDos.size(); ++i) {
        core::SecureBytes p;
        putTlvByte(p, kTagIndex, static_cast<uint8_t>(i));
        putTlv(p, kTagValue, s.privateDos[i]);
        putTlv(out, kTagPrivateDo, view(p));
    }
    return out;
}

namespace {

struct Members {
    std::map<uint32_t, ByteView> byTag;
    std::optional<ByteView> get(uint32_t tag) const {
        auto it = byTag.find(tag);
        return it == byTag.end() ? std::nullopt : std::optional<ByteView>(it->second);
    }
};

core::Result<Members> members(ByteView v, const char* what) {
    auto all = apdu::parseAll(v);
    if (!all) return bad(std::string(what) + ": " + all.error().message);
    Members m;
    for (const auto& t : *all) m.byTag[t.tag] = t.value;
    return m;
}

core::Status decodeKey(ByteView v, OpenPgpState& s) {
    auto m = members(v, "key entry");
    if (!m) return fail(m.error());
    const auto index = m->get(kTagIndex), attr = m->get(kTagAttr), origin = m->get(kTagOrigin),
               fpr = m->get(kTagFpr), ca = m->get(kTagCaFpr), time = m->get(kTagTime), der = m->get(kTagDer);
    if (!index || index->size() != 1 || (*index)[0] >= kSlots || !attr || !origin || origin->size() != 1 ||
        (*origin)[0] > 2 || !fpr || fpr->size() != 20 || !ca || ca->size() != 20 || !time || time->size() != 4)
        return bad("key entry incomplete");
    const Slot slot = static_cast<Slot>((*index)[0]);
    const auto spec = parseAttributes(slot, *attr);
    if (!spec) return bad("key entry with invalid algorithm attributes");
    KeySlot& k = s.keys[idx(slot)];
    k.attributes.assign(attr->begin(), attr->end());
    k.origin = static_cast<KeyOrigin>((*origin)[0]);
    std::copy(fpr->begin(), fpr->end(), k.fingerprint.begin());
    std::copy(ca->begin(), ca->end(), k.caFingerprint.begin());
    k.timestamp = beValue(*time);
    if ((k.origin == KeyOrigin::None) != !der) return bad("key entry: origin and key disagree");
    if (der) {
        auto key = crypto::decodePrivateKey(*der);
        if (!key) return bad("key " + std::to_string(idx(slot) + 1) + ": " + key.error().message);
        if (!crypto::matches(key->get(), *spec))
            return bad("key " + std::to_string(idx(slot) + 1) + " does not match its algorithm attributes");
        k.key = *key;
    }
    return {};
}

core::Status decodeIndexed(ByteView v, std::size_t count, std::size_t maxLen, Bytes* table, const char* what) {
    auto m = members(v, what);
    if (!m) return fail(m.error());
    const auto index = m->get(kTagIndex), value = m->get(kTagValue);
    if (!index || index->size() != 1 || (*index)[0] >= count || !value || value->size() > maxLen)
        return bad(std::string(what) + " invalid");
    table[(*index)[0]].assign(value->begin(), value->end());
    return {};
}

}  // namespace

core::Result<OpenPgpState> decodeOpenPgpState(ByteView body) {
    auto all = apdu::parseAll(body);
    if (!all) return bad(all.error().message);
    OpenPgpState s;
    for (auto& k : s.keys) k.attributes = defaultAttributes();
    bool haveSerial = false, havePw1 = false, havePw3 = false, haveCounters = false;
    for (const auto& t : *all) {
        const ByteView v = t.value;
        auto setBytes = [&](Bytes& dst, std::size_t max) {
            if (v.size() > max) return false;
            dst.assign(v.begin(), v.end());
            return true;
        };
        bool ok = true;
        switch (t.tag) {
            case kTagSerial:
                ok = v.size() == 4 && beValue(v) != 0;
                s.serial = beValue(v);
                haveSerial = true;
                break;
            case kTagPw1:
                ok = v.size() >= kPw1Min && v.size() <= kPinMax;
                s.pw1 = core::secureCopy(v);
                havePw1 = true;
                break;
            case kTagPw3:
                ok = v.size() >= kPw3Min && v.size() <= kPinMax;
                s.pw3 = core::secureCopy(v);
                havePw3 = true;
                break;
            case kTagRc:
                ok = v.size() >= kRcMin && v.size() <= kPinMax;
                s.rc = core::secureCopy(v);
                break;
            case kTagCounters:
                ok = v.size() == 3 && v[0] <= kRetries && v[1] <= kRetries && v[2] <= kRetries;
                if (ok) s.pw1Left = v[0], s.rcLeft = v[1], s.pw3Left = v[2];
                haveCounters = true;
                break;
            case kTagFlags:
                ok = v.size() == 2 && v[0] <= 1 && v[1] <= 1;
                if (ok) s.pw1ValidMultiple = v[0] != 0, s.terminated = v[1] != 0;
                break;
            case kTagSigCount:
                ok = v.size() == 3;
                s.sigCount = beValue(v);
                break;
            case kTagName:
                ok = setBytes(s.name, kMaxName);
                break;
            case kTagLang:
                ok = setBytes(s.language, 8);
                break;
            case kTagSex:
                ok = setBytes(s.sex, 1);
                break;
            case kTagUrl:
                ok = setBytes(s.url, kMaxSpecialDo);
                break;
            case kTagLogin:
                ok = setBytes(s.login, kMaxSpecialDo);
                break;
            case kTagKey:
                if (auto st = decodeKey(v, s); !st) return fail(st.error());
                break;
            case kTagCert:
                if (auto st = decodeIndexed(v, kSlots, kMaxCert, s.certs.data(), "certificate"); !st)
                    return fail(st.error());
                break;
            case kTagPrivateDo:
                if (auto st = decodeIndexed(v, 4, kMaxSpecialDo, s.privateDos.data(), "private DO"); !st)
                    return fail(st.error());
                break;
            default:
                break;  // unknown members of this version are ignored
        }
        if (!ok) return bad("invalid item " + core::toHex(t.raw.first(1)));
    }
    if (!haveSerial || !havePw1 || !havePw3 || !haveCounters)
        return bad("mandatory item missing (serial, PW1, PW3 or counters)");
    if (s.rc.empty() && s.rcLeft != 0) return bad("resetting code counter without a resetting code");
    return s;
}

}  // namespace vcard::openpgp
