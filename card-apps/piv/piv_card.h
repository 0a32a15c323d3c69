// Low-level PIV command layer: one method per card command (SP 800-73 Part 2 and the Yubico
// extensions), over an apdu::Channel that already handles chaining and GET RESPONSE. No transactions
// and no policy here: PivApplication decides what runs together.
//
// Recovery: an answer of 6D00 (instruction unknown: another application was selected behind our
// back) makes PivCard re-SELECT PIV once and repeat the command; Errc::CardReset from the transport
// marks the selection as lost and is returned as is. Both raise selectionLost().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <utility>

#include "card-apps/common/card_application.h"
#include "card-apps/piv/piv_constants.h"
#include "card-apps/piv/piv_containers.h"
#include "core/apdu/channel.h"

namespace piv {

struct Version {
    uint8_t major = 0, minor = 0, patch = 0;
};

struct GenerateOptions {
    PinPolicyByte pinPolicy = PinPolicyByte::Default;  // Default: AA omitted, card decides
    TouchPolicy touchPolicy = TouchPolicy::Default;    // Default: AB omitted
};

class PivCard {
  public:
    using RandomSource = std::function<core::Status(std::span<uint8_t>)>;

    explicit PivCard(apdu::Channel& channel);

    // Tests replace the RNG to reproduce the management-key challenge of piv.md §8.5.
    void setRandomSource(RandomSource r) { m_random = std::move(r); }

    // --- selection (piv_card.cpp) ---
    core::Result<SelectInfo> select();
    bool selected() const { return m_selected; }
    // Algorithm identifiers of the last SELECT answer's AC/80 entries (empty before a SELECT, or when the
    // card lists none).
    const std::vector<uint8_t>& announcedAlgorithms() const { return m_announcedAlgorithms; }
    // True once after the card lost our selection (6D00 re-select or CardReset): PIN and management
    // key authentication must be assumed gone.
    bool takeSelectionLost();
    void markSelectionLost();
    // Forget that PIV is selected (without reporting a loss): the next select() is not redundant.
    void forgetSelection() { m_selected = false; }
    // For a command sent outside a transaction (PivApplication, one-APDU key operations): while set, a
    // 6D00 answer is returned as it came, without the re-SELECT and retry below, and remembered for
    // takeWrongApplication(); the caller then repeats the operation inside a transaction.
    void setReselectOn6D00(bool on) { m_reselectOn6D00 = on; }
    bool takeWrongApplication() { return std::exchange(m_wrongApplication, false); }

    // --- data objects (piv_card_data.cpp) ---
    // GET DATA: the object's content (53 removed; for 7E / 7F61 the value of that template).
    // NotFound when the card has no such object.
    core::Result<Bytes> getData(uint32_t objectTag);
    core::Result<std::optional<Bytes>> getDataIfPresent(uint32_t objectTag);
    // PUT DATA of a content (wrapped in 53, or sent as a bare 7E / 7F61 template).
    core::Status putData(uint32_t objectTag, ByteView content);
    core::Result<std::optional<Chuid>> readChuid();
    core::Status putChuid(const Chuid& chuid);
    core::Result<std::optional<Discovery>> readDiscovery();
    core::Result<std::optional<KeyHistory>> readKeyHistory();
    // DER certificate of a key slot (decompressed); nullopt when the slot has none. `tag` (optional) gets
    // the object's first kObjectTagSize bytes as the card sent them: what probeObjectTag() answers.
    core::Result<std::optional<Bytes>> readCertificate(uint8_t slot, Bytes* tag = nullptr);
    // One short GET DATA (Le 256) whose answer is not collected further: the first kObjectTagSize bytes
    // of the object (53 + length + the start of the content; for a certificate its length, serial number
    // and issuer), nullopt when absent. A cheap "has this object changed?" check.
    static constexpr std::size_t kObjectTagSize = 256;
    core::Result<std::optional<Bytes>> probeObjectTag(uint32_t objectTag);
    core::Status putCertificate(uint8_t slot, ByteView der, bool compress = false);
    core::Status deleteCertificate(uint8_t slot);  // writes an empty 53 00

