#include "card-apps/piv/piv_application.h"

#include <algorithm>

#include "card-apps/common/private_key.h"
#include "core/apdu/tlv.h"

#include "card-apps/piv/piv_data_objects.h"
#include "card-apps/piv/piv_public_key.h"
#include "core/base/log.h"

namespace piv {

using cardapp::KeyAlgorithm;
using cardapp::KeyInfo;
using cardapp::PinKind;
using core::Errc;
using core::fail;

namespace {

// Errors that say something about the connection rather than about the question asked: these
// propagate even where a card-side error would just mean "not there".
bool isConnectionError(const core::Error& e) {
    switch (e.code) {
        case Errc::Transport:
        case Errc::NoService:
        case Errc::NoReader:
        case Errc::NoCard:
        case Errc::CardRemoved:
        case Errc::CardReset:
        case Errc::Timeout:
            return true;
        default:
            return false;
    }
}

bool allZero(ByteView v) {
    for (uint8_t b : v)
        if (b) return false;
    return true;
}

// The one GENERAL AUTHENTICATE of a private-key operation, on whichever connection's PivCard.
core::Result<Bytes> keyOpOn(PivCard& card, KeyOp op, uint8_t keyRef, cardapp::KeyAlgorithm alg, ByteView input) {
    switch (op) {
        case KeyOp::Sign: return card.sign(keyRef, alg, input);
        case KeyOp::Decipher: return card.decipher(keyRef, alg, input);
        case KeyOp::Derive: return card.deriveEcdh(keyRef, alg, input);
    }
    return fail(Errc::Internal, "unknown key operation");
}

}  // namespace

PivApplication::PivApplication(transport::Transport& transport, apdu::ChannelOptions channelOptions)
    : m_transport(transport), m_channel(transport, channelOptions), m_card(m_channel) {}

// One transaction per operation. A CardReset (at begin or inside) re-selects; read-only operations
// are then repeated once, the others report the reset.
template <typename F>
auto PivApplication::run(Retry retry, F&& op) -> decltype(op()) {
    for (int attempt = 0;; ++attempt) {
        core::Error err;
        {
            transport::Transaction tx(m_transport);
            if (!tx) {
                err = tx.status().error();
            } else if (auto sel = ensureSelected(); !sel) {
                err = sel.error();
            } else {
                auto r = op();
                if (m_card.takeSelectionLost()) {
                    MESIGN_LOG("piv", Info, "PIV was deselected behind our back: security status lost");
                    m_stateLost = true;
                    m_adminAuthenticated = false;
                }
                if (r || r.error().code != Errc::CardReset) return r;
                err = r.error();
            }
        }
        if (err.code != Errc::CardReset || attempt > 0) return fail(std::move(err));
        noteReset();
        if (retry == Retry::IfReset) continue;
        transport::Transaction tx(m_transport);
        if (tx) (void)m_card.select();  // leave PIV selected for the caller's re-login
        return fail(Errc::CardReset, "card was reset: PIN and management-key authentication are lost");
    }
}

core::Status PivApplication::ensureSelected() {
    if (m_card.selected()) return {};
    auto info = m_card.select();
    if (!info) return fail(info.error());
    return {};
}

void PivApplication::noteReset() {
    MESIGN_LOG("piv", Info, "card reset: re-selecting PIV");
    m_card.markSelectionLost();
    (void)m_card.takeSelectionLost();
    m_stateLost = true;
    m_adminAuthenticated = false;
    m_identity.reset();
    m_algorithms.clear();
    m_knownObjects.clear();
    m_pinUsagePolicy.reset();
}

bool PivApplication::takeStateLost() {
    const bool lost = m_stateLost || m_card.takeSelectionLost();
    m_stateLost = false;
    return lost;
}

core::Result<std::vector<cardapp::KeyAlgorithm>> PivApplication::generatableAlgorithms() {
    std::vector<cardapp::KeyAlgorithm> out;
    auto st = run(Retry::IfReset, [&]() -> core::Status {
        out.clear();
        for (uint8_t id : m_card.announcedAlgorithms())
            if (auto a = keyAlgorithmFromId(id); a && std::find(out.begin(), out.end(), *a) == out.end())
                out.push_back(*a);
        return {};
    });
    if (!st) return fail(st.error());
    if (out.empty())
        out = {cardapp::KeyAlgorithm::Rsa2048, cardapp::KeyAlgorithm::EcP256, cardapp::KeyAlgorithm::EcP384};
    return out;
}

core::Status PivApplication::select() {
    m_card.forgetSelection();  // an explicit select always sends SELECT (run() does it)
    return run(Retry::IfReset, []() -> core::Status { return {}; });
}

namespace {

// GET SERIAL (Yubico) and the CHUID. `chuidPresent` learns whether the card has a CHUID, when it answered.
core::Result<cardapp::ApplicationIdentity> readIdentityFrom(PivCard& card, std::optional<bool>& chuidPresent) {
    cardapp::ApplicationIdentity id;
    id.application = "PIV";
    auto serial = card.getSerial();
    if (serial) {
        id.serial = std::to_string(*serial);
    } else if (isConnectionError(serial.error())) {
        return fail(serial.error());
    }
    auto chuid = card.readChuid();
    if (!chuid && isConnectionError(chuid.error())) return fail(chuid.error());
    if (chuid) chuidPresent = chuid->has_value();
    if (!chuid) MESIGN_LOG("piv", Warn, "unreadable CHUID: " + chuid.error().message);
    if (chuid && *chuid) {
        const Chuid& c = **chuid;
        // The GUID is the card UUID; cards with a zero GUID are told apart by their FASC-N.
        const Bytes& stable = (!c.guid.empty() && !allZero(c.guid)) ? c.guid : c.fascn;
        id.cardId = stable;
        if (id.serial.empty()) id.serial = core::toHex(stable);
    }
    if (id.cardId.empty() && serial) {
        const uint32_t s = *serial;
        id.cardId = {uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s)};
    }
    id.label = id.serial.empty() ? "PIV Card" : "PIV Card " + id.serial;  // decimal or hex: never ':'
    return id;
}

}  // namespace

