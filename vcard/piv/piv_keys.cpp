// Key-pair commands: GENERAL AUTHENTICATE with asymmetric keys, GENERATE ASYMMETRIC KEY PAIR, and the
// Yubico IMPORT KEY, GET METADATA and ATTEST.
#include <algorithm>

#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "vcard/piv/piv_applet.h"
#include "vcard/piv/piv_attest.h"
#include "vcard/piv/piv_crypto.h"
#include "vcard/piv/piv_internal.h"

namespace vcard::piv {

namespace sw = apdu::sw;

namespace {

uint16_t swFor(const core::Error& e) {
    return e.code == core::Errc::IncorrectData ? sw::kIncorrectData : sw::kNoDiagnosis;
}

// Optional Yubico policy members AA (PIN) / AB (touch) of GENERATE and IMPORT.
bool readPolicies(const std::optional<ByteView>& aa, const std::optional<ByteView>& ab, uint8_t slot,
                  KeySlot& k) {
    k.pinPolicy = defaultPinPolicy(slot);
    k.touchPolicy = policy::kNever;
    if (aa) {
        if (aa->size() != 1 || (*aa)[0] > policy::kAlways) return false;
        if ((*aa)[0] != policy::kDefault) k.pinPolicy = (*aa)[0];
    }
    if (ab) {
        if (ab->size() != 1 || (*ab)[0] > policy::kTouchCached) return false;
        if ((*ab)[0] != policy::kDefault) k.touchPolicy = (*ab)[0];
    }
    return true;
}

}  // namespace

bool PivApplet::keyUsable(const KeySlot& k) const {
    switch (k.pinPolicy) {
        case policy::kNever:
            return true;
        case policy::kAlways:
            return m_vol.pinVerified && m_vol.pinFresh;
        default:
            return m_vol.pinVerified;
    }
}

Response PivApplet::asymmetricAuthenticate(const Command& cmd) {
    if (!isUserKeySlot(cmd.p2)) return swOnly(sw::kIncorrectP1P2);
    const auto it = m_state.keys.find(cmd.p2);
    if (it == m_state.keys.end()) return swOnly(sw::kReferenceNotFound);
    KeySlot& k = it->second;  // not const: the ECDSA signing context is kept with the key
    if (cmd.p1 != k.algorithm) return swOnly(sw::kIncorrectP1P2);
    const auto t = parseAuthTemplate(cmd.data);
    // 82 must be absent or empty (the host's "put the result here"); exactly one of 81 / 85 carries input.
    if (!t || t->witness || (t->response && !t->response->empty())) return swOnly(sw::kIncorrectData);
    const bool sign = t->challenge && !t->challenge->empty() && !t->exponent;
    const bool agree = t->exponent && !t->exponent->empty() && !t->challenge;
    if (!sign && !agree) return swOnly(sw::kIncorrectData);
    const ByteView input = sign ? *t->challenge : *t->exponent;

    // Length checks before the security check, so malformed input never consumes PIN-always status.
    if (sign) {
        if (isRsa(k.algorithm) && input.size() != rsaBytes(k.algorithm)) return swOnly(sw::kIncorrectData);
        if (isEc(k.algorithm) && input.size() > ecFieldBytes(k.algorithm)) return swOnly(sw::kIncorrectData);
        if (k.algorithm == alg::kX25519) return swOnly(sw::kIncorrectData);
    } else if (!isEc(k.algorithm) && k.algorithm != alg::kX25519) {
        return swOnly(sw::kIncorrectData);
    }
    if (!keyUsable(k)) return swOnly(sw::kSecurityNotSatisfied);

    core::Result<SecureBytes> result = core::fail(core::Errc::Internal, "no operation");
    if (agree) {
        result = crypto::deriveShared(k.key.get(), k.algorithm, input);
    } else if (isRsa(k.algorithm)) {
        result = crypto::rsaRaw(k.key.get(), input);
    } else {
        auto sig = isEc(k.algorithm) ? crypto::ecdsaSign(k.key.get(), input, k.signContext)
                                     : crypto::ed25519Sign(k.key.get(), input);
        if (sig)
            result = core::secureCopy(*sig);
        else
            result = core::fail(sig.error());
    }
    if (!result) return swOnly(swFor(result.error()));
    if (k.pinPolicy == policy::kAlways) m_vol.pinFresh = false;  // one VERIFY, one private-key operation
    return withData(apdu::TlvBuilder().begin(0x7C).add(0x82, view(*result)).end().take());
}

Response PivApplet::generate(const Command& cmd) {
    if (cmd.p1 != 0x00 || !isUserKeySlot(cmd.p2)) return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.admin) return swOnly(sw::kSecurityNotSatisfied);
    auto ac = apdu::unwrap(cmd.data, 0xAC);
    if (!ac) return swOnly(sw::kIncorrectData);
    auto members = apdu::parseAll(*ac);
    if (!members) return swOnly(sw::kIncorrectData);
    std::optional<ByteView> mech, exponent, aa, ab;
    for (const auto& m : *members) {
        std::optional<ByteView>* dst = nullptr;
        switch (m.tag) {
            case 0x80:
                dst = &mech;
                break;
            case 0x81:
                dst = &exponent;
                break;
            case 0xAA:
                dst = &aa;
                break;
            case 0xAB:
                dst = &ab;
                break;
            default:
                return swOnly(sw::kIncorrectData);
        }
        if (dst->has_value()) return swOnly(sw::kIncorrectData);
        *dst = m.value;
    }
    if (!mech || mech->size() != 1 || !isAsymmetric((*mech)[0])) return swOnly(sw::kIncorrectData);
    const uint8_t a = (*mech)[0];
    if (exponent && (!isRsa(a) || exponent->empty() || exponent->size() > 8))
        return swOnly(sw::kIncorrectData);
    KeySlot slot;
    if (!readPolicies(aa, ab, cmd.p2, slot)) return swOnly(sw::kIncorrectData);

