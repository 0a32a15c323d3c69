// Token: the public operations. Each one takes the token's lock, runs on the (lazily opened) connection and
// lets Impl::settle() deal with resets and removals. SO on PIV: the management key (admin operations) or
// the PUK (kept in wiped memory for unblockWithSoLogin; the PIV PUK cannot be verified on its own).
#include "core/token/token.h"

#include <algorithm>

#include "card-apps/piv/piv_containers.h"
#include "core/base/log.h"
#include "core/token/token_impl.h"

namespace token {

using cardapp::PinKind;
using core::Errc;
using core::fail;

namespace {

bool atrContains(ByteView atr, std::string_view text) {
    return std::search(atr.begin(), atr.end(), text.begin(), text.end()) != atr.end();
}

std::string manufacturerFromAtr(ByteView atr) {
    if (atrContains(atr, "MeSign")) return "MeSign";  // our virtual card's historical bytes
    if (atrContains(atr, "Yubi")) return "Yubico";
    return "Unknown";
}

// The public key from the SPKI and the certificate (if read with the key) when it belongs to that key.
KeyObject makeKeyObject(cardapp::KeyInfo key) {
    KeyObject o;
    if (!key.publicKeyInfo.empty()) {
        if (auto pk = crypto::parseSpki(key.publicKeyInfo)) {
            o.publicKey = std::move(*pk);
        } else {
            MESIGN_LOG("token", Warn, key.label + ": unusable public key: " + pk.error().message);
        }
    }
    if (key.hasCertificate && !key.certificate.empty()) {
        auto cert = crypto::parseCertificate(key.certificate);
        if (!cert) {
            MESIGN_LOG("token", Warn, key.label + ": certificate skipped: " + cert.error().message);
        } else if (o.publicKey && !crypto::certificateMatchesKey(*cert, o.publicKey->spki)) {
            MESIGN_LOG("token", Info, key.label + ": certificate of an older key skipped");
        } else {
            o.certificate = std::move(*cert);
        }
    }
    o.key = std::move(key);
    return o;
}

// Card answers to a key operation that say nothing about the PIN or the connection.
bool keyMayBeStale(Errc c) {
    switch (c) {
        case Errc::PinIncorrect:
        case Errc::AuthBlocked:
        case Errc::CardReset:
        case Errc::CardRemoved:
        case Errc::NoCard:
        case Errc::NoReader:
        case Errc::NoService:
        case Errc::Transport:
        case Errc::Timeout:
        case Errc::Cancelled:
            return false;
        default:
            return true;
    }
}

}  // namespace

Token::Token(ReaderBackend& backend, std::string reader, Bytes atr)
    : Token(backend, std::move(reader), std::move(atr), backend.objectCache()) {}

Token::Token(ReaderBackend& backend, std::string reader, Bytes atr, const ObjectCache* cache)
    : m_impl(std::make_unique<Impl>(backend, reader, std::move(atr), cache, AppKind::Piv)),
      m_reader(std::move(reader)) {}

Token::Token(ReaderBackend& backend, std::string reader, Bytes atr, AppKind kind)
    : m_impl(std::make_unique<Impl>(backend, reader, std::move(atr), backend.objectCache(), kind)),
      m_reader(std::move(reader)),
      m_kind(kind) {}

Token::~Token() = default;

void Token::shareSelection(SharedSelection selection) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->selection = std::move(selection);
}

core::Status Token::probe() {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        return m_impl->run([&]() -> core::Status { return {}; });  // connect + SELECT + identity
    });
}

core::Result<TokenInfo> Token::info() {
    return guarded(m_impl->mutex, [&]() -> core::Result<TokenInfo> {
        Impl& d = *m_impl;
        if (d.info && !d.removed && Impl::Clock::now() - d.infoTime < Impl::kInfoLifetime) return *d.info;
        return d.run([&]() -> core::Result<TokenInfo> {
            auto id = d.app->identity();
            if (!id) return fail(id.error());
            auto user = d.app->pinStatus(PinKind::User);
            if (!user) return fail(user.error());
            const bool openPgp = d.kind == AppKind::OpenPgp;
            auto puk = d.app->pinStatus(openPgp ? PinKind::Admin : PinKind::Puk);
            if (!puk) return fail(puk.error());
            TokenInfo ti;
            ti.application = id->application;
            ti.label = id->label;
            std::replace(ti.label.begin(), ti.label.end(), ':', '-');  // NSS uses "LABEL:nickname"
            ti.manufacturer = manufacturerFromAtr(d.atr);
            ti.model = cardAppType(d.kind).name;
            if (openPgp) ti.maxPinLength = 127;  // PW1: 6..127 (C4); PW3 at least 8
            ti.serial = id->serial;
            ti.cardId = id->cardId;
            ti.userPin = *user;
            ti.soPin = *puk;
            d.info = ti;
            d.infoTime = Impl::Clock::now();
            return ti;
        });
    });
}