core::Result<cardapp::ApplicationIdentity> PivApplication::readIdentity() {
    std::optional<bool> chuidPresent;
    auto id = readIdentityFrom(m_card, chuidPresent);
    if (chuidPresent) m_knownObjects[obj::kChuid] = *chuidPresent;
    return id;
}

bool PivApplication::sameCardOn(transport::Transport& spare, const cardapp::ApplicationIdentity& expected) {
    if (expected.cardId.empty()) return false;  // a card with neither CHUID nor serial cannot be told apart
    apdu::Channel channel(spare);
    PivCard card(channel);  // never selected: another application's 6D00 comes back as it is
    card.setReselectOn6D00(false);
    std::optional<bool> chuidPresent;
    auto id = readIdentityFrom(card, chuidPresent);
    if (!id) {
        MESIGN_LOG("piv", Debug, "spare connection: identity unreadable: " + id.error().message);
        return false;
    }
    return id->cardId == expected.cardId && id->serial == expected.serial;
}

core::Result<cardapp::ApplicationIdentity> PivApplication::identity() {
    if (m_identity) return *m_identity;
    auto id = run(Retry::IfReset, [&] { return readIdentity(); });
    if (id) m_identity = *id;
    return id;
}

// One slot: its certificate (public key = the certificate's SPKI) and, where the card has GET
// METADATA, the key's algorithm, policy and origin. The metadata describes the key itself, so it wins
// over a certificate left behind by an earlier key.
// The 20 retired slots are mostly empty: where the card has GET METADATA, an empty answer (6A88) there
// ends the probe without also asking for a certificate (1 APDU instead of 2 per empty slot). A retired
// certificate without its key is then not listed; for the four main slots it still is.
core::Result<std::optional<KeyInfo>> PivApplication::probeKey(const SlotInfo& slot) {
    KeyInfo k;
    k.ref = slot.ref;
    k.label = slot.label;
    k.pinPolicy = slot.pinPolicy;
    bool present = false;

    // Plain optional<Metadata>, not optional<Result<...>>: GCC 12 at -O2 destroyed the error of an
    // expected held in an optional twice (double free seen in the release build).
    std::optional<Metadata> meta;
    bool metaAsked = false;
    const bool retired = slot.ref >= key::kRetiredFirst && slot.ref <= key::kRetiredLast;
    if (retired && m_card.vendorSupported(ins::kGetMetadata)) {
        metaAsked = true;
        auto r = m_card.getMetadata(slot.ref);
        if (!r && isConnectionError(r.error())) return fail(r.error());
        if (!r && r.error().code == Errc::NotFound) return std::optional<KeyInfo>();
        if (r) meta = std::move(*r);
    }

    auto cert = m_card.readCertificate(slot.ref, &k.certificateTag);
    if (!cert && isConnectionError(cert.error())) return fail(cert.error());
    if (!cert)
        MESIGN_LOG("piv", Warn,
                   std::string(slot.label) + ": unreadable certificate: " + cert.error().message);
    if (cert && *cert) {
        present = true;
        k.hasCertificate = true;
        if (auto spki = spkiFromCertificate(**cert)) {
            if (auto a = algorithmFromSpki(*spki)) {
                k.algorithm = *a;
                k.publicKeyInfo = std::move(*spki);
            }
        }
        k.certificate = std::move(**cert);
    }
    if (!metaAsked && m_card.vendorSupported(ins::kGetMetadata)) {
        if (present && k.algorithm) {
            // The certificate already proves the key and names its algorithm: PIN policy and origin wait
            // until something asks for them (completeKey; issue 9: 4 APDUs less on first contact).
            k.detailsDeferred = true;
        } else {
            auto r = m_card.getMetadata(slot.ref);
            if (!r && isConnectionError(r.error())) return fail(r.error());
            if (r) meta = std::move(*r);
        }
    }
    if (meta) {
        present = true;
        applyMetadata(k, *meta);
    }
    if (!present) return std::optional<KeyInfo>();
    k.usage = k.algorithm ? keyUsageFor(slot.ref, *k.algorithm) : slot.usage;
    if (k.algorithm) m_algorithms[slot.ref] = *k.algorithm;
    return std::optional<KeyInfo>(std::move(k));
}

