// OpenPgpCard: VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER (§4). PINs are UTF-8 bytes sent as
// they are (no padding); they are checked for length before any APDU so a bad format never costs a try,
// and every command buffer holding one is wiped.
#include "card-apps/openpgp/openpgp_card.h"
#include "core/apdu/status_words.h"

namespace openpgp {

using core::Errc;
using core::fail;

namespace {

constexpr uint8_t kCounterRc = 0x00;    // pinError(): the resetting code's counter
constexpr uint8_t kNoPinInData = 0xFF;  // the data holds no PIN to be wrong: plain SW mapping

std::size_t minLength(uint8_t ref) {
    return ref == pw::kPw3 ? pw::kMinPw3 : ref == kCounterRc ? pw::kMinResettingCode : pw::kMinPw1;
}

const char* pinName(uint8_t ref) {
    return ref == pw::kPw3 ? "admin PIN (PW3)" : ref == kCounterRc ? "resetting code" : "user PIN (PW1)";
}

}  // namespace

// Length checks against the spec minimum and the card's maximum (C4), before anything is sent.
static core::Status checkPin(const ApplicationData* app, uint8_t ref, ByteView pin) {
    if (pin.size() < minLength(ref))
        return fail(Errc::InvalidArgument, std::string(pinName(ref)) + " needs at least " +
                                               std::to_string(minLength(ref)) + " characters");
    if (app && app->pwStatus) {
        const PwStatus& s = *app->pwStatus;
        const std::size_t max = ref == pw::kPw3     ? s.maxLengthPw3
                                : ref == kCounterRc ? s.maxLengthRc
                                                    : s.maxLengthPw1;
        if (max && pin.size() > max)
            return fail(
                Errc::InvalidArgument,
                std::string(pinName(ref)) + " is longer than the card's maximum of " + std::to_string(max));
    }
    return {};
}

// OpenPGP cards answer a wrong PIN with 6982 (some with 63Cx); the counter comes from a fresh C4, which
// never costs a try.
core::Error OpenPgpCard::pinError(uint16_t sw, uint8_t ref, std::string_view context) {
    core::Error e = apdu::errorFromSw(sw, context);
    if (sw == apdu::sw::kSecurityNotSatisfied || apdu::isRetryCounter(sw) ||
        sw == apdu::sw::kVerifyFailedNoInfo) {
        e.code = Errc::PinIncorrect;
        e.message = std::string(context) + ": wrong " + pinName(ref);
        if (auto st = readPwStatus()) {
            e.retries = ref == pw::kPw3 ? st->retriesPw3 : ref == kCounterRc ? st->retriesRc : st->retriesPw1;
            if (*e.retries == 0) e.code = Errc::AuthBlocked;
        }
    } else if (sw == apdu::sw::kAuthBlocked) {
        e.retries = 0;
    }
    return e;
}

core::Status OpenPgpCard::secretCommand(uint8_t insByte, uint8_t p1, uint8_t p2, ByteView a, ByteView b,
                                        uint8_t counterRef, std::string_view context) {
    auto kdf = kdfActive();
    if (!kdf) return fail(kdf.error());
    if (*kdf)
        return fail(Errc::NotSupported,
                    "the card expects KDF-hashed PINs (KDF-DO F9), which this driver does not do");
    apdu::Command cmd(0x00, insByte, p1, p2);
    cmd.data.reserve(a.size() + b.size());
    core::append(cmd.data, a);
    core::append(cmd.data, b);
    auto resp = send(cmd);
    core::secureWipe(cmd.data.data(), cmd.data.size());
    if (!resp) return fail(resp.error());
    if (!resp->ok())
        return fail(counterRef == kNoPinInData ? apdu::errorFromSw(resp->sw, context)
                                               : pinError(resp->sw, counterRef, context));
    return {};
}

core::Status OpenPgpCard::verify(uint8_t ref, ByteView pin) {
    if (ref != pw::kPw1Sign && ref != pw::kPw1Other && ref != pw::kPw3)
        return fail(Errc::InvalidArgument, "not an OpenPGP password reference (81, 82, 83)");
    auto app = applicationData();
    if (!app) return fail(app.error());
    MESIGN_TRY(checkPin(*app, ref, pin));
    if (ref == pw::kPw1Sign) m_pw81Fresh = false;
    MESIGN_TRY(secretCommand(ins::kVerify, 0x00, ref, pin, {}, ref, "VERIFY"));
    if (ref == pw::kPw1Sign) m_pw81Fresh = true;
    return {};
}

core::Result<VerifyState> OpenPgpCard::verifyState(uint8_t ref) {
    auto resp = send(apdu::Command(0x00, ins::kVerify, 0x00, ref));
    if (!resp) return fail(resp.error());
    VerifyState st;
    if (resp->ok()) {
        st.verified = true;
    } else if (apdu::isRetryCounter(resp->sw)) {
        st.retriesLeft = resp->sw & 0x0F;
    } else if (resp->sw == apdu::sw::kAuthBlocked) {
        st.retriesLeft = 0;
    }
    // Anything else (6A80, 6A88, 6700...): a card without the status query; not verified, counter unknown.
    return st;
}

core::Status OpenPgpCard::resetVerification(uint8_t ref) {
    auto resp = send(apdu::Command(0x00, ins::kVerify, pw::kVerifyResetP1, ref));
    if (!resp) return fail(resp.error());
    if (resp->ok() && ref == pw::kPw1Sign) m_pw81Fresh = false;
    if (!resp->ok()) return fail(apdu::errorFromSw(resp->sw, "VERIFY (reset verification)"));
    return {};
}

core::Status OpenPgpCard::changeReference(uint8_t ref, ByteView oldPin, ByteView newPin) {
    if (ref != pw::kPw1Sign && ref != pw::kPw3)
        return fail(Errc::InvalidArgument, "CHANGE REFERENCE DATA works on PW1 (81) or PW3 (83)");
    auto app = applicationData();
    if (!app) return fail(app.error());
    MESIGN_TRY(checkPin(*app, ref, oldPin));
    MESIGN_TRY(checkPin(*app, ref, newPin));
    if (ref == pw::kPw1Sign) m_pw81Fresh = false;  // the card clears both PW1 states
    return secretCommand(ins::kChangeReference, 0x00, ref, oldPin, newPin, ref, "CHANGE REFERENCE DATA");
}

core::Status OpenPgpCard::resetRetryCounterWithCode(ByteView resettingCode, ByteView newPin) {
    auto app = applicationData();
    if (!app) return fail(app.error());
    MESIGN_TRY(checkPin(*app, kCounterRc, resettingCode));
    MESIGN_TRY(checkPin(*app, pw::kPw1Sign, newPin));
    m_pw81Fresh = false;
    return secretCommand(ins::kResetRetryCounter, pw::kResetWithCodeP1, pw::kPw1Sign, resettingCode, newPin,
                         kCounterRc, "RESET RETRY COUNTER (resetting code)");
}

core::Status OpenPgpCard::resetRetryCounterAsAdmin(ByteView newPin) {
    auto app = applicationData();
    if (!app) return fail(app.error());
    MESIGN_TRY(checkPin(*app, pw::kPw1Sign, newPin));
    m_pw81Fresh = false;
    return secretCommand(ins::kResetRetryCounter, pw::kResetAsAdminP1, pw::kPw1Sign, newPin, {}, kNoPinInData,
                         "RESET RETRY COUNTER (admin)");
}

}  // namespace openpgp
