// The task-level interface every card application (PIV, OpenPGP) implements for core/token, the
// PKCS#11 module and the minidriver. Nothing here knows CK_*, Win32 or Qt types. Keys are named by the
// application's own key reference (PIV: 9A, 9C, 9D, 9E, 82..95).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace cardapp {

using core::ByteView;
using core::Bytes;

enum class KeyAlgorithm { Rsa1024, Rsa2048, Rsa3072, Rsa4096, EcP256, EcP384, Ed25519, X25519 };
const char* keyAlgorithmName(KeyAlgorithm a);  // "RSA-2048", "EC P-256", ...
std::size_t rsaModulusBytes(KeyAlgorithm a);    // 0 for non-RSA
bool isRsa(KeyAlgorithm a);
bool isEc(KeyAlgorithm a);                      // P-256 / P-384

enum KeyUsage : unsigned { kUsageSign = 1, kUsageDecrypt = 2, kUsageDerive = 4 };

enum class PinPolicy { Never, Once, Always };  // Always: a PIN VERIFY must precede each use

struct KeyInfo {
    uint8_t ref = 0;                 // application key reference
    std::string label;               // "PIV AUTH key", "SIGN key", ...
    std::optional<KeyAlgorithm> algorithm;
    Bytes publicKeyInfo;             // DER SubjectPublicKeyInfo when known (certificate, metadata, keygen)
    unsigned usage = 0;              // KeyUsage bits
    PinPolicy pinPolicy = PinPolicy::Once;
    std::optional<bool> generatedOnCard;
    bool hasCertificate = false;
    // PIV: GET METADATA (PIN policy, origin, the card's own algorithm) not read yet for this key: keys()
    // leaves it for later on a slot whose certificate already proves the key (PivApplication::completeKey).
    // Until then pinPolicy is the slot's default and generatedOnCard unknown.
    bool detailsDeferred = false;
    // Filled by keys() when the certificate was read with the list (saves reading it twice):
    Bytes certificate;               // DER as stored (decompressed)
    Bytes certificateTag;            // opaque; changes when the certificate object changes (cache check)
};

enum class PinKind { User, Puk, Admin };

struct PinStatus {
    int retriesLeft = -1;            // -1 unknown
    std::optional<int> maxRetries;
    bool verified = false;
    bool blocked() const { return retriesLeft == 0; }
};

struct PrivateKeyComponents;  // private_key.h

struct ApplicationIdentity {
    std::string application;         // "PIV", "OpenPGP"
    std::string serial;              // unique per card application (hex or decimal text)
    std::string label;               // human label; never contains ':'
    Bytes cardId;                    // stable binary identity (PIV: CHUID GUID) used as cache key
};

class CardApplication {
public:
    virtual ~CardApplication() = default;

    virtual core::Status select() = 0;
    virtual core::Result<ApplicationIdentity> identity() = 0;
    virtual core::Result<std::vector<KeyInfo>> keys() = 0;
    virtual core::Result<std::optional<Bytes>> certificate(uint8_t keyRef) = 0;  // DER, decompressed

    // Raw private-key operations; padding/hashing is the caller's job.
    // RSA: input is the full k-byte block. EC: input is the hash; result is DER ECDSA-Sig-Value.
    virtual core::Result<Bytes> sign(uint8_t keyRef, ByteView input) = 0;
    virtual core::Result<Bytes> decipher(uint8_t keyRef, ByteView ciphertext) = 0;  // returns padded block
    virtual core::Result<Bytes> deriveEcdh(uint8_t keyRef, ByteView peerPoint) = 0;  // returns Z (x coord)

    virtual core::Result<PinStatus> pinStatus(PinKind kind) = 0;  // never spends a try
    virtual core::Status verifyPin(PinKind kind, ByteView pin) = 0;
    virtual core::Status changePin(PinKind kind, ByteView oldPin, ByteView newPin) = 0;
    virtual core::Status unblockPin(ByteView puk, ByteView newPin) = 0;
    virtual core::Status logout() = 0;

    virtual core::Status authenticateAdmin(ByteView adminKey) = 0;  // PIV: management key (9B)
    virtual core::Result<KeyInfo> generateKey(uint8_t keyRef, KeyAlgorithm alg) = 0;
    // The key algorithms the card says it can generate; empty when the application does not announce them
    // (callers then fall back to what the application's specification guarantees).
    virtual core::Result<std::vector<KeyAlgorithm>> generatableAlgorithms() { return std::vector<KeyAlgorithm>{}; }
    // Writes a private key the host hands over into a slot (admin authenticated). NotSupported where the
    // application (or the card) has no key import.
    virtual core::Result<KeyInfo> importKey(uint8_t /*keyRef*/, const PrivateKeyComponents& /*key*/) {
        return core::fail(core::Errc::NotSupported, "this card application cannot import keys");
    }
    virtual core::Status writeCertificate(uint8_t keyRef, ByteView der) = 0;
    virtual core::Status deleteCertificate(uint8_t keyRef) = 0;
};

}  // namespace cardapp
