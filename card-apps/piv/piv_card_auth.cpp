// PivCard: PIN / PUK handling (§5.4, §5.5) and management-key mutual authentication (§5.6).
#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_card.h"
#include "card-apps/piv/piv_card_util.h"
#include "core/apdu/status_words.h"
#include "core/base/log.h"

namespace piv {

using core::Errc;
using core::fail;

namespace {
apdu::Command secretCommand(uint8_t insByte, uint8_t p2, const core::SecureBytes& a,
                            const core::SecureBytes* b) {
    apdu::Command cmd(0x00, insByte, 0x00, p2);
    cmd.data.assign(a.begin(), a.end());
    if (b) cmd.data.insert(cmd.data.end(), b->begin(), b->end());
    return cmd;
}
}  // namespace

core::Status PivCard::verifyPin(ByteView pin, uint8_t ref) {
    auto block = formatPin(pin);  // before any APDU: a bad format never costs a try
    if (!block) return fail(block.error());
    apdu::Command cmd = secretCommand(ins::kVerify, ref, *block, nullptr);
    detail::WipeOnExit wipe(cmd);
    auto resp = send(cmd);
    if (!resp) return fail(resp.error());
    if (ref == key::kPin) {
        if (apdu::isRetryCounter(resp->sw)) m_lastPinRetries = resp->sw & 0x0F;
        if (resp->ok()) m_lastPinRetries = m_pinRetriesTotal;
        if (resp->sw == apdu::sw::kAuthBlocked) m_lastPinRetries = 0;
    }
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, "VERIFY PIN"));
    return {};
}

core::Result<cardapp::PinStatus> PivCard::pinStatus(uint8_t ref) {
    cardapp::PinStatus st;
    auto fromMetadata = [&]() {
        auto md = getMetadata(ref);
        if (md && md->retriesRemaining) {
            st.retriesLeft = *md->retriesRemaining;
            st.maxRetries = md->retriesTotal;
            if (ref == key::kPin) m_pinRetriesTotal = md->retriesTotal;
        }
    };
    if (ref == key::kPuk) {  // the PUK cannot be VERIFYed: only GET METADATA knows its counter
        fromMetadata();
        return st;
    }
    apdu::Command query(0x00, ins::kVerify, 0x00, ref);
    auto resp = send(query);
    if (!resp) return fail(resp.error());
    if (resp->ok()) {
        // Verified: the query form cannot tell the counter, GET METADATA (or our memory) can.
        st.verified = true;
        if (vendorSupported(ins::kGetMetadata)) fromMetadata();
        if (st.retriesLeft < 0 && ref == key::kPin && m_lastPinRetries) st.retriesLeft = *m_lastPinRetries;
    } else if (apdu::isRetryCounter(resp->sw)) {
        st.retriesLeft = resp->sw & 0x0F;
        if (ref == key::kPin) m_lastPinRetries = st.retriesLeft;
    } else if (resp->sw == apdu::sw::kAuthBlocked) {
        st.retriesLeft = 0;
    } else if (resp->sw != apdu::sw::kVerifyFailedNoInfo) {  // 6300: not verified, counter unknown
        return fail(apdu::errorFromSw(resp->sw, "VERIFY (status query)"));
    }
    if (!st.maxRetries && ref == key::kPin) st.maxRetries = m_pinRetriesTotal;
    return st;
}

core::Status PivCard::logout(uint8_t ref) {
    auto resp = send(apdu::Command(0x00, ins::kVerify, 0xFF, ref));
    if (!resp) return fail(resp.error());
    if (resp->ok()) return {};
    if (resp->sw != apdu::sw::kIncorrectP1P2 && resp->sw != apdu::sw::kWrongP1P2)
        return fail(apdu::errorFromSw(resp->sw, "VERIFY (reset security status)"));
    // YubiKeys before 5.4.3 lack P1=FF: selecting another application resets PIV security status.
    MESIGN_LOG("piv", Debug, "logout via selecting another application");
    auto other = m_channel.transmit(apdu::Command(0x00, ins::kSelect, 0x04, 0x00,
                                                  Bytes(kYubicoOtpAid.begin(), kYubicoOtpAid.end()), 256));
    if (!other) return fail(other.error());
    m_selected = false;
    auto sel = select();
    if (!sel) return fail(sel.error());
    return {};
}

core::Status PivCard::changeReference(uint8_t insByte, uint8_t ref, const core::SecureBytes& first,
                                      const core::SecureBytes& second, std::string_view context) {
    apdu::Command cmd = secretCommand(insByte, ref, first, &second);
    detail::WipeOnExit wipe(cmd);
    auto resp = send(cmd);
    if (!resp) return fail(resp.error());
    if (ref == key::kPin && insByte == ins::kChangeReference && apdu::isRetryCounter(resp->sw))
        m_lastPinRetries = resp->sw & 0x0F;
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, context));
    if (ref == key::kPin) m_lastPinRetries = m_pinRetriesTotal;  // counter reset to its maximum
    return {};
}

