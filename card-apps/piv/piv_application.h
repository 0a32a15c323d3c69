// The PIV card application at task level (cardapp::CardApplication) over one Transport. Every public
// operation runs inside one transport::Transaction, selects PIV first if needed, and recovers from a
// lost selection: read-only operations are repeated once after a card reset, state-changing ones
// return Errc::CardReset (after re-selecting) so the caller knows PIN / admin status is gone.
//
// Keys that need a PIN per use (9C, or any key whose GET METADATA policy is "always") are used with
// signWithPin / decipherWithPin / deriveEcdhWithPin: VERIFY + GENERAL AUTHENTICATE in one transaction.
// The PIN is never stored.
#pragma once

#include <map>
#include <optional>

#include "card-apps/common/card_application.h"
#include "card-apps/piv/piv_card.h"
#include "core/apdu/channel.h"
#include "core/transport/transport.h"

namespace piv {

class PivApplication final : public cardapp::CardApplication {
  public:
    // The transport must outlive the application. Nothing is sent until the first call.
    explicit PivApplication(transport::Transport& transport, apdu::ChannelOptions channelOptions = {});

    core::Status select() override;
    core::Result<cardapp::ApplicationIdentity> identity() override;
    core::Result<std::vector<cardapp::KeyInfo>> keys() override;
    core::Result<std::optional<Bytes>> certificate(uint8_t keyRef) override;
    // certificateTag of each slot as keys() would report it (empty when the slot has no certificate),
    // one short GET DATA per slot: lets a cache notice a certificate replaced by another program.
    core::Result<std::map<uint8_t, Bytes>> certificateTags(const std::vector<uint8_t>& keyRefs);
    // Keys known from elsewhere (a cache): their algorithms spare the probe before a key operation.
    void learnKeys(const std::vector<cardapp::KeyInfo>& keys);

    core::Result<Bytes> sign(uint8_t keyRef, ByteView input) override;
    core::Result<Bytes> decipher(uint8_t keyRef, ByteView ciphertext) override;
    core::Result<Bytes> deriveEcdh(uint8_t keyRef, ByteView peerPoint) override;
    // Context-specific login (PIN policy "always", e.g. 9C): VERIFY immediately followed by the
    // operation in the same transaction.
    core::Result<Bytes> signWithPin(uint8_t keyRef, ByteView input, ByteView pin);
    core::Result<Bytes> decipherWithPin(uint8_t keyRef, ByteView ciphertext, ByteView pin);
    core::Result<Bytes> deriveEcdhWithPin(uint8_t keyRef, ByteView peerPoint, ByteView pin);

    core::Result<cardapp::PinStatus> pinStatus(cardapp::PinKind kind) override;
    core::Status verifyPin(cardapp::PinKind kind, ByteView pin) override;
    core::Status changePin(cardapp::PinKind kind, ByteView oldPin, ByteView newPin) override;
    core::Status unblockPin(ByteView puk, ByteView newPin) override;
    core::Status logout() override;

    core::Status authenticateAdmin(ByteView adminKey) override;
    core::Result<cardapp::KeyInfo> generateKey(uint8_t keyRef, cardapp::KeyAlgorithm alg) override;
    core::Result<cardapp::KeyInfo> generateKey(uint8_t keyRef, cardapp::KeyAlgorithm alg,
                                               GenerateOptions opts);
    // Compresses automatically when the container would not fit a YubiKey object (3063 bytes).
    core::Status writeCertificate(uint8_t keyRef, ByteView der) override;
    core::Status deleteCertificate(uint8_t keyRef) override;

    // True once after the card lost our state (reset, or another application selected): the caller
    // must treat PIN and management-key authentication as gone.
    bool takeStateLost();
    // The command layer, for what the task interface does not cover (CHUID, attestation, import...).
    // Callers wrap multi-command sequences in their own transport::Transaction.
    PivCard& card() { return m_card; }

  private:
    enum class Retry { IfReset, Never };
    template <typename F>
    auto run(Retry retry, F&& op) -> decltype(op());
    core::Status ensureSelected();
    void noteReset();
    core::Result<cardapp::KeyAlgorithm> keyAlgorithm(uint8_t keyRef, std::size_t inputSize);
    core::Result<std::optional<cardapp::KeyInfo>> probeKey(const SlotInfo& slot);
    core::Result<cardapp::ApplicationIdentity> readIdentity();
    core::Result<Bytes> privateKeyOp(uint8_t keyRef, ByteView input, const ByteView* pin, int op);

    transport::Transport& m_transport;
    apdu::Channel m_channel;
    PivCard m_card;
    bool m_adminAuthenticated = false;
    bool m_stateLost = false;
    std::optional<cardapp::ApplicationIdentity> m_identity;
    std::map<uint8_t, cardapp::KeyAlgorithm> m_algorithms;  // learnt from certificates / metadata / keygen
};

}  // namespace piv
