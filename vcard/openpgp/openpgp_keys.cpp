// Key commands: GENERATE ASYMMETRIC KEY PAIR, PSO:CDS, PSO:DECIPHER, INTERNAL AUTHENTICATE, key import
// (PUT DATA odd 3FFF) and algorithm attribute changes (PUT DATA C1–C3).
#include <algorithm>

#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "vcard/openpgp/openpgp_applet.h"
#include "vcard/openpgp/openpgp_crypto.h"
#include "vcard/openpgp/openpgp_import.h"
#include "vcard/openpgp/openpgp_internal.h"

namespace vcard::openpgp {

namespace sw = apdu::sw;

namespace {

// DigestInfo prefixes (openpgp-card.md §5.1) and the hash length that must follow each.
struct DigestPrefix {
    Bytes prefix;
    std::size_t hashLen;
};
const std::vector<DigestPrefix>& digestPrefixes() {
    static const std::vector<DigestPrefix> kPrefixes = {
        {core::hexBytes("3021300906052B0E03021A05000414"), 20},
        {core::hexBytes("3021300906052B2403020105000414"), 20},
        {core::hexBytes("302D300D06096086480165030402040500041C"), 28},
        {core::hexBytes("3031300D060960864801650304020105000420"), 32},
        {core::hexBytes("3041300D060960864801650304020205000430"), 48},
        {core::hexBytes("3051300D060960864801650304020305000440"), 64},
    };
    return kPrefixes;
}

bool isDigestInfo(ByteView v) {
    const auto& ps = digestPrefixes();
    return std::any_of(ps.begin(), ps.end(), [&](const DigestPrefix& p) {
        return v.size() == p.prefix.size() + p.hashLen && std::equal(p.prefix.begin(), p.prefix.end(), v.begin());
    });
}

bool isHashLength(std::size_t n) {
    return n == 20 || n == 28 || n == 32 || n == 48 || n == 64;
}

Bytes publicKeyDo(ByteView members) {
    return apdu::encodeTlv(0x7F49, members);
}

}  // namespace

uint16_t swFor(const core::Error& e) {
    return e.code == core::Errc::IncorrectData ? sw::kIncorrectData : sw::kNoDiagnosis;
}

std::optional<Slot> slotFromCrt(ByteView crt) {
    auto all = apdu::parseAll(crt);
    if (!all || all->size() != 1) return std::nullopt;
    const apdu::Tlv& t = (*all)[0];
    Slot s;
    switch (t.tag) {
        case 0xB6:
            s = Slot::Sig;
            break;
        case 0xB8:
            s = Slot::Dec;
            break;
        case 0xA4:
            s = Slot::Aut;
            break;
        default:
            return std::nullopt;
    }
    if (t.value.empty()) return s;
    const auto ref = apdu::unwrap(t.value, 0x84);
    if (!ref || ref->size() != 1 || (*ref)[0] != idx(s) + 1) return std::nullopt;
    return s;
}

Response OpenPgpApplet::generate(const Command& cmd) {
    if ((cmd.p1 != 0x80 && cmd.p1 != 0x81) || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    const auto slot = slotFromCrt(cmd.data);
    if (!slot) return swOnly(sw::kIncorrectData);
    const AlgoSpec spec = specOf(*slot);
    if (cmd.p1 == 0x81) {  // read the public key: no access condition
        const KeyPtr& key = m_state.keys[idx(*slot)].key;
        if (!key) return swOnly(sw::kReferenceNotFound);
        auto pub = crypto::publicKeyTlvs(key.get(), spec);
        if (!pub) return swOnly(swFor(pub.error()));
        return withData(publicKeyDo(*pub));
    }
    if (!m_vol.pw3) return swOnly(sw::kSecurityNotSatisfied);
    auto key = crypto::generate(spec);
    if (!key) return swOnly(swFor(key.error()));
    auto pub = crypto::publicKeyTlvs(key->get(), spec);
    if (!pub) return swOnly(swFor(pub.error()));
    OpenPgpState next = m_state;
    installKey(next, *slot, *key, KeyOrigin::Generated);
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    return withData(publicKeyDo(*pub));
}

Response OpenPgpApplet::pso(const Command& cmd) {
    if (cmd.p1 == 0x9E && cmd.p2 == 0x9A) return computeSignature(cmd);
    if (cmd.p1 == 0x80 && cmd.p2 == 0x86) return decipher(cmd);
    return swOnly(sw::kIncorrectP1P2);  // PSO:ENCIPHER (AES) is not offered
}

Response OpenPgpApplet::computeSignature(const Command& cmd) {
    if (!m_vol.pw1Sign) return swOnly(sw::kSecurityNotSatisfied);
    const KeyPtr& key = m_state.keys[idx(Slot::Sig)].key;
    if (!key) return swOnly(sw::kReferenceNotFound);
    const AlgoSpec spec = specOf(Slot::Sig);
    const ByteView in = cmd.data;
    core::Result<Bytes> sig = core::fail(core::Errc::IncorrectData, "bad input");
    if (spec.kind == KeyKind::Rsa) {
        if (isDigestInfo(in)) sig = crypto::rsaSign(key.get(), in);
    } else if (isEc(spec.kind)) {
        if (isHashLength(in.size())) sig = crypto::ecdsaSign(key.get(), spec.kind, in);
    } else if (!in.empty()) {
        sig = crypto::ed25519Sign(key.get(), in);
    }
    if (!sig) return swOnly(swFor(sig.error()));
    OpenPgpState next = m_state;
    if (next.sigCount < kMaxSigCount) ++next.sigCount;
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    // C4 byte 1 = 00: PW1 (81) is good for this one signature only.
    if (!m_state.pw1ValidMultiple) m_vol.pw1Sign = false;
    return withData(std::move(*sig));
}

Response OpenPgpApplet::decipher(const Command& cmd) {
    if (!m_vol.pw1Other) return swOnly(sw::kSecurityNotSatisfied);
    const Slot slot = m_vol.decKey;
    const KeyPtr& key = m_state.keys[idx(slot)].key;
    if (!key) return swOnly(sw::kReferenceNotFound);
    const AlgoSpec spec = specOf(slot);
    if (!canDecipher(spec.kind)) return swOnly(sw::kConditionsNotSatisfied);
    const ByteView in = cmd.data;
    if (in.empty()) return swOnly(sw::kIncorrectData);
    core::Result<SecureBytes> out = core::fail(core::Errc::IncorrectData, "bad input");
    if (spec.kind == KeyKind::Rsa) {
        // Padding indicator 00, then the cryptogram; 02 (AES) is not offered.
        if (in[0] == 0x00) out = crypto::rsaDecrypt(key.get(), in.subspan(1));
    } else {
        // Cipher DO A6 { 7F49 { 86 <peer public key> } }.
        auto a6 = apdu::unwrap(in, 0xA6);
        auto pk = a6 ? apdu::unwrap(*a6, 0x7F49) : a6;
        auto peer = pk ? apdu::unwrap(*pk, 0x86) : pk;
        if (peer) {
            ByteView p = *peer;
            if (spec.kind == KeyKind::X25519 && p.size() == 33 && p[0] == 0x40) p = p.subspan(1);
            out = crypto::deriveShared(key.get(), spec.kind, p);
        }
    }
    if (!out) return swOnly(swFor(out.error()));
    return withData(Bytes(out->begin(), out->end()));
}

Response OpenPgpApplet::internalAuthenticate(const Command& cmd) {
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.pw1Other) return swOnly(sw::kSecurityNotSatisfied);
    const Slot slot = m_vol.autKey;
    const KeyPtr& key = m_state.keys[idx(slot)].key;
    if (!key) return swOnly(sw::kReferenceNotFound);
    const AlgoSpec spec = specOf(slot);
    if (!canSign(spec.kind)) return swOnly(sw::kConditionsNotSatisfied);
    const ByteView in = cmd.data;
    core::Result<Bytes> sig = core::fail(core::Errc::IncorrectData, "bad input");
    if (spec.kind == KeyKind::Rsa) {
        // Authentication input is at most 40 % of the modulus length.
        if (!in.empty() && in.size() * 5 <= spec.rsaBits / 8 * 2) sig = crypto::rsaSign(key.get(), in);
    } else if (isEc(spec.kind)) {
        if (isHashLength(in.size())) sig = crypto::ecdsaSign(key.get(), spec.kind, in);
    } else if (!in.empty()) {
        sig = crypto::ed25519Sign(key.get(), in);
    }
    if (!sig) return swOnly(swFor(sig.error()));
    return withData(std::move(*sig));
}

Response OpenPgpApplet::importKey(const Command& cmd) {
    if (cmd.p1 != 0x3F || cmd.p2 != 0xFF) return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.pw3) return swOnly(sw::kSecurityNotSatisfied);
    auto parsed = parseImport(cmd.data);
    if (!parsed) return swOnly(sw::kIncorrectData);
    const AlgoSpec spec = specOf(parsed->slot);
    auto key = importFromParts(spec, *parsed);
    if (!key) return swOnly(swFor(key.error()));
    OpenPgpState next = m_state;
    installKey(next, parsed->slot, *key, KeyOrigin::Imported);
    return swOnly(commit(std::move(next)));
}

Response OpenPgpApplet::putAttributes(Slot slot, ByteView value) {
    if (!parseAttributes(slot, value)) return swOnly(sw::kIncorrectData);
    KeySlot& current = m_state.keys[idx(slot)];
    if (std::equal(value.begin(), value.end(), current.attributes.begin(), current.attributes.end()))
        return swOnly(sw::kOk);  // not a change: the key stays
    OpenPgpState next = m_state;
    // A new algorithm invalidates the key and everything recorded about it.
    KeySlot& k = next.keys[idx(slot)];
    k = KeySlot{};
    k.attributes.assign(value.begin(), value.end());
    k.caFingerprint = current.caFingerprint;
    return swOnly(commit(std::move(next)));
}

void installKey(OpenPgpState& s, Slot slot, KeyPtr key, KeyOrigin origin) {
    KeySlot& k = s.keys[idx(slot)];
    k.key = std::move(key);
    k.origin = origin;
    // The host computes and writes fingerprint and date afterwards; stale ones would describe another key.
    k.fingerprint = {};
    k.timestamp = 0;
    if (slot == Slot::Sig) s.sigCount = 0;
}

}  // namespace vcard::openpgp