core::Result<Bytes> Token::cardId() {
    return guarded(m_impl->mutex, [&]() -> core::Result<Bytes> {
        Impl& d = *m_impl;
        // Connected: the identity was read at connect and re-checked after every reset (checkIdentity).
        if (d.app && d.identity && !d.removed) return d.identity->cardId;
        return d.run([&]() -> core::Result<Bytes> {
            if (!d.identity) return fail(Errc::Internal, "the card's identity is unknown");
            return d.identity->cardId;
        });
    });
}

core::Result<std::vector<KeyObject>> Token::objects() {
    return guarded(m_impl->mutex, [&] { return m_impl->loadObjects(); });
}

core::Result<std::optional<KeyObject>> Token::object(uint8_t ref) {
    return guarded(m_impl->mutex, [&]() -> core::Result<std::optional<KeyObject>> {
        Impl& d = *m_impl;
        if (!d.objects || d.removed)
            if (auto listed = d.loadObjects(); !listed) return fail(listed.error());
        for (const KeyObject& k : *d.objects)
            if (k.key.ref == ref) return std::optional<KeyObject>(k);
        return std::optional<KeyObject>();
    });
}

core::Result<std::vector<KeyObject>> Token::Impl::loadObjects() {
        Impl& d = *this;
        if (d.objects && !d.removed) return *d.objects;
        bool fromDisk = false;
        auto keys = d.run([&]() -> core::Result<std::vector<cardapp::KeyInfo>> {
            if (auto cached = d.loadCachedKeys()) {
                fromDisk = true;
                return std::move(*cached);
            }
            auto k = d.app->keys();
            if (!k) return fail(k.error());
            for (auto& key : *k) {
                // A key generated through us since: its SPKI, not that of a certificate left from an older
                // key.
                if (auto g = d.generatedSpki.find(key.ref); g != d.generatedSpki.end())
                    key.publicKeyInfo = g->second;
                if (key.hasCertificate && key.certificate.empty()) {  // an application that did not read it
                    auto der = d.app->certificate(key.ref);
                    if (!der) return fail(der.error());
                    if (*der) key.certificate = std::move(**der);
                }
            }
            return k;
        });
        if (!keys) return fail(keys.error());
        if (!fromDisk) d.storeCachedKeys(*keys);
        std::vector<KeyObject> out;
        for (auto& k : *keys) out.push_back(makeKeyObject(std::move(k)));
        d.objects = std::move(out);
        d.objectsFromDisk = fromDisk;
        return *d.objects;
}

core::Status Token::completeKeys(std::optional<uint8_t> ref) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        if (!d.objects || d.removed) {
            auto listed = d.loadObjects();
            if (!listed) return fail(listed.error());
        }
        std::vector<cardapp::KeyInfo> pending;  // copies: `objects` may be dropped while the card is asked
        for (const KeyObject& k : *d.objects)
            if (k.key.detailsDeferred && (!ref || k.key.ref == *ref)) pending.push_back(k.key);
        if (pending.empty()) return {};
        auto st = d.run([&]() -> core::Status {
            piv::PivApplication* pivApp = d.piv();
            for (cardapp::KeyInfo& k : pending) {
                if (!pivApp) {
                    k.detailsDeferred = false;
                    continue;
                }
                MESIGN_TRY(pivApp->completeKey(k));
            }
            return {};
        });
        if (!st) return st;
        if (!d.objects) return {};  // dropped meanwhile (reset, removal): the next listing reads it afresh
        for (cardapp::KeyInfo& k : pending) {
            for (KeyObject& o : *d.objects)
                if (o.key.ref == k.ref && o.key.detailsDeferred) o = makeKeyObject(std::move(k));
        }
        d.storeCachedEntry();
        return {};
    });
}

uint64_t Token::generation() const {
    return m_impl->generation.load();
}

core::Status Token::loginUser(ByteView pin) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        const LoginState was = d.login.load();
        if (was == LoginState::SoManagementKey || was == LoginState::SoPuk)
            return fail(Errc::ConditionsNotSatisfied, "the SO is logged in");
        auto st = d.run([&] { return d.app->verifyPin(PinKind::User, pin); });
        // A correct PIN resets its counter to the maximum: known without asking the card again when no
        // try had been lost (PIV's default maximum is 3 where the card does not tell).
        const cardapp::PinStatus* known = d.info ? &d.info->userPin : nullptr;
        if (st && known && known->retriesLeft >= known->maxRetries.value_or(3)) {
            d.info->userPin.verified = true;
        } else {
            d.info.reset();
        }
        if (!st) {
            // A failed VERIFY clears the card's PIN status; a CardReset means the PIN was not even tried.
            if (st.error().code != Errc::CardReset) d.login = LoginState::None;
            return st;
        }
        d.login = LoginState::User;
        d.loginLostUnreported = false;
        return {};
    });
}