// PIN policy and origin from GET METADATA; the card's algorithm beats a certificate's (a certificate
// left from an older key), and its public key fills in when nothing else gave one.
void PivApplication::applyMetadata(KeyInfo& k, const Metadata& m) {
    if (m.pinPolicy) k.pinPolicy = pinPolicyFrom(k.ref, PinPolicyByte(*m.pinPolicy));
    if (m.origin) k.generatedOnCard = *m.origin == 0x01;
    auto mdAlg = m.algorithm ? keyAlgorithmFromId(*m.algorithm) : std::nullopt;
    if (mdAlg && mdAlg != k.algorithm) {
        k.algorithm = mdAlg;
        k.publicKeyInfo.clear();
    }
    if (k.publicKeyInfo.empty() && k.algorithm && !m.publicKey.empty()) {
        if (auto spki = spkiFromPublicKeyTemplate(m.publicKey, *k.algorithm)) k.publicKeyInfo = *spki;
    }
}

core::Status PivApplication::completeKey(KeyInfo& k) {
    if (!k.detailsDeferred) return {};
    return run(Retry::IfReset, [&]() -> core::Status {
        if (m_card.vendorSupported(ins::kGetMetadata)) {
            auto r = m_card.getMetadata(k.ref);
            if (!r && isConnectionError(r.error())) return fail(r.error());
            // NotFound: a certificate without a key (listed as keys() always did); other refusals: a card
            // without usable metadata, the slot's defaults stand.
            if (r) {
                applyMetadata(k, *r);
                if (k.algorithm) {
                    k.usage = keyUsageFor(k.ref, *k.algorithm);
                    m_algorithms[k.ref] = *k.algorithm;
                }
            }
        }
        k.detailsDeferred = false;
        return {};
    });
}

// Retired slots: only as many as the Key History object counts (SP 800-73-4 Part 1 §3.3.2: retired keys
// fill 82, 83, ... in order), none without one, as OpenSC does: one GET DATA instead of one probe per
// retired slot. An unreadable or malformed Key History falls back to probing all twenty.
core::Result<int> PivApplication::retiredSlotsInUse() {
    auto kh = m_card.readKeyHistory();
    if (!kh) {
        if (isConnectionError(kh.error())) return fail(kh.error());
        MESIGN_LOG("piv", Info, "Key History unusable (" + kh.error().message + "): probing every retired slot");
        return int(key::kRetiredLast - key::kRetiredFirst + 1);
    }
    m_knownObjects[obj::kKeyHistory] = kh->has_value();
    if (!*kh) return 0;
    return (*kh)->keysWithOnCardCerts + (*kh)->keysWithOffCardCerts;
}

