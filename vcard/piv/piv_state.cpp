#include "vcard/piv/piv_state.h"

#include <string>

#include "core/apdu/tlv.h"
#include "vcard/card_file.h"
#include "vcard/piv/piv_attest.h"
#include "vcard/piv/piv_crypto.h"
#include "vcard/piv/piv_objects.h"

namespace vcard::piv {

using core::Errc;
using core::fail;

namespace {

// Member tags inside the E1 section.
constexpr uint32_t kTagPin = 0x81, kTagPuk = 0x82, kTagCounters = 0x83, kTagMgmt = 0x84, kTagSerial = 0x85;
constexpr uint32_t kTagObject = 0xA1, kTagKey = 0xA2;
constexpr uint32_t kTagObjId = 0x81, kTagObjValue = 0x82;
constexpr uint32_t kTagKeySlot = 0x81, kTagKeyAlg = 0x82, kTagKeyPolicy = 0x83, kTagKeyOrigin = 0x84,
                   kTagKeyDer = 0x85;

std::unexpected<core::Error> bad(const std::string& what) {
    return fail(Errc::Malformed, "PIV state: " + what);
}

void freshVolatileObjects(PivState& s) {
    s.objects[objects::kChuid] = objects::makeChuid(view(crypto::randomBytes(16)));
    s.objects[objects::kCcc] = objects::makeCcc(view(crypto::randomBytes(14)));
    s.objects[objects::kDiscovery] = objects::makeDiscovery();
}

void setDefaultsCredentials(PivState& s) {
    s.pin = defaultPin();
    s.puk = defaultPuk();
    s.pinMax = s.pinLeft = s.pukMax = s.pukLeft = kDefaultRetries;
    s.mgmtAlg = alg::kTdes;
    s.mgmtTouch = policy::kNever;
    s.mgmtKey = defaultMgmtKey();
}

uint32_t beValue(ByteView v) {
    uint32_t x = 0;
    for (uint8_t b : v) x = (x << 8) | b;
    return x;
}

}  // namespace

core::Result<PivState> newPivState(uint32_t serial) {
    PivState s;
    setDefaultsCredentials(s);
    if (serial == 0) {
        // Eight decimal digits, like YubiKey serials.
        const auto r = crypto::randomBytes(4);
        serial = 10000000u + beValue(view(r)) % 90000000u;
    }
    s.serial = serial;
    freshVolatileObjects(s);
    auto key = crypto::generate(alg::kEccP256);
    if (!key) return fail(key.error());
    auto cert = makeAttestationRootCert(key->get(), serial);
    if (!cert) return fail(cert.error());
    s.keys[ref::kAttestation] =
        KeySlot{alg::kEccP256, policy::kNever, policy::kNever, KeyOrigin::Generated, *key, {}};
    s.objects[objects::kAttestationCert] = objects::certContainer(*cert);
    return s;
}

core::Result<PivState> resetPivState(const PivState& old) {
    PivState s;
    setDefaultsCredentials(s);
    s.serial = old.serial;
    freshVolatileObjects(s);
    if (auto it = old.keys.find(ref::kAttestation); it != old.keys.end()) s.keys.insert(*it);
    if (auto it = old.objects.find(objects::kAttestationCert); it != old.objects.end()) s.objects.insert(*it);
    return s;
}

core::Result<core::SecureBytes> encodePivState(const PivState& s) {
    core::SecureBytes out;
    putTlv(out, kTagPin, view(s.pin));
    putTlv(out, kTagPuk, view(s.puk));
    const uint8_t counters[4] = {s.pinMax, s.pinLeft, s.pukMax, s.pukLeft};
    putTlv(out, kTagCounters, {counters, 4});
    core::SecureBytes mgmt{s.mgmtAlg, s.mgmtTouch};
    mgmt.insert(mgmt.end(), s.mgmtKey.begin(), s.mgmtKey.end());
    putTlv(out, kTagMgmt, view(mgmt));
    const uint8_t serial[4] = {static_cast<uint8_t>(s.serial >> 24), static_cast<uint8_t>(s.serial >> 16),
                               static_cast<uint8_t>(s.serial >> 8), static_cast<uint8_t>(s.serial)};
    putTlv(out, kTagSerial, {serial, 4});
    for (const auto& [tag, value] : s.objects) {
        core::SecureBytes o;
        const uint8_t id[4] = {static_cast<uint8_t>(tag >> 24), static_cast<uint8_t>(tag >> 16),
                               static_cast<uint8_t>(tag >> 8), static_cast<uint8_t>(tag)};
        putTlv(o, kTagObjId, {id, 4});
        putTlv(o, kTagObjValue, value);
        putTlv(out, kTagObject, view(o));
    }
    for (const auto& [slot, k] : s.keys) {
        auto der = crypto::encodePrivateKey(k.key.get());
        if (!der) return fail(der.error());
        core::SecureBytes o;
        putTlvByte(o, kTagKeySlot, slot);
        putTlvByte(o, kTagKeyAlg, k.algorithm);
        const uint8_t pol[2] = {k.pinPolicy, k.touchPolicy};
        putTlv(o, kTagKeyPolicy, {pol, 2});
        putTlvByte(o, kTagKeyOrigin, static_cast<uint8_t>(k.origin));
        putTlv(o, kTagKeyDer, view(*der));
        putTlv(out, kTagKey, view(o));
    }
    return out;
}

namespace {

core::Result<KeySlot> decodeKey(ByteView v, uint8_t& slot) {
    auto members = apdu::parseAll(v);
    if (!members) return bad("key entry: " + members.error().message);
    ByteView slotV, algV, polV, originV, derV;
    for (const auto& m : *members) {
        switch (m.tag) {
            case kTagKeySlot:
                slotV = m.value;
                break;
            case kTagKeyAlg:
                algV = m.value;
                break;
            case kTagKeyPolicy:
                polV = m.value;
                break;
            case kTagKeyOrigin:
                originV = m.value;
                break;
            case kTagKeyDer:
                derV = m.value;
                break;
            default:
                break;  // unknown members: ignored
        }
    }
    if (slotV.size() != 1 || algV.size() != 1 || polV.size() != 2 || originV.size() != 1 || derV.empty())
        return bad("key entry incomplete");
    slot = slotV[0];
    KeySlot k;
    k.algorithm = algV[0];
    k.pinPolicy = polV[0];
    k.touchPolicy = polV[1];
    if (!isKeySlot(slot) || !isAsymmetric(k.algorithm))
        return bad("key entry with invalid slot or algorithm");
    if (k.pinPolicy < policy::kNever || k.pinPolicy > policy::kAlways || k.touchPolicy < policy::kNever ||
        k.touchPolicy > policy::kTouchCached)
        return bad("key entry with invalid policy");
    if (originV[0] != 1 && originV[0] != 2) return bad("key entry with invalid origin");
    k.origin = static_cast<KeyOrigin>(originV[0]);
    auto key = crypto::decodePrivateKey(derV);
    if (!key) return bad("key in slot " + core::toHex({&slot, 1}) + ": " + key.error().message);
    if (crypto::algorithmOf(key->get()) != k.algorithm)
        return bad("key in slot " + core::toHex({&slot, 1}) + " does not match its algorithm");
    k.key = *key;
    return k;
}

}  // namespace

core::Result<PivState> decodePivState(ByteView body) {
    auto members = apdu::parseAll(body);
    if (!members) return bad(members.error().message);
    PivState s;
    bool havePin = false, havePuk = false, haveCounters = false, haveMgmt = false, haveSerial = false;
    for (const auto& m : *members) {
        const ByteView v = m.value;
        switch (m.tag) {
            case kTagPin:
                if (v.size() != 8) return bad("PIN has the wrong length");
                s.pin = core::secureCopy(v);
                havePin = true;
                break;
            case kTagPuk:
                if (v.size() != 8) return bad("PUK has the wrong length");
                s.puk = core::secureCopy(v);
                havePuk = true;
                break;
            case kTagCounters:
                if (v.size() != 4 || v[0] == 0 || v[1] > v[0] || v[2] == 0 || v[3] > v[2])
                    return bad("invalid retry counters");
                s.pinMax = v[0];
                s.pinLeft = v[1];
                s.pukMax = v[2];
                s.pukLeft = v[3];
                haveCounters = true;
                break;
            case kTagMgmt:
                if (v.size() < 2 || !isSymmetric(v[0]) || v.size() - 2 != symKeyBytes(v[0]))
                    return bad("invalid management key");
                s.mgmtAlg = v[0];
                s.mgmtTouch = v[1];
                s.mgmtKey = core::secureCopy(v.subspan(2));
                haveMgmt = true;
                break;
            case kTagSerial:
                if (v.size() != 4) return bad("invalid serial");
                s.serial = beValue(v);
                haveSerial = true;
                break;
            case kTagObject: {
                auto id = apdu::find(v, kTagObjId);
                auto value = apdu::find(v, kTagObjValue);
                if (!id || !value || id->size() != 4) return bad("invalid data object entry");
                const uint32_t tag = beValue(*id);
                if (!objects::isValidTag(tag) || value->size() > objects::kMaxObjectSize)
                    return bad("invalid data object " + std::to_string(tag));
                s.objects[tag] = Bytes(value->begin(), value->end());
                break;
            }
            case kTagKey: {
                uint8_t slot = 0;
                auto k = decodeKey(v, slot);
                if (!k) return fail(k.error());
                s.keys[slot] = std::move(*k);
                break;
            }
            default:
                break;  // unknown members of this version are ignored
        }
    }
    if (!havePin || !havePuk || !haveCounters || !haveMgmt || !haveSerial)
        return bad("mandatory item missing (PIN, PUK, counters, management key or serial)");
    return s;
}

}  // namespace vcard::piv
