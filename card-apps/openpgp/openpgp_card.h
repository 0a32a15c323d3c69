// Low-level OpenPGP card command layer: one method per card command (§5), over an apdu::Channel that
// already handles chaining, 61xx and 6Cxx. No transactions and no policy: OpenPgpApplication decides
// what runs together.
//
// Recovery: 6D00 to a command sent while selected (someone selected another application) makes
// OpenPgpCard re-SELECT once and repeat the command; Errc::CardReset from the transport marks the
// selection as lost and is returned as is. Both raise takeSelectionLost() and drop the verified flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "card-apps/openpgp/openpgp_data.h"
#include "card-apps/openpgp/openpgp_public_key.h"
#include "core/apdu/channel.h"

namespace openpgp {

// Answer to VERIFY without data (§4.1): never spends a try.
struct VerifyState {
    bool verified = false;
    std::optional<int> retriesLeft;  // from 63Cx; 0 for 6983
};

class OpenPgpCard {
  public:
    explicit OpenPgpCard(apdu::Channel& channel);

    // The application switches to a channel with extended length once 6E says the card takes it.
    void useChannel(apdu::Channel& channel) { m_channel = &channel; }
    apdu::Channel& channel() { return *m_channel; }

    // --- selection and application data (openpgp_card.cpp) ---
    core::Status select();  // SELECT D27600012401; clears every verified flag
    bool selected() const { return m_selected; }
    bool takeSelectionLost();
    void markSelectionLost();
    void forgetSelection() { m_selected = false; }
    // GET DATA 6E, decoded and cached; applicationData() re-reads it after a change that affects it.
    core::Result<ApplicationData> readApplicationData();
    core::Result<const ApplicationData*> applicationData();
    void invalidateApplicationData() { m_appData.reset(); }
    // Channel options the card asks for (extended length per 5F52 / 7F66), starting from `base`.
    apdu::ChannelOptions channelOptionsFor(apdu::ChannelOptions base) const;

    // --- data objects (openpgp_card_data.cpp) ---
    // GET DATA of a DO as the card returns it; NotFound for 6A88 / 6A82.
    core::Result<Bytes> getData(uint32_t tag, bool large = false);
    core::Result<std::optional<Bytes>> getDataIfPresent(uint32_t tag, bool large = false);
    core::Status putData(uint32_t tag, ByteView value);  // PW3 (or PW1/82 for 0101/0103)
    core::Result<PwStatus> readPwStatus();               // GET DATA C4
    core::Result<CardholderData> readCardholderData();   // GET DATA 65
    core::Result<std::string> readUrl();                 // 5F50; empty when absent
    core::Result<std::string> readLoginData();           // 5E; empty when absent
    core::Result<uint32_t> readSignatureCounter();       // 7A / 93
    core::Result<bool> kdfActive();                      // F9 when C0 announces KDF; cached
    // SELECT DATA (v3): makes `occurrence` of `tag` the target of the next GET/PUT DATA of that tag.
    core::Status selectData(uint8_t occurrence, uint32_t tag);
    // Cardholder certificate of a key slot (7F21 occurrence, §3.8); nullopt when empty. v2 cards have
    // one certificate (the AUT slot's): other slots give NotSupported.
    core::Result<std::optional<Bytes>> readCertificate(uint8_t keyRef);
    core::Status writeCertificate(uint8_t keyRef, ByteView der);  // empty der: delete
    core::Status putResettingCode(ByteView rc);                   // PUT DATA D3 (PW3)

    // --- passwords (openpgp_card_pins.cpp) ---
    // VERIFY with data. Wrong PIN (6982 or 63Cx) -> PinIncorrect with the tries left from a fresh C4.
    core::Status verify(uint8_t ref, ByteView pin);
    core::Result<VerifyState> verifyState(uint8_t ref);  // VERIFY without data
    core::Status resetVerification(uint8_t ref);         // VERIFY P1=FF (v3); NotSupported before
    core::Status changeReference(uint8_t ref, ByteView oldPin, ByteView newPin);      // ref 81 or 83
    core::Status resetRetryCounterWithCode(ByteView resettingCode, ByteView newPin);  // P1=00
    core::Status resetRetryCounterAsAdmin(ByteView newPin);                           // P1=02 (PW3)
    // VERIFY 81 succeeded and no PSO:CDS has consumed it yet (matters when PW1 is valid for one
    // signature only).
    bool signaturePinFresh() const { return m_pw81Fresh; }

    // --- private-key operations and key management (openpgp_card_keys.cpp) ---
    // PSO:COMPUTE DIGITAL SIGNATURE with the SIG key: `input` is a DigestInfo (RSA), a hash (ECDSA) or
    // the message (EdDSA); the result is the card's answer (ECDSA: raw r||s). Clears the fresh flag
    // when PW1 is valid for one signature.
    core::Result<Bytes> computeSignature(ByteView input);
    core::Result<Bytes> internalAuthenticate(ByteView input);  // AUT key, same formats
    // PSO:DECIPHER with an RSA DEC key: `00 || cryptogram` (left-padded to the modulus); the card
    // removes the PKCS#1 v1.5 padding and returns the plaintext.
    core::Result<Bytes> decipherRsa(ByteView cryptogram, std::size_t modulusBytes);
    // PSO:DECIPHER with an ECDH DEC key: A6 { 7F49 { 86 peer } }; the card's answer as is.
    core::Result<Bytes> decipherEcdh(ByteView peerPublic);
    // GENERATE ASYMMETRIC KEY PAIR: 80 generates (PW3), 81 reads the existing public key. The answer is
    // decoded with the slot's attributes from 6E (or `attrs`).
    core::Result<CardPublicKey> generateKeyPair(uint8_t keyRef, const AlgorithmAttributes& attrs);
    core::Result<CardPublicKey> readPublicKey(uint8_t keyRef, const AlgorithmAttributes& attrs);
    // PUT DATA (odd) 3FFF with an extended header list 4D (§5.5), built by buildKeyImport().
    core::Status importKey(ByteView extendedHeaderList);

  private:
    core::Result<apdu::Response> send(const apdu::Command& cmd);
    core::Result<Bytes> sendOk(const apdu::Command& cmd, std::string_view context);
    // Le for answers that may exceed 256 bytes: the card's limit in extended mode, else 256.
    std::size_t largeNe() const;
    core::Result<uint8_t> occurrenceFor(uint8_t keyRef, bool& selectNeeded);
    core::Error pinError(uint16_t sw, uint8_t ref, std::string_view context);
    core::Status secretCommand(uint8_t insByte, uint8_t p1, uint8_t p2, ByteView a, ByteView b,
                               uint8_t counterRef, std::string_view context);
    core::Result<CardPublicKey> generate(uint8_t p1, uint8_t keyRef, const AlgorithmAttributes& attrs);
    void dropVerification();

    apdu::Channel* m_channel;
    bool m_selected = false;
    bool m_selectionLost = false;
    bool m_pw81Fresh = false;
    std::optional<ApplicationData> m_appData;
    std::optional<bool> m_kdfActive;
};

}  // namespace openpgp
