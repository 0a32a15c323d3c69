// The OpenPGP card application at task level (cardapp::CardApplication) over one Transport. Every public
// operation runs inside one transport::Transaction, selects OpenPGP (and reads 6E) first if needed, and
// recovers from a lost selection like piv::PivApplication: read-only operations are repeated once after
// a card reset, state-changing ones return Errc::CardReset (after re-selecting).
//
// Key references: 0x01 = SIG (PSO:CDS), 0x02 = DEC (PSO:DECIPHER), 0x03 = AUT (INTERNAL AUTHENTICATE),
// as OpenSC numbers them. PINs: User = PW1 (VERIFY 82, and 81 for the SIG key), Admin = PW3 (83),
// Puk = the resetting code (RC). The SIG key's PIN policy is Always when C4 says "PW1 valid for one
// signature", else Once: signWithPin sends VERIFY 81 and PSO:CDS back to back in one transaction.
//
// Adapting the card to the interface's raw-operation contract:
// * sign(), RSA: the card pads itself, so the k-byte EMSA-PKCS1-v1_5 block is unwrapped to its
//   DigestInfo (inputs shorter than k-10 bytes are taken as the DigestInfo already); other paddings
//   (PSS, raw) are NotSupported. ECDSA: hash in, DER ECDSA-Sig-Value out (the card's r||s converted);
//   Ed25519: message in, 64 bytes out.
// * decipher(), RSA: the card removes the PKCS#1 v1.5 padding; the plaintext is re-wrapped in a fresh
//   EME-PKCS1-v1_5 block so PKCS#1 v1.5 callers can unpad as with PIV. Raw RSA and OAEP are impossible
//   on OpenPGP cards; decipherPlaintext() returns the card's plaintext directly.
// * deriveEcdh(): P-256/P-384 peer 04||X||Y, X25519 peer 32 bytes; returns Z (X coordinate / 32 bytes).
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "card-apps/common/card_application.h"
#include "card-apps/openpgp/openpgp_card.h"
#include "core/apdu/channel.h"
#include "core/transport/transport.h"

namespace openpgp {

class OpenPgpApplication final : public cardapp::CardApplication {
  public:
    using Clock = std::function<uint32_t()>;  // key creation time written to CE-D0 (Unix seconds)

    // The transport must outlive the application. Nothing is sent until the first call. Extended
    // length is used when the card's 6E announces it and the transport supports it, whatever
    // channelOptions.useExtendedLength says; the other options are kept.
    explicit OpenPgpApplication(transport::Transport& transport, apdu::ChannelOptions channelOptions = {});

    core::Status select() override;
    // application "OpenPGP"; serial = manufacturer (4 hex) + serial number (8 hex) from the AID, e.g.
    // "000612345678" (unique across vendors, stable across firmware versions); label "OpenPGP card
    // <serial>"; cardId = the full 16-byte AID.
    core::Result<cardapp::ApplicationIdentity> identity() override;
    // Slots with a key (DE status, else a non-zero C5 fingerprint), their public keys (GENERATE 81, one
    // APDU per key) and certificates; cached until something changes them or the card is reset.
    core::Result<std::vector<cardapp::KeyInfo>> keys() override;
    core::Result<std::optional<Bytes>> certificate(uint8_t keyRef) override;

    core::Result<Bytes> sign(uint8_t keyRef, ByteView input) override;
    core::Result<Bytes> decipher(uint8_t keyRef, ByteView ciphertext) override;
    core::Result<Bytes> deriveEcdh(uint8_t keyRef, ByteView peerPoint) override;
    core::Result<Bytes> signWithPin(uint8_t keyRef, ByteView input, ByteView pin);
    core::Result<Bytes> decipherWithPin(uint8_t keyRef, ByteView ciphertext, ByteView pin);
    core::Result<Bytes> deriveEcdhWithPin(uint8_t keyRef, ByteView peerPoint, ByteView pin);
    core::Result<Bytes> decipherPlaintext(uint8_t keyRef, ByteView ciphertext);

    // From C4 and VERIFY without data: never spends a try.
    core::Result<cardapp::PinStatus> pinStatus(cardapp::PinKind kind) override;
    // User: VERIFY 82 then 81 (one signature's worth when PW1 is valid for one signature). Admin: 83.
    core::Status verifyPin(cardapp::PinKind kind, ByteView pin) override;
    core::Status changePin(cardapp::PinKind kind, ByteView oldPin, ByteView newPin) override;
    core::Status unblockPin(ByteView resettingCode, ByteView newPin) override;
    core::Status logout() override;