core::Status Token::loginSo(SoCredential kind, ByteView secret) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        if (d.login.load() == LoginState::User)
            return fail(Errc::ConditionsNotSatisfied, "the user is logged in");
        if (kind == SoCredential::Puk && d.kind != AppKind::Piv)
            return fail(Errc::NotSupported, "this application's SO is its admin PIN, not a PUK");
        if (kind == SoCredential::Puk) {
            // PIV cannot verify a PUK without using it: check its format, keep it for RESET RETRY COUNTER.
            if (d.removed) return fail(Errc::CardRemoved, "the card was removed from '" + d.reader + "'");
            MESIGN_TRY(piv::formatPuk(secret));
            d.dropLogin(false);
            d.puk = core::secureCopy(secret);
            d.login = LoginState::SoPuk;
            d.loginLostUnreported = false;
            return {};
        }
        if (d.kind == AppKind::OpenPgp) {
            // PW3 already blocked and a resetting code set: the secret is that code, kept for
            // unblockWithSoLogin like the PIV PUK (the card cannot verify it alone).
            auto pw3 = d.run([&] { return d.app->pinStatus(PinKind::Admin); });
            auto rc = pw3 && pw3->blocked() ? d.run([&] { return d.app->pinStatus(PinKind::Puk); })
                                            : core::Result<cardapp::PinStatus>(cardapp::PinStatus{});
            if (rc && rc->retriesLeft > 0) {
                d.dropLogin(false);
                d.puk = core::secureCopy(secret);
                d.login = LoginState::SoPuk;
                d.loginLostUnreported = false;
                return {};
            }
        }
        auto st = d.run([&] { return d.app->authenticateAdmin(secret); });
        if (!st) {
            if (st.error().code != Errc::CardReset) d.dropLogin(false);
            return st;
        }
        core::SecureBytes().swap(d.puk);
        d.login = LoginState::SoManagementKey;
        d.loginLostUnreported = false;
        return {};
    });
}

core::Status Token::logout() {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        const LoginState was = d.login.load();
        d.dropLogin(false);
        d.loginLostUnreported = false;
        if (d.removed || !d.app || (was != LoginState::User && was != LoginState::SoManagementKey)) return {};
        // VERIFY P1=FF makes the card forget the PIN. (A management-key authentication stays on the card
        // until reset or deselection; our state no longer claims it.)
        auto st = d.run([&] { return d.app->logout(); });
        if (!st) MESIGN_LOG("token", Info, "logout on '" + d.reader + "': " + st.error().message);
        return {};  // our side is logged out whatever the card said
    });
}

bool Token::userLoggedIn() const {
    return !m_impl->removed && m_impl->login.load() == LoginState::User;
}

bool Token::soLoggedIn() const {
    const LoginState l = m_impl->login.load();
    return !m_impl->removed && (l == LoginState::SoManagementKey || l == LoginState::SoPuk);
}

// Private-key operations share one path: report a lost login first, then one application call (which
// runs VERIFY + the operation in one transaction when a context PIN is given).
core::Result<Bytes> Token::Impl::keyOperation(KeyOp op, uint8_t keyRef, ByteView input,
                                              std::optional<ByteView> pin) {
    Impl& d = *this;
    MESIGN_TRY(d.takeLostLogin());
    auto r = d.run([&]() -> core::Result<Bytes> {
        if (pin) return keyOperationWithPin(*d.app, op, keyRef, input, *pin);
        switch (op) {
            case KeyOp::Sign: return d.app->sign(keyRef, input);
            case KeyOp::Decipher: return d.app->decipher(keyRef, input);
            case KeyOp::Derive: return d.app->deriveEcdh(keyRef, input);
        }
        return fail(Errc::Internal, "unknown key operation");
    });
    if (pin) d.info.reset();  // the context VERIFY moved the PIN counter
    // A key from the disk cache that the card refuses (wrong algorithm, empty slot, other PIN policy) may
    // have been replaced by another program: read the card next time.
    if (!r && d.objectsFromDisk && keyMayBeStale(r.error().code)) {
        MESIGN_LOG("token", Info, "a cached key was refused by the card: object cache dropped");
        d.forgetObjects();
        ++d.generation;
    }
    if (!r && r.error().code == Errc::AuthBlocked) d.dropLogin(false);  // a blocked PIN logs the user out
    // A context PIN without a user login must not leave the card's PIN verified for others.
    if (pin && d.app && d.login.load() != LoginState::User) (void)d.app->logout();
    return r;
}

core::Result<Bytes> Token::sign(uint8_t keyRef, ByteView input, std::optional<ByteView> contextPin) {
    return m_impl->keyOperationEntry(KeyOp::Sign, keyRef, input, contextPin);
}