    auto key = crypto::generate(a, exponent);
    if (!key) return swOnly(swFor(key.error()));
    auto pub = crypto::publicKeyTlvs(key->get(), a);
    if (!pub) return swOnly(sw::kNoDiagnosis);
    slot.algorithm = a;
    slot.origin = KeyOrigin::Generated;
    slot.key = *key;
    PivState next = m_state;
    next.keys[cmd.p2] = std::move(slot);  // the certificate object is left alone: the host rewrites it
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    MESIGN_LOG("vcard", Info, "PIV key generated in slot " + core::toHex({&cmd.p2, 1}));
    return withData(apdu::encodeTlv(0x7F49, *pub));
}

Response PivApplet::importKey(const Command& cmd) {
    const uint8_t a = cmd.p1;
    if (!isUserKeySlot(cmd.p2) || !isAsymmetric(a)) return swOnly(sw::kIncorrectP1P2);
    if (!m_vol.admin) return swOnly(sw::kSecurityNotSatisfied);
    auto members = apdu::parseAll(cmd.data);
    if (!members) return swOnly(sw::kIncorrectData);
    std::optional<ByteView> part[9], aa, ab;  // part[1..8] = tags 01..08
    for (const auto& m : *members) {
        std::optional<ByteView>* dst = nullptr;
        if (m.tag >= 0x01 && m.tag <= 0x08)
            dst = &part[m.tag];
        else if (m.tag == 0xAA)
            dst = &aa;
        else if (m.tag == 0xAB)
            dst = &ab;
        else
            return swOnly(sw::kIncorrectData);
        if (dst->has_value()) return swOnly(sw::kIncorrectData);
        *dst = m.value;
    }
    auto onlyParts = [&](std::initializer_list<int> wanted) {
        for (int i = 1; i <= 8; ++i) {
            const bool want = std::find(wanted.begin(), wanted.end(), i) != wanted.end();
            if (want != part[i].has_value()) return false;
        }
        return true;
    };
    KeySlot slot;
    if (!readPolicies(aa, ab, cmd.p2, slot)) return swOnly(sw::kIncorrectData);
    core::Result<KeyPtr> key = core::fail(core::Errc::IncorrectData, "missing key material");
    if (isRsa(a) && onlyParts({1, 2, 3, 4, 5}))
        key = crypto::importRsa(a, *part[1], *part[2], *part[3], *part[4], *part[5]);
    else if (isEc(a) && onlyParts({6}))
        key = crypto::importEc(a, *part[6]);
    else if (a == alg::kEd25519 && onlyParts({7}))
        key = crypto::importRaw25519(a, *part[7]);
    else if (a == alg::kX25519 && onlyParts({8}))
        key = crypto::importRaw25519(a, *part[8]);
    if (!key) return swOnly(swFor(key.error()));
    slot.algorithm = a;
    slot.origin = KeyOrigin::Imported;
    slot.key = *key;
    PivState next = m_state;
    next.keys[cmd.p2] = std::move(slot);
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    MESIGN_LOG("vcard", Info, "PIV key imported into slot " + core::toHex({&cmd.p2, 1}));
    return swOnly(sw::kOk);
}

