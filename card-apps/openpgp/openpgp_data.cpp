#include "card-apps/openpgp/openpgp_data.h"

#include <algorithm>
#include <map>

#include "core/apdu/tlv.h"

namespace openpgp {

using cardapp::KeyAlgorithm;
using core::Errc;
using core::fail;

namespace {

core::Error malformed(const std::string& what) {
    return core::Error(Errc::Malformed, "OpenPGP card data: " + what);
}

uint16_t be16(ByteView v, std::size_t at) {
    return static_cast<uint16_t>(v[at] << 8 | v[at + 1]);
}

// The DOs of a (possibly wrapped) constructed object, flattened: cards differ on whether GET DATA of
// 6E / 65 / 7A includes the outer tag and on whether C0-DE sit inside 73 (§3.1), so we descend into
// the known containers and take the first occurrence of every other tag.
using DoMap = std::map<apdu::Tag, ByteView>;

core::Status collect(ByteView data, std::initializer_list<apdu::Tag> containers, DoMap& out, int depth = 0) {
    auto all = apdu::parseAll(data);
    if (!all) return fail(malformed(all.error().message));
    for (const apdu::Tlv& t : *all) {
        const bool container = std::find(containers.begin(), containers.end(), t.tag) != containers.end();
        if (container && depth < 3) {
            MESIGN_TRY(collect(t.value, containers, out, depth + 1));
        } else {
            out.emplace(t.tag, t.value);
        }
    }
    return {};
}

std::optional<ByteView> get(const DoMap& m, apdu::Tag tag) {
    auto it = m.find(tag);
    if (it == m.end()) return std::nullopt;
    return it->second;
}

core::Status splitTriple(const DoMap& m, apdu::Tag tag, std::size_t each, const char* name,
                         std::array<Fingerprint, 3>& out) {
    auto v = get(m, tag);
    if (!v) return {};
    if (v->size() != 3 * each) return fail(malformed(std::string(name) + " has the wrong length"));
    for (std::size_t i = 0; i < 3; ++i)
        std::copy_n(v->begin() + static_cast<std::ptrdiff_t>(i * each), each, out[i].begin());
    return {};
}

}  // namespace

bool isZero(ByteView v) {
    return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

std::optional<KeyAlgorithm> AlgorithmAttributes::keyAlgorithm() const {
    if (isRsa()) {
        switch (rsaBits) {
            case 1024:
                return KeyAlgorithm::Rsa1024;
            case 2048:
                return KeyAlgorithm::Rsa2048;
            case 3072:
                return KeyAlgorithm::Rsa3072;
            case 4096:
                return KeyAlgorithm::Rsa4096;
            default:
                return std::nullopt;
        }
    }
    if (!curve) return std::nullopt;
    const auto ka = curveInfo(*curve).keyAlgorithm;
    if (!ka) return std::nullopt;
    // The algorithm id must fit the curve: EdDSA only on Ed25519, cv25519 only for ECDH.
    switch (*ka) {
        case KeyAlgorithm::Ed25519:
            return algorithm == algo::kEdDsa ? ka : std::nullopt;
        case KeyAlgorithm::X25519:
            return algorithm == algo::kEcdh ? ka : std::nullopt;
        default:
            return (algorithm == algo::kEcdsa || algorithm == algo::kEcdh) ? ka : std::nullopt;
    }
}

core::Result<AlgorithmAttributes> decodeAlgorithmAttributes(ByteView value) {
    if (value.empty()) return fail(malformed("empty algorithm attributes"));
    AlgorithmAttributes a;
    a.raw.assign(value.begin(), value.end());
    a.algorithm = value[0];
    if (a.isRsa()) {
        if (value.size() < 5) return fail(malformed("RSA algorithm attributes shorter than 5 bytes"));
        a.rsaBits = be16(value, 1);
        a.rsaExponentBits = be16(value, 3);
        if (value.size() > 5) a.rsaImportFormat = value[5];
        if (a.rsaBits == 0 || a.rsaExponentBits == 0)
            return fail(malformed("RSA attributes with zero sizes"));
        return a;
    }
    if (!a.isEcc()) return a;  // an algorithm this driver does not know: keep the raw bytes
    ByteView oid = value.subspan(1);
    if (oid.empty()) return fail(malformed("ECC algorithm attributes without an OID"));
    a.curve = curveFromOid(oid);
    // GnuPG strips a trailing import-format byte (00 or FF) when the OID does not match as is.
    if (!a.curve && oid.size() > 1 && (oid.back() == 0x00 || oid.back() == 0xFF)) {
        if (auto c = curveFromOid(oid.first(oid.size() - 1))) {
            a.curve = c;
            a.ecImportByte = oid.back();
            oid = oid.first(oid.size() - 1);
        }
    }
    a.oid.assign(oid.begin(), oid.end());
    return a;
}

core::Result<Bytes> encodeAlgorithmAttributes(uint8_t keyRef, KeyAlgorithm alg,
                                              const AlgorithmAttributes* current) {
    if (!slotAccepts(keyRef, alg))
        return fail(Errc::InvalidArgument,
                    std::string(cardapp::keyAlgorithmName(alg)) + " is not usable in this key slot");
    if (cardapp::isRsa(alg)) {
        const auto bits = static_cast<uint16_t>(cardapp::rsaModulusBytes(alg) * 8);
        const bool keep = current && current->isRsa();
        const uint16_t eBits = keep ? current->rsaExponentBits : 32;
        const uint8_t format = keep ? current->rsaImportFormat : 0x00;
        return Bytes{algo::kRsa,          uint8_t(bits >> 8), uint8_t(bits),
                     uint8_t(eBits >> 8), uint8_t(eBits),     format};
    }
    Curve curve = Curve::P256;
    uint8_t id = keyRef == key::kDec ? algo::kEcdh : algo::kEcdsa;
    switch (alg) {
        case KeyAlgorithm::EcP256:
            curve = Curve::P256;
            break;
        case KeyAlgorithm::EcP384:
            curve = Curve::P384;
            break;
        case KeyAlgorithm::Ed25519:
            curve = Curve::Ed25519, id = algo::kEdDsa;
            break;
        case KeyAlgorithm::X25519:
            curve = Curve::Cv25519, id = algo::kEcdh;
            break;
        default:
            return fail(Errc::InvalidArgument, "unsupported key algorithm");
    }
    Bytes out{id};
    core::append(out, curveInfo(curve).oidBytes());
    return out;
}

core::Result<ExtendedCapabilities> decodeExtendedCapabilities(ByteView v, uint16_t version) {
    if (v.size() < 10) return fail(malformed("extended capabilities (C0) shorter than 10 bytes"));
    ExtendedCapabilities c;
    c.flags = v[0];
    c.smAlgorithm = v[1];
    c.maxChallenge = be16(v, 2);
    c.maxCertificate = be16(v, 4);
    if (version < 0x0300) {  // v2: bytes 7-8 / 9-10 are the command / response data limits
        c.maxCommandData = be16(v, 6);
        c.maxResponseData = be16(v, 8);
    } else {
        c.maxSpecialDo = be16(v, 6);
        c.pinBlockFormat2 = v[8] == 0x01;
        c.mse = v[9] == 0x01;
    }
    return c;
}

core::Result<PwStatus> decodePwStatus(ByteView v) {
    if (v.size() < 7) return fail(malformed("PW status bytes (C4) shorter than 7 bytes"));
    PwStatus s;
    s.pw1ValidForSeveralSignatures = v[0] != 0x00;
    s.maxLengthPw1 = v[1] & 0x7F;  // bit 8: PIN block format 2 (not used by this driver)
    s.maxLengthRc = v[2];
    s.maxLengthPw3 = v[3] & 0x7F;
    s.retriesPw1 = v[4];
    s.retriesRc = v[5];
    s.retriesPw3 = v[6];
    return s;
}

HistoricalBytes decodeHistoricalBytes(ByteView v) {
    HistoricalBytes h;
    if (v.empty()) return h;
    std::size_t end = v.size();
    if (v[0] == 0x00 && v.size() >= 4) {  // category 00: mandatory status indicator in the last 3 bytes
        h.lifeCycle = v[v.size() - 3];
        end = v.size() - 3;
    } else if (v[0] != 0x80) {
        return h;  // proprietary category: nothing we can read
    }
    for (std::size_t i = 1; i < end;) {
        const uint8_t tagNibble = v[i] >> 4;
        const std::size_t len = v[i] & 0x0F;
        if (i + 1 + len > end) break;  // inconsistent: keep what we have
        ByteView obj = v.subspan(i + 1, len);
        if (tagNibble == 0x7 && len >= 3) {
            h.commandChaining = obj[2] & 0x80;
            h.extendedLength = obj[2] & 0x40;
        } else if (tagNibble == 0x8 && (len == 1 || len == 3)) {
            h.lifeCycle = obj[0];
        }
        i += 1 + len;
    }
    return h;
}

core::Result<ExtendedLengthInfo> decodeExtendedLengthInfo(ByteView v) {
    auto all = apdu::parseAll(v);
    if (!all || all->size() != 2 || (*all)[0].tag != 0x02 || (*all)[1].tag != 0x02 ||
        (*all)[0].value.size() != 2 || (*all)[1].value.size() != 2)
        return fail(malformed("extended length information (7F66) is not two 2-byte integers"));
    return ExtendedLengthInfo{be16((*all)[0].value, 0), be16((*all)[1].value, 0)};
}

core::Result<ApplicationData> decodeApplicationData(ByteView data) {
    DoMap m;
    MESIGN_TRY(collect(data, {tag::kApplicationData, tag::kDiscretionaryData}, m));
    ApplicationData d;
    auto aid = get(m, tag::kAid);
    if (!aid) return fail(malformed("application related data lacks the AID (4F)"));
    if (aid->size() != kAidLength || !std::equal(kAidPrefix.begin(), kAidPrefix.end(), aid->begin()))
        return fail(malformed("AID is not a 16-byte OpenPGP AID"));
    d.aid.assign(aid->begin(), aid->end());
    d.versionMajor = (*aid)[6];
    d.versionMinor = (*aid)[7];
    d.manufacturer = be16(*aid, 8);
    d.serial =
        uint32_t((*aid)[10]) << 24 | uint32_t((*aid)[11]) << 16 | uint32_t((*aid)[12]) << 8 | (*aid)[13];

    if (auto h = get(m, tag::kHistoricalBytes)) {
        d.historicalBytesRaw.assign(h->begin(), h->end());
        d.historical = decodeHistoricalBytes(*h);
    }
    if (auto x = get(m, tag::kExtendedLengthInfo)) {
        auto info = decodeExtendedLengthInfo(*x);
        if (!info) return fail(info.error());
        d.extendedLength = *info;
    }
    if (auto g = get(m, tag::kGeneralFeatures)) d.generalFeatures.assign(g->begin(), g->end());
    if (auto c = get(m, tag::kExtendedCapabilities)) {
        auto caps = decodeExtendedCapabilities(*c, d.version());
        if (!caps) return fail(caps.error());
        d.capabilities = *caps;
    }
    for (const SlotInfo& s : kSlots) {
        if (auto a = get(m, s.attributesTag)) {
            auto attrs = decodeAlgorithmAttributes(*a);
            if (!attrs) return fail(attrs.error());
            d.attributes[s.index] = std::move(*attrs);
        }
    }
    if (auto p = get(m, tag::kPwStatus)) {
        auto st = decodePwStatus(*p);
        if (!st) return fail(st.error());
        d.pwStatus = *st;
    }
    MESIGN_TRY(splitTriple(m, tag::kFingerprints, 20, "fingerprints (C5)", d.fingerprints));
    MESIGN_TRY(splitTriple(m, tag::kCaFingerprints, 20, "CA fingerprints (C6)", d.caFingerprints));
    if (auto t = get(m, tag::kGenerationTimes)) {
        if (t->size() != 12) return fail(malformed("generation times (CD) are not 12 bytes"));
        for (std::size_t i = 0; i < 3; ++i)
            d.generationTimes[i] = uint32_t(be16(*t, 4 * i)) << 16 | be16(*t, 4 * i + 2);
    }
    if (auto k = get(m, tag::kKeyInformation)) {
        if (k->size() % 2) return fail(malformed("key information (DE) has an odd length"));
        std::array<uint8_t, 3> st{};
        for (std::size_t i = 0; i < k->size(); i += 2)
            if (const SlotInfo* s = findSlot((*k)[i])) st[s->index] = (*k)[i + 1];
        d.keyStatus = st;
    }
    return d;
}

std::string ApplicationData::aidHex() const {
    return core::toHex(aid);
}

std::string ApplicationData::serialText() const {
    return aid.size() == kAidLength ? core::toHex(ByteView(aid).subspan(8, 6)) : std::string();
}

core::Result<CardholderData> decodeCardholderData(ByteView data) {
    DoMap m;
    MESIGN_TRY(collect(data, {tag::kCardholderData}, m));
    CardholderData c;
    if (auto n = get(m, tag::kName)) c.name.assign(n->begin(), n->end());
    if (auto l = get(m, tag::kLanguage)) c.language.assign(l->begin(), l->end());
    if (auto s = get(m, tag::kSex)) {
        // Empty on a new or reset card (the virtual card sends it so, gpg accepts it): not set.
        if (s->size() > 1) return fail(malformed("sex (5F35) is longer than one byte"));
        if (s->size() == 1) c.sex = (*s)[0];
    }
    return c;
}

core::Result<uint32_t> decodeSignatureCounter(ByteView data) {
    DoMap m;
    MESIGN_TRY(collect(data, {tag::kSecuritySupport}, m));
    auto c = get(m, tag::kSignatureCounter);
    if (!c) return fail(Errc::NotFound, "security support template lacks the signature counter (93)");
    if (c->size() != 3) return fail(malformed("signature counter (93) is not 3 bytes"));
    return uint32_t((*c)[0]) << 16 | uint32_t((*c)[1]) << 8 | (*c)[2];
}

core::Result<bool> decodeKdfActive(ByteView data) {
    DoMap m;
    MESIGN_TRY(collect(data, {tag::kKdf}, m));
    auto a = get(m, tag::kKdfAlgorithm);
    if (!a) return false;
    if (a->size() != 1) return fail(malformed("KDF algorithm (F9/81) is not one byte"));
    return (*a)[0] != 0x00;
}

}  // namespace openpgp
