// One token = one card application in one reader (a card with PIV and OpenPGP gives two tokens).
// A Token serialises card work with its own mutex (no global lock), runs each operation in one PC/SC
// transaction, keeps its card connection open while a user is logged in (pcscd powers an idle card down
// and the card forgets the PIN), and notices removal and resets by other processes: after a reset the
// login is reported lost (Errc::CardReset once) and never silently re-established.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "card-apps/common/card_application.h"
#include "card-apps/piv/piv_data_objects.h"
#include "core/crypto/certificate.h"
#include "core/crypto/public_key.h"
#include "core/token/card_app_registry.h"
#include "core/token/reader_backend.h"

namespace token {

class ObjectCache;

struct TokenInfo {
    std::string application;   // "PIV", "OpenPGP"
    std::string label;         // never contains ':'
    std::string manufacturer;  // "MeSign" for our virtual card, else from the card / "Unknown"
    std::string model;         // "PIV", "OpenPGP"
    std::string serial;        // unique per card application
    Bytes cardId;              // stable identity (cache key)
    cardapp::PinStatus userPin;  // read without spending a try
    cardapp::PinStatus soPin;    // PIV: the PUK; OpenPGP: PW3
    std::size_t minPinLength = 6, maxPinLength = 8;
};

// The data objects the module lists per application (which exist, which need the PIN, which may be
// written): PIV's (card-apps/piv/piv_data_objects.h) and OpenPGP's private use DOs 0101..0103 (tag = DO).
using piv::DataObjectSpec;
using piv::dataObjectOid;
std::span<const DataObjectSpec> dataObjectSpecs(AppKind app);
const DataObjectSpec* findDataObject(AppKind app, uint32_t tag);
const char* dataObjectApplication(AppKind app);  // CKA_APPLICATION: "PIV", "OpenPGP"

// A populated key slot with what is known of it.
struct KeyObject {
    cardapp::KeyInfo key;
    std::optional<crypto::PublicKey> publicKey;
    std::optional<crypto::CertificateInfo> certificate;
};

// ManagementKey: PIV's binary management key; AdminPin: OpenPGP's PW3; Puk: PIV's PUK.
enum class SoCredential { ManagementKey, Puk, AdminPin };

class Token {
public:
    // The object cache is the backend's (ReaderBackend::objectCache()) unless given; nullptr: none.
    Token(ReaderBackend& backend, std::string reader, Bytes atr);
    Token(ReaderBackend& backend, std::string reader, Bytes atr, const ObjectCache* cache);
    // A token for the application `kind` (the constructors above: PIV).
    Token(ReaderBackend& backend, std::string reader, Bytes atr, AppKind kind);
    ~Token();
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;

    const std::string& reader() const { return m_reader; }
    AppKind kind() const { return m_kind; }
    // Tokens of one card (one per application) share which application the card has selected, so that each
    // re-SELECTs its own after another ran (the card then forgot our PIN: reported as a reset). Set by the
    // TokenManager before first use; without it a token assumes nobody else selects on its connection.
    using SharedSelection = std::shared_ptr<CardSelectionState>;
    void shareSelection(SharedSelection selection);

    // Connects and selects the application if needed; NotSupported when the card has no known app.
    core::Status probe();
    core::Result<TokenInfo> info();
    // The card identity (TokenInfo::cardId) without the PIN status info() reads: no APDU once connected.
    core::Result<Bytes> cardId();
    // Key slots with public keys and certificates; cached per card identity, refreshed after our changes.
    // A new Token first tries the cross-process cache (object_cache.h): accepted when the certificate
    // tags of the main slots (and of cached retired certificates) still match the card's, one short GET
    // DATA each; anything else reads the card and rewrites the cache.
    core::Result<std::vector<KeyObject>> objects();
    // One key slot of objects() (nullopt: no key there), without copying the others: the per-operation path
    // (C_SignInit) needs one key, and copying every certificate per signature cost more than the signature.
    core::Result<std::optional<KeyObject>> object(uint8_t ref);
    // What objects() left for later (KeyInfo::detailsDeferred: on PIV the PIN policy and origin of a key
    // whose certificate proved it, one GET METADATA each): read for key `ref`, or for every deferred key
    // when nullopt, and kept with the list in memory and on disk. No APDU when nothing is deferred.
    core::Status completeKeys(std::optional<uint8_t> ref = std::nullopt);
    // Increments whenever objects() may have changed (keygen, certificate write/delete, card swap).
    uint64_t generation() const;

