// Key import (§5.5): a private key's components turned into the extended header list
// 4D { CRT, 7F48 tag/length list, 5F48 values } that PUT DATA (odd) 3FFF carries. The values are
// secrets: they live in SecureBytes only. No OpenSSL private-key parsing here (the PKCS#11 module links
// this); a DER key goes through cardapp::componentsFromDer() (mesign_key_der) first.
#pragma once

#include "card-apps/common/private_key.h"
#include "card-apps/openpgp/openpgp_public_key.h"

namespace openpgp {

struct KeyImport {
    cardapp::KeyAlgorithm algorithm = cardapp::KeyAlgorithm::Rsa2048;
    // The public key when the components carry it (RSA always; ECC when publicPoint is set), else
    // nullopt: read it from the card after the import.
    std::optional<CardPublicKey> publicKey;
    Bytes spki;                            // DER SubjectPublicKeyInfo of the key, when publicKey is known
    core::SecureBytes extendedHeaderList;  // 4D ...
};

// `attrs` are the slot's attributes as they will be on the card (they choose the RSA import format,
// the exponent field size and whether ECC imports carry the public key).
//   RSA: 91 e (ceil(e-bits/8) bytes), 92 p, 93 q [94 1/q mod p, 95 dp, 96 dq] [97 n]; p, q and the
//        CRT values left-padded to half the modulus size, n to the modulus size.
//   ECC: 92 private scalar padded to the field size [99 public key when the attributes end in FF;
//        InvalidArgument then if the components lack it].
//        Ed25519: the 32-byte seed. X25519: the scalar byte-reversed, as GnuPG sends cv25519 secrets
//        (OpenPGP keeps them big-endian, RFC 7748 little-endian; §5.5 marks this UNCONFIRMED).
core::Result<KeyImport> buildKeyImport(uint8_t keyRef, const cardapp::PrivateKeyComponents& key,
                                       const AlgorithmAttributes& attrs);

}  // namespace openpgp