// Our own key or certificate in retired slot `ref`: the Key History object must count it, or a later
// listing (ours or OpenSC's) would not look there. Needs the management key (held during keygen / writes).
core::Status PivApplication::coverInKeyHistory(uint8_t ref, bool onCardCertificate) {
    if (ref < key::kRetiredFirst || ref > key::kRetiredLast) return {};
    const int needed = ref - key::kRetiredFirst + 1;
    auto kh = m_card.readKeyHistory();
    if (!kh && isConnectionError(kh.error())) return fail(kh.error());
    KeyHistory h = (kh && *kh) ? **kh : KeyHistory{};
    const int have = h.keysWithOnCardCerts + h.keysWithOffCardCerts;
    if (have >= needed && (!onCardCertificate || h.keysWithOnCardCerts > 0)) return {};
    // The counts only say how many retired slots are used; keep the total covering `ref`.
    if (onCardCertificate && h.keysWithOnCardCerts == 0) {
        h.keysWithOnCardCerts = 1;
        if (h.keysWithOffCardCerts > 0) --h.keysWithOffCardCerts;
    }
    const int total = h.keysWithOnCardCerts + h.keysWithOffCardCerts;
    if (total < needed) h.keysWithOffCardCerts = uint8_t(h.keysWithOffCardCerts + (needed - total));
    MESIGN_TRY(m_card.putData(obj::kKeyHistory, encodeKeyHistory(h)));
    m_knownObjects[obj::kKeyHistory] = true;
    return {};
}

core::Result<std::vector<KeyInfo>> PivApplication::keys() {
    return run(Retry::IfReset, [&]() -> core::Result<std::vector<KeyInfo>> {
        std::vector<KeyInfo> out;
        auto retired = retiredSlotsInUse();
        if (!retired) return fail(retired.error());
        for (const SlotInfo& slot : kSlots) {
            if (slot.ref >= key::kRetiredFirst && slot.ref <= key::kRetiredLast &&
                slot.ref - key::kRetiredFirst >= *retired)
                continue;
            auto k = probeKey(slot);
            if (!k) return fail(k.error());
            if (*k) out.push_back(std::move(**k));
        }
        return out;
    });
}

core::Result<std::optional<Bytes>> PivApplication::certificate(uint8_t keyRef) {
    return run(Retry::IfReset, [&] { return m_card.readCertificate(keyRef); });
}

core::Result<std::map<uint8_t, Bytes>> PivApplication::certificateTags(const std::vector<uint8_t>& keyRefs) {
    return run(Retry::IfReset, [&]() -> core::Result<std::map<uint8_t, Bytes>> {
        std::map<uint8_t, Bytes> out;
        for (uint8_t ref : keyRefs) {
            auto objTag = certificateObjectFor(ref);
            if (!objTag) return fail(Errc::InvalidArgument, "not a PIV key slot with a certificate object");
            auto t = m_card.probeObjectTag(*objTag);
            if (!t) return fail(t.error());
            out[ref] = *t ? std::move(**t) : Bytes();
        }
        return out;
    });
}

core::Result<std::map<uint8_t, bool>> PivApplication::keysPresent(const std::vector<uint8_t>& keyRefs) {
    return run(Retry::IfReset, [&]() -> core::Result<std::map<uint8_t, bool>> {
        std::map<uint8_t, bool> out;
        for (uint8_t ref : keyRefs) {
            auto md = m_card.getMetadata(ref);
            if (md) {
                out[ref] = true;
            } else if (md.error().code == Errc::NotFound) {
                out[ref] = false;
            } else {
                return fail(md.error());
            }
        }
        return out;
    });
}

void PivApplication::learnKeys(const std::vector<KeyInfo>& keys) {
    for (const KeyInfo& k : keys)
        if (k.algorithm) m_algorithms[k.ref] = *k.algorithm;
}

