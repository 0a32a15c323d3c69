// OpenPgpApplication: transactions, selection recovery, identity, key enumeration, certificates, PINs.
#include "card-apps/openpgp/openpgp_application.h"

#include <ctime>

#include "card-apps/openpgp/openpgp_application_run.h"
#include "card-apps/openpgp/openpgp_crypto.h"
#include "core/base/log.h"

namespace openpgp {

using cardapp::KeyInfo;
using cardapp::PinKind;
using core::Errc;
using core::fail;

OpenPgpApplication::OpenPgpApplication(transport::Transport& transport, apdu::ChannelOptions channelOptions)
    : m_transport(transport),
      m_baseOptions(channelOptions),
      m_channel(transport,
                [&] {
                    channelOptions.useExtendedLength = false;
                    return channelOptions;
                }()),
      m_card(m_channel),
      m_clock([] { return static_cast<uint32_t>(std::time(nullptr)); }) {}

core::Status OpenPgpApplication::ensureSelected() {
    if (!m_card.selected()) MESIGN_TRY(m_card.select());
    auto app = m_card.applicationData();  // read once per selection / after changes
    if (!app) return fail(app.error());
    configureChannel();
    return {};
}

// Extended length only when the card says so (5F52 / 7F66); the Channel also asks the transport.
void OpenPgpApplication::configureChannel() {
    const apdu::ChannelOptions want = m_card.channelOptionsFor(m_baseOptions);
    if (!want.useExtendedLength) {
        m_card.useChannel(m_channel);
        return;
    }
    if (!m_extendedChannel) m_extendedChannel.emplace(m_transport, want);
    m_card.useChannel(*m_extendedChannel);
}

void OpenPgpApplication::noteReset() {
    MESIGN_LOG("openpgp", Info, "card reset: re-selecting OpenPGP");
    m_card.markSelectionLost();
    (void)m_card.takeSelectionLost();
    m_card.invalidateApplicationData();
    m_stateLost = true;
    m_identity.reset();
    invalidateKeys();
}

void OpenPgpApplication::invalidateKeys() {
    m_keys.reset();
    m_certificates.clear();
}

bool OpenPgpApplication::takeStateLost() {
    const bool lost = m_stateLost || m_card.takeSelectionLost();
    m_stateLost = false;
    return lost;
}

core::Status OpenPgpApplication::select() {
    m_card.forgetSelection();  // an explicit select always sends SELECT and reads 6E again
    m_card.invalidateApplicationData();
    invalidateKeys();
    return run(Retry::IfReset, []() -> core::Status { return {}; });
}

core::Result<ApplicationData> OpenPgpApplication::applicationData() {
    return run(Retry::IfReset, [&]() -> core::Result<ApplicationData> {
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        return **app;
    });
}

core::Result<cardapp::ApplicationIdentity> OpenPgpApplication::identity() {
    if (m_identity) return *m_identity;
    auto id = run(Retry::IfReset, [&]() -> core::Result<cardapp::ApplicationIdentity> {
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        cardapp::ApplicationIdentity ident;
        ident.application = "OpenPGP";
        ident.serial = (*app)->serialText();
        ident.label = "OpenPGP card " + ident.serial;  // hex digits only: never ':'
        ident.cardId = (*app)->aid;
        return ident;
    });
    if (id) m_identity = *id;
    return id;
}

core::Result<std::optional<Bytes>> OpenPgpApplication::readCertificateCached(uint8_t keyRef) {
    if (auto it = m_certificates.find(keyRef); it != m_certificates.end()) return it->second;
    auto cert = m_card.readCertificate(keyRef);
    if (!cert && cert.error().code == Errc::NotSupported) cert = std::optional<Bytes>();  // v2: no such DO
    if (cert) m_certificates[keyRef] = *cert;
    return cert;
}

core::Result<std::vector<KeyInfo>> OpenPgpApplication::readKeys() {
    auto appR = m_card.applicationData();
    if (!appR) return fail(appR.error());
    const ApplicationData app = **appR;  // a copy: reads below may refresh the card's cache
    std::vector<KeyInfo> out;
    for (const SlotInfo& slot : kSlots) {
        const bool present =
            app.keyStatus ? (*app.keyStatus)[slot.index] != 0x00 : !isZero(app.fingerprints[slot.index]);
        const auto& attrs = app.attributes[slot.index];
        if (!present) continue;
        KeyInfo k;
        k.ref = slot.ref;
        k.label = slot.label;
        if (app.keyStatus) k.generatedOnCard = (*app.keyStatus)[slot.index] == 0x01;
        if (attrs) {
            k.algorithm = attrs->keyAlgorithm();
            auto pub = m_card.readPublicKey(slot.ref, *attrs);
            if (!pub && pub.error().code == Errc::NotFound) continue;  // the card says the slot is empty
            if (!pub) return fail(pub.error());
            auto spki = spkiFromCardKey(*pub, *attrs);
            if (spki)
                k.publicKeyInfo = std::move(*spki);
            else if (spki.error().code != Errc::NotSupported)
                return fail(spki.error());
        }
        const bool severalSignatures = !app.pwStatus || app.pwStatus->pw1ValidForSeveralSignatures;
        if (slot.ref == key::kDec) {
            k.usage = attrs && attrs->isRsa() ? cardapp::kUsageDecrypt : cardapp::kUsageDerive;
        } else {
            k.usage = cardapp::kUsageSign;
        }
        k.pinPolicy = slot.ref == key::kSig && !severalSignatures ? cardapp::PinPolicy::Always
                                                                  : cardapp::PinPolicy::Once;
        auto cert = readCertificateCached(slot.ref);
        if (!cert) return fail(cert.error());
        k.hasCertificate = cert->has_value();
        out.push_back(std::move(k));
    }
    return out;
}

core::Result<std::vector<KeyInfo>> OpenPgpApplication::keys() {
    if (m_keys) return *m_keys;
    auto k = run(Retry::IfReset, [&] { return readKeys(); });
    if (k) m_keys = *k;
    return k;
}

core::Result<std::optional<Bytes>> OpenPgpApplication::certificate(uint8_t keyRef) {
    if (!findSlot(keyRef)) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    return run(Retry::IfReset, [&] { return readCertificateCached(keyRef); });
}

core::Status OpenPgpApplication::writeCertificate(uint8_t keyRef, ByteView der) {
    if (!findSlot(keyRef)) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    MESIGN_TRY(checkCertificate(der));
    m_certificates.erase(keyRef);
    m_keys.reset();
    auto st = run(Retry::Never, [&] { return m_card.writeCertificate(keyRef, der); });
    if (st) m_certificates[keyRef] = Bytes(der.begin(), der.end());
    return st;
}

core::Status OpenPgpApplication::deleteCertificate(uint8_t keyRef) {
    if (!findSlot(keyRef)) return fail(Errc::InvalidArgument, "not an OpenPGP key reference (1, 2 or 3)");
    m_certificates.erase(keyRef);
    m_keys.reset();
    auto st = run(Retry::Never, [&] { return m_card.writeCertificate(keyRef, {}); });
    if (st) m_certificates[keyRef] = std::nullopt;
    return st;
}

core::Result<cardapp::PinStatus> OpenPgpApplication::pinStatus(PinKind kind) {
    return run(Retry::IfReset, [&]() -> core::Result<cardapp::PinStatus> {
        auto st = m_card.readPwStatus();  // the counters, without spending a try
        if (!st) return fail(st.error());
        cardapp::PinStatus out;
        switch (kind) {
            case PinKind::User:
                out.retriesLeft = st->retriesPw1;
                break;
            case PinKind::Admin:
                out.retriesLeft = st->retriesPw3;
                break;
            case PinKind::Puk:
                out.retriesLeft = st->retriesRc;
                return out;  // RC: 0 also when unset
        }
        if (out.retriesLeft == 0) return out;  // blocked: the status query would only say 6983
        auto v = m_card.verifyState(kind == PinKind::User ? pw::kPw1Other : pw::kPw3);
        if (!v) return fail(v.error());
        out.verified = v->verified;
        return out;
    });
}

core::Status OpenPgpApplication::verifyPin(PinKind kind, ByteView pin) {
    switch (kind) {
        case PinKind::User:
            return run(Retry::IfReset, [&]() -> core::Status {
                // Same physical PIN: after 82 succeeded, 81 cannot fail for a wrong PIN.
                MESIGN_TRY(m_card.verify(pw::kPw1Other, pin));
                return m_card.verify(pw::kPw1Sign, pin);
            });
        case PinKind::Admin:
            return authenticateAdmin(pin);
        case PinKind::Puk:
            break;
    }
    return fail(Errc::NotSupported, "the resetting code cannot be verified, only used to unblock PW1");
}

core::Status OpenPgpApplication::verifySignaturePin(ByteView pin) {
    return run(Retry::IfReset, [&] { return m_card.verify(pw::kPw1Sign, pin); });
}

core::Status OpenPgpApplication::changePin(PinKind kind, ByteView oldPin, ByteView newPin) {
    switch (kind) {
        case PinKind::User:
            return run(Retry::Never, [&] { return m_card.changeReference(pw::kPw1Sign, oldPin, newPin); });
        case PinKind::Admin:
            return run(Retry::Never, [&] { return m_card.changeReference(pw::kPw3, oldPin, newPin); });
        case PinKind::Puk:
            break;
    }
    return fail(Errc::NotSupported, "the resetting code is set with the admin PIN (setResettingCode)");
}

core::Status OpenPgpApplication::unblockPin(ByteView resettingCode, ByteView newPin) {
    return run(Retry::Never, [&] { return m_card.resetRetryCounterWithCode(resettingCode, newPin); });
}

core::Status OpenPgpApplication::unblockPinWithAdmin(ByteView adminPin, ByteView newPin) {
    return run(Retry::Never, [&]() -> core::Status {
        MESIGN_TRY(m_card.verify(pw::kPw3, adminPin));
        return m_card.resetRetryCounterAsAdmin(newPin);
    });
}

core::Status OpenPgpApplication::resetUserPinAsAdmin(ByteView newPin) {
    // Never retried: after a reset the card forgot PW3, and the caller must log in again.
    return run(Retry::Never, [&] { return m_card.resetRetryCounterAsAdmin(newPin); });
}

core::Status OpenPgpApplication::setResettingCode(ByteView adminPin, ByteView resettingCode) {
    return run(Retry::Never, [&]() -> core::Status {
        MESIGN_TRY(m_card.verify(pw::kPw3, adminPin));
        return m_card.putResettingCode(resettingCode);
    });
}

core::Status OpenPgpApplication::logout() {
    return run(Retry::IfReset, [&]() -> core::Status {
        auto app = m_card.applicationData();
        if (!app) return fail(app.error());
        if ((*app)->versionMajor >= 3) {
            bool ok = true;
            for (uint8_t ref : {pw::kPw1Sign, pw::kPw1Other, pw::kPw3}) {
                auto st = m_card.resetVerification(ref);
                if (!st && st.error().sw) {
                    ok = false;  // a card without VERIFY FF
                    break;
                }
                if (!st) return st;
            }
            if (ok) return {};
        }
        // SELECT clears every verification state (§2).
        MESIGN_LOG("openpgp", Debug, "logout by re-selecting the application");
        return m_card.select();
    });
}

core::Status OpenPgpApplication::authenticateAdmin(ByteView adminPin) {
    return run(Retry::IfReset, [&] { return m_card.verify(pw::kPw3, adminPin); });
}

}  // namespace openpgp