    // --- PIN / PUK (piv_card_auth.cpp) ---
    core::Status verifyPin(ByteView pin, uint8_t ref = key::kPin);
    // VERIFY without data: never spends a try. verified=true on 9000 (retries then from GET METADATA
    // when available, else the last value seen); 6983 gives retriesLeft 0.
    core::Result<cardapp::PinStatus> pinStatus(uint8_t ref = key::kPin);
    core::Status logout(uint8_t ref = key::kPin);  // VERIFY P1=FF
    core::Status changePin(ByteView oldPin, ByteView newPin);
    core::Status changePuk(ByteView oldPuk, ByteView newPuk);
    core::Status unblockPin(ByteView puk, ByteView newPin);  // RESET RETRY COUNTER

    // --- management key 9B (piv_card_auth.cpp) ---
    // Algorithm from GET METADATA 9B when the card has it, else implied by the key length (3DES for 24).
    core::Result<uint8_t> managementKeyAlgorithm(std::size_t keyLength);
    // Mutual authentication; the card's answer to our challenge is checked in constant time.
    core::Status authenticateManagementKey(ByteView mgmtKey, std::optional<uint8_t> algorithm = std::nullopt);

    // --- private-key operations and key management (piv_card_keys.cpp) ---
    // RSA: input exactly k bytes (raw). EC: the hash, left-padded / truncated to the field size; the
    // result is the card's DER ECDSA-Sig-Value. Ed25519: the whole message.
    core::Result<Bytes> sign(uint8_t slot, cardapp::KeyAlgorithm alg, ByteView input);
    core::Result<Bytes> decipher(uint8_t slot, cardapp::KeyAlgorithm alg, ByteView ciphertext);
    // Peer point 04||X||Y (P-256/P-384) or 32 bytes (X25519); returns Z.
    core::Result<Bytes> deriveEcdh(uint8_t slot, cardapp::KeyAlgorithm alg, ByteView peerPoint);
    // Returns the new key's DER SubjectPublicKeyInfo.
    core::Result<Bytes> generateKey(uint8_t slot, cardapp::KeyAlgorithm alg, GenerateOptions opts = {});

    // --- Yubico extensions (piv_card_yubico.cpp): NotSupported when absent, asked only once ---
    core::Result<Version> getVersion();
    core::Result<uint32_t> getSerial();
    core::Result<Metadata> getMetadata(uint8_t ref);  // NotFound for an empty slot
    // IMPORT ASYMMETRIC KEY (INS FE): RSA 1024-4096 (CRT values), P-256/P-384, Ed25519, X25519. The
    // APDU holding the key is wiped. A DER key: cardapp::componentsFromDer() (mesign_key_der) first.
    core::Result<cardapp::KeyAlgorithm> importKey(uint8_t slot, const cardapp::PrivateKeyComponents& key,
                                                  GenerateOptions opts = {});
    core::Result<Bytes> attest(uint8_t slot);  // DER X.509 attestation certificate
    bool vendorSupported(uint8_t instruction) const { return !m_unsupported.contains(instruction); }

  private:
    // GET DATA: the whole answer (the 53 wrapper included).
    core::Result<Bytes> getDataRaw(uint32_t objectTag);
    // Channel transmit with the 6D00 re-select and CardReset bookkeeping.
    core::Result<apdu::Response> send(const apdu::Command& cmd);
    core::Result<Bytes> sendOk(const apdu::Command& cmd, std::string_view context);
    // Vendor command: cached NotSupported after 6D00 / 6A81.
    core::Result<Bytes> sendVendor(const apdu::Command& cmd, std::string_view context);
    core::Result<Bytes> generalAuthenticate(uint8_t algId, uint8_t slot, uint32_t inputTag, ByteView input,
                                            std::string_view context);
    core::Status changeReference(uint8_t ins, uint8_t ref, const core::SecureBytes& first,
                                 const core::SecureBytes& second, std::string_view context);

    apdu::Channel& m_channel;
    RandomSource m_random;
    bool m_selected = false;
    std::vector<uint8_t> m_announcedAlgorithms;
    bool m_selectionLost = false;
    bool m_reselectOn6D00 = true;
    bool m_wrongApplication = false;
    std::set<uint8_t> m_unsupported;
    std::optional<int> m_lastPinRetries;
    std::optional<int> m_pinRetriesTotal;
};

}  // namespace piv