// The algorithm P1 of GENERAL AUTHENTICATE must name the key's algorithm: learnt from keys(), else
// from the slot's certificate or metadata, else (RSA only) from the input length.
core::Result<KeyAlgorithm> PivApplication::keyAlgorithm(uint8_t keyRef, std::size_t inputSize) {
    if (auto it = m_algorithms.find(keyRef); it != m_algorithms.end()) return it->second;
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    auto k = probeKey(*slot);
    if (!k) return fail(k.error());
    if (*k && (*k)->algorithm) return *(*k)->algorithm;
    switch (inputSize) {
        case 128:
            return KeyAlgorithm::Rsa1024;
        case 256:
            return KeyAlgorithm::Rsa2048;
        case 384:
            return KeyAlgorithm::Rsa3072;
        case 512:
            return KeyAlgorithm::Rsa4096;
        default:
            return fail(Errc::NotFound, "algorithm of the key is unknown (no certificate, no metadata)");
    }
}

// Issue 9: a key operation that is one command and one answer needs no PC/SC transaction. pcscd hands a
// single APDU to the card atomically; a transaction around it only adds two round trips to pcscd
// (SCardBeginTransaction, SCardEndTransaction), which is most of the middleware's cost per ECDSA
// signature. Taken only when nothing else has to be sent: no PIN with it, PIV believed selected, the
// key's algorithm known, and the exchange one APDU each way (EC and Ed25519 always; RSA only with extended
// length). What a transaction would give is taken from the answer instead:
//   - a reset by another program: the transmit fails with SCARD_W_RESET_CARD (Errc::CardReset), handled
//     exactly as run() does for a state-changing operation (re-select, report CardReset: login gone);
//   - another program selected another application: the card answers 6D00 (PivCard leaves it unrepaired
//     here), and the operation is repeated inside a transaction, where the re-SELECT reports the lost PIN;
//   - another program holds a transaction: pcsc-lite makes our SCardTransmit wait until it ends (measured:
//     it returned with success after the other handle's 1 s transaction), so the APDU never lands inside it.
// Any other failure is reported as the transactional path reports it (no second attempt: after a lost link
// the card may have run the command).
// The card never runs our command in a state we did not check: a wrong application refuses the
// instruction, and PIN state is the card's own (a key whose PIN is gone answers 6982).
std::optional<core::Result<Bytes>> PivApplication::keyOpWithoutTransaction(uint8_t keyRef, ByteView input,
                                                                           int op) {
    const auto how = directKeyOp(keyRef, input.size());
    if (!how) return std::nullopt;
    const KeyAlgorithm alg = how->alg;
    m_card.setReselectOn6D00(false);
    core::Result<Bytes> r = keyOpOn(m_card, static_cast<KeyOp>(op), keyRef, alg, input);
    m_card.setReselectOn6D00(true);
    if (m_card.takeWrongApplication()) return std::nullopt;  // nothing ran: again, in a transaction
    if (r) return r;
    if (r.error().code == Errc::CardReset) {
        noteReset();
        transport::Transaction tx(m_transport);
        if (tx) (void)m_card.select();  // leave PIV selected for the caller's re-login
        return core::Result<Bytes>(fail(Errc::CardReset, "card was reset: PIN and management-key authentication are lost"));
    }
    return r;
}

std::optional<PivApplication::DirectKeyOp> PivApplication::directKeyOp(uint8_t keyRef, std::size_t inputSize) const {
    auto known = m_algorithms.find(keyRef);
    if (!m_card.selected() || known == m_algorithms.end()) return std::nullopt;
    const std::optional<bool> extended = m_channel.extendedLength();
    const bool oneApdu = cardapp::isRsa(known->second) ? extended == true : inputSize <= 128;
    if (!oneApdu) return std::nullopt;
    return DirectKeyOp{keyRef, known->second, extended == true};
}

std::optional<Bytes> PivApplication::runDirectKeyOp(transport::Transport& spare, const DirectKeyOp& how, KeyOp op,
                                                    ByteView input) {
    apdu::Channel channel(spare);
    channel.setExtendedLength(how.extendedLength);
    PivCard card(channel);  // never selected: a 6D00 comes back as it is
    card.setReselectOn6D00(false);
    core::Result<Bytes> r = keyOpOn(card, op, how.keyRef, how.alg, input);
    if (!r) {
        MESIGN_LOG("piv", Debug, "key operation on a spare connection: " + r.error().message);
        return std::nullopt;
    }
    return std::move(*r);
}