core::Status PivCard::changePin(ByteView oldPin, ByteView newPin) {
    auto a = formatPin(oldPin);
    if (!a) return fail(a.error());
    auto b = formatPin(newPin);
    if (!b) return fail(b.error());
    return changeReference(ins::kChangeReference, key::kPin, *a, *b, "CHANGE REFERENCE DATA (PIN)");
}

core::Status PivCard::changePuk(ByteView oldPuk, ByteView newPuk) {
    auto a = formatPuk(oldPuk);
    if (!a) return fail(a.error());
    auto b = formatPuk(newPuk);
    if (!b) return fail(b.error());
    return changeReference(ins::kChangeReference, key::kPuk, *a, *b, "CHANGE REFERENCE DATA (PUK)");
}

core::Status PivCard::unblockPin(ByteView puk, ByteView newPin) {
    auto a = formatPuk(puk);
    if (!a) return fail(a.error());
    auto b = formatPin(newPin);
    if (!b) return fail(b.error());
    return changeReference(ins::kResetRetryCounter, key::kPin, *a, *b, "RESET RETRY COUNTER");
}

core::Result<uint8_t> PivCard::managementKeyAlgorithm(std::size_t keyLength) {
    const uint8_t fallback = managementAlgorithmForKeyLength(keyLength);
    if (!vendorSupported(ins::kGetMetadata)) return fallback;
    auto md = getMetadata(key::kManagement);
    if (md && md->algorithm && isManagementAlgorithm(*md->algorithm)) return *md->algorithm;
    if (!md) {
        switch (md.error().code) {
            case Errc::NotSupported:
            case Errc::NotFound:
            case Errc::IncorrectP1P2:
            case Errc::IncorrectData:
            case Errc::Malformed:
            case Errc::CardError:
                break;  // a card without (usable) metadata: assume the default
            default:
                return fail(md.error());
        }
    }
    return fallback;
}

core::Status PivCard::authenticateManagementKey(ByteView mgmtKey, std::optional<uint8_t> algorithm) {
    uint8_t a = 0;
    if (algorithm) {
        a = *algorithm;
    } else {
        auto detected = managementKeyAlgorithm(mgmtKey.size());
        if (!detected) return fail(detected.error());
        a = *detected;
    }
    if (!isManagementAlgorithm(a)) return fail(Errc::InvalidArgument, "unknown management key algorithm");
    if (mgmtKey.size() != managementKeyLength(a))
        return fail(Errc::InvalidArgument, "management key length does not match its algorithm");
    const std::size_t block = managementBlockSize(a);
    constexpr const char* kContext = "GENERAL AUTHENTICATE (management key)";

    // Step 1: ask for a witness W = E_K(R1). No Le, as in the reference trace (§8.5).
    auto answer =
        sendOk(apdu::Command(
                   0x00, ins::kGeneralAuthenticate, a, key::kManagement,
                   apdu::TlvBuilder().begin(tag::kDynamicAuth).add(tag::kWitness, ByteView()).end().take()),
               kContext);
    if (!answer) return fail(answer.error());
    auto witness = detail::dynamicAuthItem(*answer, tag::kWitness, kContext);
    if (!witness) return fail(witness.error());
    if (witness->size() != block)
        return fail(Errc::Malformed, std::string(kContext) + ": witness is not one block");
    auto r1 = managementCipher(a, mgmtKey, *witness, false);
    if (!r1) return fail(r1.error());

    // Step 2: prove we decrypted W and challenge the card with our own random R2.
    core::SecureBytes r2(block);
    MESIGN_TRY(m_random(std::span<uint8_t>(r2.data(), r2.size())));
    auto expected = managementCipher(a, mgmtKey, view(r2), true);
    if (!expected) return fail(expected.error());
    apdu::TlvBuilder b;
    b.begin(tag::kDynamicAuth).add(tag::kWitness, view(*r1)).add(tag::kChallenge, view(r2)).end();
    apdu::Command step2(0x00, ins::kGeneralAuthenticate, a, key::kManagement, b.take());
    detail::WipeOnExit wipe(step2);
    auto proof = sendOk(step2, kContext);
    if (!proof) return fail(proof.error());
    auto response = detail::dynamicAuthItem(*proof, tag::kResponse, kContext);
    if (!response) return fail(response.error());
    if (!core::equalConstantTime(*response, view(*expected)))
        return fail(Errc::SecurityNotSatisfied, "card failed to prove knowledge of the management key");
    MESIGN_LOG("piv", Debug, "management key authenticated");
    return {};
}

}  // namespace piv
