// RSA encodings done on the host around the card's raw RSA operation (the card only ever sees a
// k-byte block). Decoding of decrypted blocks is constant-time with respect to the padding checks, and
// failures give one undistinguished error (Errc::Malformed) so no padding oracle leaks.
#pragma once

#include "core/crypto/hash.h"

namespace crypto {

// EMSA-PKCS1-v1_5: 00 01 FF.. 00 || input (input = DigestInfo or raw data <= k-11).
core::Result<Bytes> pkcs1v15SignBlock(ByteView input, std::size_t k);
// DigestInfo(alg, hash) wrapped as above.
core::Result<Bytes> pkcs1v15DigestInfoBlock(HashAlg alg, ByteView hash, std::size_t k);
// EME-PKCS1-v1_5 decoding of a decrypted k-byte block: 00 02 PS(>=8 non-zero) 00 || M.
core::Result<Bytes> pkcs1v15DecryptUnpad(ByteView block);
// EMSA-PSS encoding for a modulus of `modulusBits` bits; random salt of `saltLen` bytes from the
// OpenSSL RNG. `hash` is the message hash (length = hashSize(hashAlg)). Result is k bytes.
core::Result<Bytes> pssEncode(ByteView hash, HashAlg hashAlg, HashAlg mgfHash, std::size_t saltLen,
                              std::size_t modulusBits);
// EME-OAEP decoding of a decrypted k-byte block with the given label.
core::Result<Bytes> oaepDecode(ByteView block, HashAlg hashAlg, HashAlg mgfHash, ByteView label);
// For RSA_X_509: left-pad to k bytes; InvalidArgument if longer than k.
core::Result<Bytes> leftPad(ByteView input, std::size_t k);

}  // namespace crypto