core::Result<Bytes> PivApplication::privateKeyOp(uint8_t keyRef, ByteView input, const ByteView* pin,
                                                 int op) {
    if (!pin)
        if (auto direct = keyOpWithoutTransaction(keyRef, input, op)) return std::move(*direct);
    return run(Retry::Never, [&]() -> core::Result<Bytes> {
        // Everything that may talk to the card happens before VERIFY: for PIN-always keys nothing may
        // come between VERIFY and GENERAL AUTHENTICATE.
        auto alg = keyAlgorithm(keyRef, input.size());
        if (!alg) return fail(alg.error());
        if (pin) MESIGN_TRY(m_card.verifyPin(*pin));
        return keyOpOn(m_card, static_cast<KeyOp>(op), keyRef, *alg, input);
    });
}

core::Result<Bytes> PivApplication::sign(uint8_t keyRef, ByteView input) {
    return privateKeyOp(keyRef, input, nullptr, int(KeyOp::Sign));
}
core::Result<Bytes> PivApplication::decipher(uint8_t keyRef, ByteView ciphertext) {
    return privateKeyOp(keyRef, ciphertext, nullptr, int(KeyOp::Decipher));
}
core::Result<Bytes> PivApplication::deriveEcdh(uint8_t keyRef, ByteView peerPoint) {
    return privateKeyOp(keyRef, peerPoint, nullptr, int(KeyOp::Derive));
}
core::Result<Bytes> PivApplication::signWithPin(uint8_t keyRef, ByteView input, ByteView pin) {
    return privateKeyOp(keyRef, input, &pin, int(KeyOp::Sign));
}
core::Result<Bytes> PivApplication::decipherWithPin(uint8_t keyRef, ByteView ciphertext, ByteView pin) {
    return privateKeyOp(keyRef, ciphertext, &pin, int(KeyOp::Decipher));
}
core::Result<Bytes> PivApplication::deriveEcdhWithPin(uint8_t keyRef, ByteView peerPoint, ByteView pin) {
    return privateKeyOp(keyRef, peerPoint, &pin, int(KeyOp::Derive));
}

core::Result<cardapp::PinStatus> PivApplication::pinStatus(PinKind kind) {
    switch (kind) {
        case PinKind::User:
            return run(Retry::IfReset, [&] { return m_card.pinStatus(key::kPin); });
        case PinKind::Puk:
            return run(Retry::IfReset, [&] { return m_card.pinStatus(key::kPuk); });
        case PinKind::Admin: {
            cardapp::PinStatus st;  // the management key has no retry counter
            st.verified = m_adminAuthenticated;
            return st;
        }
    }
    return fail(Errc::InvalidArgument, "unknown PIN kind");
}

core::Status PivApplication::verifyPin(PinKind kind, ByteView pin) {
    switch (kind) {
        case PinKind::User:
            return run(Retry::IfReset, [&] { return m_card.verifyPin(pin); });
        case PinKind::Admin:
            return authenticateAdmin(pin);
        case PinKind::Puk:
            break;
    }
    return fail(Errc::NotSupported,
                "the PIV PUK cannot be verified on its own, only used to unblock the PIN");
}

core::Status PivApplication::changePin(PinKind kind, ByteView oldPin, ByteView newPin) {
    switch (kind) {
        case PinKind::User:
            return run(Retry::Never, [&] { return m_card.changePin(oldPin, newPin); });
        case PinKind::Puk:
            return run(Retry::Never, [&] { return m_card.changePuk(oldPin, newPin); });
        case PinKind::Admin:
            break;
    }
    return fail(Errc::NotSupported, "changing the management key is not supported");
}

core::Status PivApplication::unblockPin(ByteView puk, ByteView newPin) {
    return run(Retry::Never, [&] { return m_card.unblockPin(puk, newPin); });
}

core::Status PivApplication::logout() {
    auto st = run(Retry::IfReset, [&] { return m_card.logout(); });
    if (st) m_adminAuthenticated = false;  // a conservative view: VERIFY FF only drops the PIN
    return st;
}

core::Status PivApplication::authenticateAdmin(ByteView adminKey) {
    auto st = run(Retry::IfReset, [&] { return m_card.authenticateManagementKey(adminKey); });
    m_adminAuthenticated = st.has_value();
    return st;
}

