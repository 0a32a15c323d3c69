// OpenSSL-side checks for tests: verify what the card produced against public keys only.
#pragma once

#include <string>

#include "core/base/bytes.h"

namespace testcheck {

using core::ByteView;
using core::Bytes;

// PKCS#1 v1.5 block for SHA-256 of `msg`, k bytes long (what a host sends for an RSA signature).
Bytes pkcs1Sha256Block(ByteView msg, std::size_t k);
Bytes sha256(ByteView msg);
// Verifies an RSA PKCS#1 v1.5 / SHA-256 signature or a DER ECDSA signature of SHA-256(msg).
bool verifySha256(ByteView spkiDer, ByteView msg, ByteView signature);
// RSA PKCS#1 v1.5 encryption to the public key; result is k bytes.
Bytes rsaEncrypt(ByteView spkiDer, ByteView plain);
// ECDH: a fresh peer key on the same curve; returns {peer uncompressed point, shared secret}.
std::pair<Bytes, Bytes> ecdhWithPeer(ByteView spkiDer);
// A certificate for the public key, issued by a throwaway CA (DER).
Bytes issueCertificate(ByteView spkiDer, const std::string& cn);
// Strips PKCS#1 v1.5 type 2 padding; empty on failure.
Bytes unpadPkcs1Type2(ByteView block);

}  // namespace testcheck
