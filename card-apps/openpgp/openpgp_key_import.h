// Key import (§5.5): a private key (DER, PKCS#8 or traditional) turned into the extended header list
// 4D { CRT, 7F48 tag/length list, 5F48 values } that PUT DATA (odd) 3FFF carries. The values are
// secrets: they live in SecureBytes only.
#pragma once

#include "card-apps/openpgp/openpgp_public_key.h"

namespace openpgp {

struct KeyImport {
    cardapp::KeyAlgorithm algorithm = cardapp::KeyAlgorithm::Rsa2048;
    CardPublicKey publicKey;
    Bytes spki;                            // DER SubjectPublicKeyInfo of the key
    core::SecureBytes extendedHeaderList;  // 4D ...
};

// Which cardapp algorithm a DER private key is; NotSupported for others, InvalidArgument for garbage.
core::Result<cardapp::KeyAlgorithm> privateKeyAlgorithm(ByteView privateKeyDer);

// `attrs` are the slot's attributes as they will be on the card (they choose the RSA import format,
// the exponent field size and whether ECC imports carry the public key).
//   RSA: 91 e (ceil(e-bits/8) bytes), 92 p, 93 q [94 1/q mod p, 95 dp, 96 dq] [97 n]; p, q and the
//        CRT values left-padded to half the modulus size, n to the modulus size.
//   ECC: 92 private scalar padded to the field size [99 public key when the attributes end in FF].
//        Ed25519: the 32-byte seed. X25519: the scalar byte-reversed, as GnuPG sends cv25519 secrets
//        (OpenPGP keeps them big-endian, RFC 7748 little-endian; §5.5 marks this UNCONFIRMED).
core::Result<KeyImport> buildKeyImport(uint8_t keyRef, ByteView privateKeyDer,
                                       const AlgorithmAttributes& attrs);

}  // namespace openpgp