core::Result<KeyInfo> PivApplication::generateKey(uint8_t keyRef, KeyAlgorithm alg) {
    return generateKey(keyRef, alg, GenerateOptions{});
}

core::Result<KeyInfo> PivApplication::generateKey(uint8_t keyRef, KeyAlgorithm alg, GenerateOptions opts) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    auto spki = run(Retry::Never, [&]() -> core::Result<Bytes> {
        auto r = m_card.generateKey(keyRef, alg, opts);
        if (!r) return r;
        if (auto st = coverInKeyHistory(keyRef, false); !st)
            MESIGN_LOG("piv", Warn, "Key History not updated: " + st.error().message);
        return r;
    });
    if (!spki) return fail(spki.error());
    // The old certificate (if any) is left on the card: the caller writes the new one.
    KeyInfo k;
    k.ref = keyRef;
    k.label = slot->label;
    k.algorithm = alg;
    k.publicKeyInfo = std::move(*spki);
    k.usage = keyUsageFor(keyRef, alg);
    k.pinPolicy = pinPolicyFrom(keyRef, opts.pinPolicy);
    k.generatedOnCard = true;
    m_algorithms[keyRef] = alg;
    return k;
}

core::Result<KeyInfo> PivApplication::importKey(uint8_t keyRef, const cardapp::PrivateKeyComponents& key) {
    const SlotInfo* slot = findSlot(keyRef);
    if (!slot) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    Bytes metadataKey;  // the card's public key of an EC key given without its point
    auto alg = run(Retry::Never, [&]() -> core::Result<KeyAlgorithm> {
        auto r = m_card.importKey(keyRef, key);
        if (!r) return r;
        if (auto st = coverInKeyHistory(keyRef, false); !st)
            MESIGN_LOG("piv", Warn, "Key History not updated: " + st.error().message);
        if (!cardapp::isRsa(*r) && key.publicPoint.empty()) {
            if (auto m = m_card.getMetadata(keyRef)) metadataKey = std::move(m->publicKey);
        }
        return r;
    });
    if (!alg) return fail(alg.error());
    KeyInfo k;
    k.ref = keyRef;
    k.label = slot->label;
    k.algorithm = *alg;
    // The public key as a 7F49 content (81 n 82 e, or 86 point): from the caller, else from the card's
    // metadata (so that a certificate of the slot's previous key is never taken for this key's).
    Bytes pub = std::move(metadataKey);
    if (cardapp::isRsa(*alg)) {
        const ByteView n = cardapp::stripLeadingZeros(key.modulus), e = cardapp::stripLeadingZeros(key.publicExponent);
        apdu::appendTag(pub, 0x81);
        apdu::appendLength(pub, n.size());
        pub.insert(pub.end(), n.begin(), n.end());
        apdu::appendTag(pub, 0x82);
        apdu::appendLength(pub, e.size());
        pub.insert(pub.end(), e.begin(), e.end());
    } else if (pub.empty() && !key.publicPoint.empty()) {
        apdu::appendTag(pub, 0x86);
        apdu::appendLength(pub, key.publicPoint.size());
        pub.insert(pub.end(), key.publicPoint.begin(), key.publicPoint.end());
    }
    if (!pub.empty()) {
        if (auto spki = spkiFromPublicKeyTemplate(pub, *alg)) k.publicKeyInfo = std::move(*spki);
    }
    k.usage = keyUsageFor(keyRef, *alg);
    k.pinPolicy = pinPolicyFrom(keyRef, PinPolicyByte::Default);
    k.generatedOnCard = false;
    m_algorithms[keyRef] = *alg;
    return k;
}

core::Status PivApplication::writeCertificate(uint8_t keyRef, ByteView der) {
    if (!findSlot(keyRef)) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    auto spki = spkiFromCertificate(der);
    if (!spki) return fail(Errc::InvalidArgument, "not a DER X.509 certificate");
    auto plain = encodeCertificateContainer(der, false);
    if (!plain) return fail(plain.error());
    const bool compress = plain->size() > kMaxObjectContent;
    auto st = run(Retry::Never, [&]() -> core::Status {
        MESIGN_TRY(m_card.putCertificate(keyRef, der, compress));
        if (auto kh = coverInKeyHistory(keyRef, true); !kh)
            MESIGN_LOG("piv", Warn, "Key History not updated: " + kh.error().message);
        return {};
    });
    if (!st) return st;
    // The certificate becomes the source of the key's algorithm only when nothing better is known.
    if (auto a = algorithmFromSpki(*spki); a && !m_algorithms.contains(keyRef)) m_algorithms[keyRef] = *a;
    return {};
}