core::Result<Bytes> Token::decipher(uint8_t keyRef, ByteView input, std::optional<ByteView> contextPin) {
    return m_impl->keyOperationEntry(KeyOp::Decipher, keyRef, input, contextPin);
}

core::Result<Bytes> Token::deriveEcdh(uint8_t keyRef, ByteView peerPoint,
                                      std::optional<ByteView> contextPin) {
    return m_impl->keyOperationEntry(KeyOp::Derive, keyRef, peerPoint, contextPin);
}

core::Status Token::changeUserPin(ByteView oldPin, ByteView newPin) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        auto st = d.run([&] { return d.app->changePin(PinKind::User, oldPin, newPin); });
        d.info.reset();
        if (!st && st.error().code == Errc::AuthBlocked && d.login.load() == LoginState::User)
            d.dropLogin(false);
        return st;
    });
}

core::Status Token::changeSoPin(ByteView oldPuk, ByteView newPuk) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        const PinKind so = d.kind == AppKind::OpenPgp ? PinKind::Admin : PinKind::Puk;
        auto st = d.run([&] { return d.app->changePin(so, oldPuk, newPuk); });
        d.info.reset();
        if (st && d.login.load() == LoginState::SoPuk) d.puk = core::secureCopy(newPuk);
        return st;
    });
}

core::Status Token::unblockUserPin(ByteView puk, ByteView newPin) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        auto st = d.run([&] { return d.app->unblockPin(puk, newPin); });
        d.info.reset();
        return st;
    });
}

core::Status Token::unblockWithSoLogin(ByteView newPin) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        MESIGN_TRY(d.takeLostLogin());
        if (d.kind == AppKind::OpenPgp && d.login.load() == LoginState::SoManagementKey) {
            // OpenPGP SO = PW3, held verified by the card since loginSo: RESET RETRY COUNTER P1=02.
            auto st = d.run([&] { return resetUserPinAsAdmin(*d.app, newPin); });
            d.info.reset();
            return st;
        }
        if (d.login.load() != LoginState::SoPuk)
            return fail(Errc::SecurityNotSatisfied, "unblocking the PIN needs the SO login with the PUK");
        const core::SecureBytes puk = d.puk;  // copy: a reset inside run() wipes d.puk
        auto st = d.run([&] { return d.app->unblockPin(view(puk), newPin); });
        d.info.reset();
        if (!st && st.error().code == Errc::AuthBlocked) d.dropLogin(false);
        return st;
    });
}

core::Result<KeyObject> Token::generateKey(uint8_t keyRef, cardapp::KeyAlgorithm alg) {
    return guarded(m_impl->mutex, [&]() -> core::Result<KeyObject> {
        Impl& d = *m_impl;
        MESIGN_TRY(d.takeLostLogin());
        MESIGN_TRY(d.requireSoManagementKey("generating a key"));
        auto k = d.run([&] { return d.app->generateKey(keyRef, alg); });
        if (!k) return fail(k.error());
        d.generatedSpki[keyRef] = k->publicKeyInfo;
        d.forgetObjects();
        ++d.generation;
        return makeKeyObject(std::move(*k));
    });
}

core::Result<std::vector<cardapp::KeyAlgorithm>> Token::generatableAlgorithms() {
    return guarded(m_impl->mutex, [&]() -> core::Result<std::vector<cardapp::KeyAlgorithm>> {
        Impl& d = *m_impl;
        return d.run([&] { return d.app->generatableAlgorithms(); });
    });
}

core::Status Token::writeCertificate(uint8_t keyRef, ByteView der) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        MESIGN_TRY(d.takeLostLogin());
        MESIGN_TRY(d.requireSoManagementKey("writing a certificate"));
        auto st = d.run([&] { return d.app->writeCertificate(keyRef, der); });
        if (!st) return st;
        d.forgetObjects();
        ++d.generation;
        return {};
    });
}

core::Status Token::deleteCertificate(uint8_t keyRef) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        MESIGN_TRY(d.takeLostLogin());
        MESIGN_TRY(d.requireSoManagementKey("deleting a certificate"));
        auto st = d.run([&] { return d.app->deleteCertificate(keyRef); });
        if (!st) return st;
        d.forgetObjects();
        ++d.generation;
        return {};
    });
}

// Lock-free on purpose: the TokenManager calls this from its event thread while another thread may be in
// a long card operation on this token. The cleanup happens now if the token is idle, else at its next call.
void Token::markRemoved() {
    Impl& d = *m_impl;
    if (d.removed.exchange(true)) return;
    d.login = LoginState::None;
    ++d.generation;
    std::unique_lock lock(d.mutex, std::try_to_lock);
    if (lock.owns_lock()) d.cleanupRemoved();
}

bool Token::removed() const {
    return m_impl->removed.load();
}

}  // namespace token
