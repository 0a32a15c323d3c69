// OpenSSL helpers for the PIV tests: real key pairs so scripted card answers (7F49 templates,
// signatures, certificates) are consistent with what the driver checks.
#pragma once

#include <string>

#include "card-apps/common/card_application.h"
#include "card-apps/piv/ossl_handles.h"
#include "core/base/bytes.h"

namespace piv::test {

using core::Bytes;
using core::ByteView;

ossl::Pkey generateKeyPair(cardapp::KeyAlgorithm alg);
Bytes spkiOf(EVP_PKEY* key);
Bytes ecPointOf(EVP_PKEY* key);     // 04||X||Y
Bytes rsaModulusOf(EVP_PKEY* key);  // k bytes
Bytes rsaExponentOf(EVP_PKEY* key);
Bytes privateKeyDerOf(EVP_PKEY* key);
// `padding` > 0 adds a private extension of that many zero bytes (to make a certificate large).
Bytes selfSignedCertificate(EVP_PKEY* key, const std::string& commonName, std::size_t padding = 0);
Bytes ecdsaSign(EVP_PKEY* key, ByteView hash);  // DER ECDSA-Sig-Value
bool ecdsaVerify(EVP_PKEY* key, ByteView hash, ByteView derSig);
Bytes rsaRaw(EVP_PKEY* key, ByteView block);  // block^d mod n
Bytes ecdh(EVP_PKEY* priv, EVP_PKEY* peer);   // Z
Bytes sha256(ByteView data);

// "7F49 <len> 86 <len> <point>" / "7F49 <len> 81 <n> 82 <e>" for a key.
Bytes publicKeyTemplate(EVP_PKEY* key);

inline Bytes h(std::string_view hex) {
    return core::hexBytes(hex);
}
inline Bytes cat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (auto p : parts) core::append(out, p);
    return out;
}

}  // namespace piv::test