Response PivApplet::metadata(const Command& cmd) {
    if (cmd.p1 != 0x00) return swOnly(sw::kIncorrectP1P2);
    apdu::TlvBuilder b;
    const uint8_t r = cmd.p2;
    if (r == ref::kPin || r == ref::kPuk) {
        const bool pin = r == ref::kPin;
        const bool isDefault = core::equalConstantTime(view(pin ? m_state.pin : m_state.puk),
                                                       view(pin ? defaultPin() : defaultPuk()));
        b.addByte(0x01, alg::kPinPuk);
        b.addByte(0x05, isDefault ? 0x01 : 0x00);
        b.add(0x06, {pin ? m_state.pinMax : m_state.pukMax, pin ? m_state.pinLeft : m_state.pukLeft});
    } else if (r == ref::kMgmt) {
        const bool isDefault = m_state.mgmtAlg == alg::kTdes &&
                               core::equalConstantTime(view(m_state.mgmtKey), view(defaultMgmtKey()));
        b.addByte(0x01, m_state.mgmtAlg);
        b.add(0x02, {policy::kDefault, m_state.mgmtTouch});
        b.addByte(0x05, isDefault ? 0x01 : 0x00);
    } else if (isKeySlot(r)) {
        const auto it = m_state.keys.find(r);
        if (it == m_state.keys.end()) return swOnly(sw::kReferenceNotFound);
        const KeySlot& k = it->second;
        auto pub = crypto::publicKeyTlvs(k.key.get(), k.algorithm);
        if (!pub) return swOnly(sw::kNoDiagnosis);
        b.addByte(0x01, k.algorithm);
        b.add(0x02, {k.pinPolicy, k.touchPolicy});
        b.addByte(0x03, static_cast<uint8_t>(k.origin));
        b.add(0x04, *pub);
    } else {
        return swOnly(sw::kIncorrectP1P2);
    }
    return withData(b.take());
}

Response PivApplet::attest(const Command& cmd) {
    if (cmd.p2 != 0x00 || !isUserKeySlot(cmd.p1)) return swOnly(sw::kIncorrectP1P2);
    const auto it = m_state.keys.find(cmd.p1);
    const auto signer = m_state.keys.find(ref::kAttestation);
    if (it == m_state.keys.end() || signer == m_state.keys.end()) return swOnly(sw::kReferenceNotFound);
    // Only keys born on the card can be vouched for.
    if (it->second.origin != KeyOrigin::Generated) return swOnly(sw::kIncorrectData);
    auto cert = makeAttestation(signer->second.key.get(), cmd.p1, it->second, m_state.serial);
    if (!cert) return swOnly(sw::kNoDiagnosis);
    return withData(std::move(*cert));
}

}  // namespace vcard::piv
