// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and management-key (9B) authentication.
#include <algorithm>

#include "core/apdu/status_words.h"
#include "core/apdu/tlv.h"
#include "vcard/piv/piv_applet.h"
#include "vcard/piv/piv_crypto.h"
#include "vcard/piv/piv_internal.h"

namespace vcard::piv {

namespace sw = apdu::sw;

std::optional<AuthTemplate> parseAuthTemplate(ByteView data) {
    auto inner = apdu::unwrap(data, 0x7C);
    if (!inner) return std::nullopt;
    auto members = apdu::parseAll(*inner);
    if (!members) return std::nullopt;
    AuthTemplate t;
    for (const auto& m : *members) {
        std::optional<ByteView>* slot = nullptr;
        switch (m.tag) {
            case 0x80:
                slot = &t.witness;
                break;
            case 0x81:
                slot = &t.challenge;
                break;
            case 0x82:
                slot = &t.response;
                break;
            case 0x85:
                slot = &t.exponent;
                break;
            default:
                return std::nullopt;
        }
        if (slot->has_value()) return std::nullopt;  // duplicate member
        *slot = m.value;
    }
    return t;
}

namespace {

std::size_t paddedLength(ByteView v) {
    const auto firstPad = std::find(v.begin(), v.end(), 0xFF);
    if (!std::all_of(firstPad, v.end(), [](uint8_t b) { return b == 0xFF; })) return 0;
    return static_cast<std::size_t>(firstPad - v.begin());
}

uint16_t retriesSw(uint8_t left) {
    return left == 0 ? sw::retries(0) : sw::retries(std::min<int>(left, 15));
}

}  // namespace

bool isWellFormedPin(ByteView pin) {
    if (pin.size() != 8) return false;
    const std::size_t n = paddedLength(pin);
    return n >= 6 && std::all_of(pin.begin(), pin.begin() + static_cast<std::ptrdiff_t>(n),
                                 [](uint8_t b) { return b >= '0' && b <= '9'; });
}

bool isWellFormedPuk(ByteView puk) {
    return puk.size() == 8 && paddedLength(puk) >= 6;
}

Response PivApplet::verify(const Command& cmd) {
    if (cmd.p1 != 0x00 && cmd.p1 != 0xFF) return swOnly(sw::kIncorrectP1P2);
    if (cmd.p2 != ref::kPin) return swOnly(sw::kReferenceNotFound);  // no Global PIN, OCC or pairing code
    if (cmd.p1 == 0xFF) {                                            // reset the PIN's security status
        if (!cmd.data.empty()) return swOnly(sw::kWrongLength);
        m_vol.pinVerified = m_vol.pinFresh = false;
        return swOnly(sw::kOk);
    }
    if (cmd.data.empty()) {  // query
        if (m_state.pinLeft == 0) return swOnly(sw::kAuthBlocked);
        return swOnly(m_vol.pinVerified ? sw::kOk : retriesSw(m_state.pinLeft));
    }
    if (m_state.pinLeft == 0) return swOnly(sw::kAuthBlocked);
    if (!isWellFormedPin(cmd.data)) return swOnly(sw::kIncorrectData);

    // The attempt is counted (and saved) before the comparison result exists.
    PivState next = m_state;
    --next.pinLeft;
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    if (!core::equalConstantTime(cmd.data, view(m_state.pin))) {
        m_vol.pinVerified = m_vol.pinFresh = false;
        return swOnly(retriesSw(m_state.pinLeft));
    }
    next = m_state;
    next.pinLeft = next.pinMax;
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    m_vol.pinVerified = m_vol.pinFresh = true;
    return swOnly(sw::kOk);
}

Response PivApplet::changeReference(const Command& cmd) {
    if (cmd.p1 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (cmd.p2 != ref::kPin && cmd.p2 != ref::kPuk) return swOnly(sw::kReferenceNotFound);
    const bool isPin = cmd.p2 == ref::kPin;
    if (cmd.data.size() != 16) return swOnly(sw::kIncorrectData);
    const ByteView oldValue = ByteView(cmd.data).first(8);
    const ByteView newValue = ByteView(cmd.data).subspan(8);
    if ((isPin ? m_state.pinLeft : m_state.pukLeft) == 0) return swOnly(sw::kAuthBlocked);
    if (isPin ? (!isWellFormedPin(oldValue) || !isWellFormedPin(newValue)) : !isWellFormedPuk(newValue))
        return swOnly(sw::kIncorrectData);

    PivState next = m_state;
    --(isPin ? next.pinLeft : next.pukLeft);
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    const auto& current = isPin ? m_state.pin : m_state.puk;
    if (!core::equalConstantTime(oldValue, view(current))) {
        if (isPin) m_vol.pinVerified = m_vol.pinFresh = false;
        return swOnly(retriesSw(isPin ? m_state.pinLeft : m_state.pukLeft));
    }
    next = m_state;
    if (isPin) {
        next.pin = core::secureCopy(newValue);
        next.pinLeft = next.pinMax;
    } else {
        next.puk = core::secureCopy(newValue);
        next.pukLeft = next.pukMax;
    }
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    if (isPin) m_vol.pinVerified = m_vol.pinFresh = true;
    return swOnly(sw::kOk);
}

Response PivApplet::resetRetryCounter(const Command& cmd) {
    if (cmd.p1 != 0x00) return swOnly(sw::kIncorrectP1P2);
    if (cmd.p2 != ref::kPin) return swOnly(sw::kReferenceNotFound);
    if (cmd.data.size() != 16) return swOnly(sw::kIncorrectData);
    const ByteView puk = ByteView(cmd.data).first(8);
    const ByteView newPin = ByteView(cmd.data).subspan(8);
    if (m_state.pukLeft == 0) return swOnly(sw::kAuthBlocked);
    if (!isWellFormedPin(newPin)) return swOnly(sw::kIncorrectData);

    PivState next = m_state;
    --next.pukLeft;
    if (auto r = commit(std::move(next)); r != sw::kOk) return swOnly(r);
    if (!core::equalConstantTime(puk, view(m_state.puk))) return swOnly(retriesSw(m_state.pukLeft));
    next = m_state;
    next.pukLeft = next.pukMax;
    next.pin = core::secureCopy(newPin);
    next.pinLeft = next.pinMax;
    // The PIN's security status is left as it was: the caller still has to VERIFY.
    return swOnly(commit(std::move(next)));
}

Response PivApplet::generalAuthenticate(const Command& cmd) {
    if (cmd.p2 == ref::kMgmt) return mgmtAuthenticate(cmd);
    return asymmetricAuthenticate(cmd);
}

Response PivApplet::mgmtAuthenticate(const Command& cmd) {
    const uint8_t a = m_state.mgmtAlg;
    if (cmd.p1 != a && !(cmd.p1 == alg::kTdesLegacy && a == alg::kTdes)) return swOnly(sw::kIncorrectP1P2);
    const auto t = parseAuthTemplate(cmd.data);
    if (!t) return swOnly(sw::kIncorrectData);
    const std::size_t block = symBlockBytes(a);
    const auto key = view(m_state.mgmtKey);
    auto isEmpty = [](const std::optional<ByteView>& v) { return v && v->empty(); };
    auto isFull = [&](const std::optional<ByteView>& v) { return v && !v->empty(); };
    using Step = Volatile::MgmtStep;

    if (isEmpty(t->witness) && !t->challenge && !isFull(t->response) && !t->exponent) {
        // Mutual, step 1: witness W = E_K(R1); the host must send R1 back.
        SecureBytes r1 = crypto::randomBytes(block);
        auto w = crypto::blockCipher(a, key, view(r1), true);
        if (!w) return swOnly(sw::kNoDiagnosis);
        m_vol.mgmtStep = Step::Witness;
        m_vol.mgmtExpect = std::move(r1);
        return withData(apdu::TlvBuilder().begin(0x7C).add(0x80, view(*w)).end().take());
    }
    if (isEmpty(t->challenge) && !t->witness && !isFull(t->response) && !t->exponent) {
        // External (one-way), step 1: a challenge the host must encrypt.
        SecureBytes c = crypto::randomBytes(block);
        Bytes out = apdu::TlvBuilder().begin(0x7C).add(0x81, view(c)).end().take();
        m_vol.mgmtStep = Step::Challenge;
        m_vol.mgmtExpect = std::move(c);
        return withData(std::move(out));
    }
    if (isFull(t->witness) && isFull(t->challenge) && !isFull(t->response) && !t->exponent) {
        // Mutual, step 2: check R1, then prove our key by encrypting the host's challenge R2.
        if (t->witness->size() != block || t->challenge->size() != block) return swOnly(sw::kIncorrectData);
        if (m_vol.mgmtStep != Step::Witness) return swOnly(sw::kConditionsNotSatisfied);
        const bool ok = core::equalConstantTime(*t->witness, view(m_vol.mgmtExpect));
        m_vol.mgmtStep = Step::None;
        m_vol.mgmtExpect.clear();
        if (!ok) {
            m_vol.admin = false;
            return swOnly(sw::kSecurityNotSatisfied);
        }
        auto r2 = crypto::blockCipher(a, key, *t->challenge, true);
        if (!r2) return swOnly(sw::kNoDiagnosis);
        m_vol.admin = true;
        return withData(apdu::TlvBuilder().begin(0x7C).add(0x82, view(*r2)).end().take());
    }
    if (isFull(t->response) && !t->witness && !t->challenge && !t->exponent) {
        // External, step 2: the host's E_K(challenge).
        if (t->response->size() != block) return swOnly(sw::kIncorrectData);
        if (m_vol.mgmtStep != Step::Challenge) return swOnly(sw::kConditionsNotSatisfied);
        auto expect = crypto::blockCipher(a, key, view(m_vol.mgmtExpect), true);
        m_vol.mgmtStep = Step::None;
        m_vol.mgmtExpect.clear();
        if (!expect) return swOnly(sw::kNoDiagnosis);
        if (!core::equalConstantTime(*t->response, view(*expect))) {
            m_vol.admin = false;
            return swOnly(sw::kSecurityNotSatisfied);
        }
        m_vol.admin = true;
        return swOnly(sw::kOk);
    }
    return swOnly(sw::kIncorrectData);
}

}  // namespace vcard::piv