core::Status PivApplication::deleteCertificate(uint8_t keyRef) {
    return run(Retry::Never, [&] { return m_card.deleteCertificate(keyRef); });
}

namespace {

// First byte of the PIN usage policy (5F2F) in a Discovery Object as GET DATA answers it (7E ...); 0 when
// the object is missing or says nothing.
uint8_t pinUsagePolicyOf(ByteView discovery) {
    auto body = apdu::unwrap(discovery, obj::kDiscovery);
    if (!body) return 0;
    auto policy = apdu::find(*body, 0x5F2F);
    return policy && !policy->empty() ? (*policy)[0] : 0;
}

constexpr uint8_t kPolicyOcc = 0x10;  // OCC satisfies the PIV access rules (SP 800-73-4 Part 1, 3.3.2)
constexpr uint8_t kPolicyVci = 0x08;  // virtual contact interface implemented

}  // namespace

core::Result<std::vector<uint32_t>> PivApplication::dataObjectsPresent(bool pinProtected) {
    return run(Retry::IfReset, [&]() -> core::Result<std::vector<uint32_t>> {
        std::vector<uint32_t> out;
        const auto& algs = m_card.announcedAlgorithms();
        const bool secureMessaging = std::find(algs.begin(), algs.end(), uint8_t(0x27)) != algs.end() ||
                                     std::find(algs.begin(), algs.end(), uint8_t(0x2E)) != algs.end();
        for (const DataObjectSpec& spec : dataObjectSpecs()) {
            if (spec.pinToRead != pinProtected) continue;
            if (auto known = m_knownObjects.find(spec.tag); known != m_knownObjects.end()) {
                if (known->second) out.push_back(spec.tag);
                continue;
            }
            // Objects of features the card does not announce. The policy is read before them (7E comes
            // first in the table); unknown (a public list from the disk cache): asked for.
            if (spec.tag == obj::kSmCertSigner && !secureMessaging) continue;
            if (spec.tag == obj::kBiometricGroup && m_pinUsagePolicy && !(*m_pinUsagePolicy & kPolicyOcc)) continue;
            if (spec.tag == obj::kPairingCode && m_pinUsagePolicy && !(*m_pinUsagePolicy & kPolicyVci)) continue;
            auto head = m_card.probeObjectTag(spec.tag);
            if (!head) {
                if (isConnectionError(head.error())) return fail(head.error());
                // 6982 (PIN not verified) or a card that does not know the tag: not listed.
                if (spec.tag == obj::kDiscovery) m_pinUsagePolicy = 0;
                continue;
            }
            // The whole Discovery Object fits in the probe's answer (20 bytes of kObjectTagSize).
            if (spec.tag == obj::kDiscovery) m_pinUsagePolicy = *head ? pinUsagePolicyOf(**head) : 0;
            // Absent, or present and empty (53 00 / 7E 00: deleted): not listed.
            if (!*head || (*head)->size() < 2 || ((*head)->size() == 2 && (**head)[1] == 0)) continue;
            out.push_back(spec.tag);
        }
        return out;
    });
}

core::Result<std::optional<Bytes>> PivApplication::readDataObject(uint32_t tag) {
    if (!findDataObject(tag)) return fail(Errc::InvalidArgument, "not a PIV data object we list");
    return run(Retry::IfReset, [&]() -> core::Result<std::optional<Bytes>> {
        auto content = m_card.getDataIfPresent(tag);
        if (!content) return fail(content.error());
        if (!*content || (*content)->empty()) return std::optional<Bytes>();
        return content;
    });
}

core::Status PivApplication::writeDataObject(uint32_t tag, ByteView content) {
    const DataObjectSpec* spec = findDataObject(tag);
    if (!spec || !spec->writable) return fail(Errc::InvalidArgument, "this PIV data object is not writable");
    if (content.size() > kMaxObjectContent) return fail(Errc::NoSpace, "data object larger than a card object");
    return run(Retry::Never, [&] { return m_card.putData(tag, content); });
}

}  // namespace piv