    core::Status authenticateAdmin(ByteView adminPin) override;  // VERIFY 83
    // Needs PW3. Sets the slot's algorithm attributes when they differ, generates, and writes the v4
    // fingerprint and creation time as GnuPG does (so OpenSC and GnuPG see the key).
    core::Result<cardapp::KeyInfo> generateKey(uint8_t keyRef, cardapp::KeyAlgorithm alg) override;
    core::Status writeCertificate(uint8_t keyRef, ByteView der) override;
    core::Status deleteCertificate(uint8_t keyRef) override;

    // --- OpenPGP specifics ---
    // VERIFY 81 alone: PW1 for PSO:CDS only (the minidriver's signature role), not for the other keys.
    core::Status verifySignaturePin(ByteView pin);
    // VERIFY 83 + RESET RETRY COUNTER P1=02 in one transaction.
    core::Status unblockPinWithAdmin(ByteView adminPin, ByteView newPin);
    // RESET RETRY COUNTER P1=02 alone, for a caller that verified PW3 earlier (authenticateAdmin) and
    // keeps no copy of it; the card answers SecurityNotSatisfied when it no longer holds PW3 verified.
    core::Status resetUserPinAsAdmin(ByteView newPin);
    // VERIFY 83 + PUT DATA D3 in one transaction.
    core::Status setResettingCode(ByteView adminPin, ByteView resettingCode);
    // Needs PW3 and C0's key-import flag. A key of an algorithm the slot accepts; fingerprint and time are
    // written afterwards as for generateKey (the public key read back from the card when not given).
    core::Result<cardapp::KeyInfo> importKey(uint8_t keyRef, const cardapp::PrivateKeyComponents& key) override;
    core::Result<ApplicationData> applicationData();
    // Private use DOs 0101..0104 (n = 1..4; openpgp_private_dos.cpp): nullopt when empty; an empty value clears.
    core::Result<std::optional<Bytes>> readPrivateDo(int n);
    core::Status writePrivateDo(int n, ByteView value);
    void setClock(Clock clock) { m_clock = std::move(clock); }

    // True once after the card lost our state (reset, or another application selected).
    bool takeStateLost();
    // The command layer, for what the task interface does not cover (cardholder data, counters...).
    // Callers wrap multi-command sequences in their own transport::Transaction.
    OpenPgpCard& card() { return m_card; }

  private:
    enum class Retry { IfReset, Never };
    enum class KeyOp { Sign, Decipher, DecipherPlain, Derive };
    template <typename F>
    auto run(Retry retry, F&& op) -> decltype(op());
    core::Status ensureSelected();
    void configureChannel();
    void noteReset();
    void invalidateKeys();
    core::Result<std::vector<cardapp::KeyInfo>> readKeys();
    core::Result<std::optional<Bytes>> readCertificateCached(uint8_t keyRef);
    core::Result<cardapp::KeyInfo> storeNewKey(uint8_t keyRef, const AlgorithmAttributes& attrs,
                                               const CardPublicKey& key, bool generated,
                                               bool pinPerSignature);
    core::Result<AlgorithmAttributes> prepareAttributes(uint8_t keyRef, cardapp::KeyAlgorithm alg);
    core::Result<Bytes> privateKeyOp(uint8_t keyRef, ByteView input, const ByteView* pin, KeyOp op);
    core::Result<Bytes> signOnCard(const SlotInfo& slot, const AlgorithmAttributes& attrs, ByteView input,
                                   const ByteView* pin);
    core::Result<Bytes> decipherOnCard(const AlgorithmAttributes& attrs, ByteView input, const ByteView* pin,
                                       KeyOp op);

    transport::Transport& m_transport;
    apdu::ChannelOptions m_baseOptions;
    apdu::Channel m_channel;                         // short APDUs + chaining
    std::optional<apdu::Channel> m_extendedChannel;  // once 6E announces extended length
    OpenPgpCard m_card;
    bool m_stateLost = false;
    std::optional<cardapp::ApplicationIdentity> m_identity;
    std::optional<std::vector<cardapp::KeyInfo>> m_keys;
    std::map<uint8_t, std::optional<Bytes>> m_certificates;
    Clock m_clock;
};

}  // namespace openpgp