    // Data objects (dataObjectSpecs()): the tags of those present. PIV: the public ones are probed once per
    // card (one short GET DATA each) and kept with the key list in the disk cache; those that need the PIN
    // are probed only while the user is logged in and never written to disk. OpenPGP: 0101 and 0102 are
    // read once per Token, 0103 (PW1 to read) while the user is logged in; 0104 (PW3 to read) is not shown.
    core::Result<std::vector<uint32_t>> dataObjects();
    // Content (as written); nullopt when the object is absent.
    core::Result<std::optional<Bytes>> readDataObject(uint32_t tag);
    // Writable objects only. PIV: SO with the management key; OpenPGP: the user (0101, 0103) or SO = PW3
    // (0102), else SecurityNotSatisfied. Empty content is refused: deleteDataObject.
    core::Status writeDataObject(uint32_t tag, ByteView content);
    core::Status deleteDataObject(uint32_t tag);

    // One login at a time: user while SO is logged in (or the reverse) → Errc::ConditionsNotSatisfied.
    core::Status loginUser(ByteView pin);
    // SO: PIV management key (binary, 16/24/32 bytes), OpenPGP PW3 (AdminPin, verified at once), or the PUK (kept in wiped memory for unblockPin;
    // only its format is checked: PIV cannot verify a PUK without using it).
    core::Status loginSo(SoCredential kind, ByteView secret);
    core::Status logout();  // always succeeds on our side (the card gets VERIFY FF when reachable)
    bool userLoggedIn() const;
    bool soLoggedIn() const;

    // Raw private-key operations (padding is the caller's). `contextPin`: VERIFY in the same transaction
    // (keys with PIN policy "always"). After a reset dropped the login (noticed by any call), the next
    // private-key or admin operation returns Errc::CardReset once; the login is never re-established.
    // While another thread's operation holds the token, a signature or decipherment that is one APDU each
    // way (and already ran once on this key in this login) goes over a spare connection instead of waiting:
    // at most kSpareConnections of them per token, opened on first need, closed with the main connection.
    static constexpr int kSpareConnections = 3;
    core::Result<Bytes> sign(uint8_t keyRef, ByteView input, std::optional<ByteView> contextPin = {});
    core::Result<Bytes> decipher(uint8_t keyRef, ByteView input, std::optional<ByteView> contextPin = {});
    core::Result<Bytes> deriveEcdh(uint8_t keyRef, ByteView peerPoint, std::optional<ByteView> contextPin = {});

    core::Status changeUserPin(ByteView oldPin, ByteView newPin);
    core::Status changeSoPin(ByteView oldPuk, ByteView newPuk);
    core::Status unblockUserPin(ByteView puk, ByteView newPin);
    // After loginSo(Puk, ...); on OpenPGP also after loginSo(AdminPin, ...): with PW3 RESET RETRY COUNTER P1=02,
    // or, when PW3 was blocked and a resetting code is set, P1=00 with the SO secret as that code.
    core::Status unblockWithSoLogin(ByteView newPin);

    core::Result<KeyObject> generateKey(uint8_t keyRef, cardapp::KeyAlgorithm alg);  // needs SO (mgmt key)
    // What the card says it can generate (PIV: the SELECT answer's algorithm list, else PIV's mandated set);
    // empty when the application announces nothing. No APDU once the application is selected.
    core::Result<std::vector<cardapp::KeyAlgorithm>> generatableAlgorithms();
    // Writes a host-supplied private key into a slot (token_import.cpp); needs SO (management key / PW3).
    // NotSupported when the card has no key import.
    core::Status importKey(uint8_t keyRef, const cardapp::PrivateKeyComponents& key);
    core::Status writeCertificate(uint8_t keyRef, ByteView der);                     // needs SO (mgmt key)
    core::Status deleteCertificate(uint8_t keyRef);

    // Called by the TokenManager when the reader reports the card gone: every later call fails with
    // Errc::CardRemoved, and the login is dropped. Never blocks (safe while another thread uses the
    // token). A token also marks itself removed when the card answers CardRemoved / NoCard.
    void markRemoved();
    bool removed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_reader;
    AppKind m_kind = AppKind::Piv;
};

}  // namespace token
