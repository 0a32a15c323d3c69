// The APDUs of one PIV signature, built by hand for the raw measurements (the card's own limit through
// pcscd in p11bench raw-sign, in-process in card_speed): short APDUs chained in pieces of 255 bytes with
// GET RESPONSE while the card answers 61xx, or (extended) one extended-length APDU each way.
#pragma once

#include <functional>

#include "bench/p11bench.h"

namespace bench {

using Transmit = std::function<Bytes(const Bytes&)>;  // APDU in, data || SW out

// One command (chained if needed, or one extended APDU) and its whole response; fails the run unless the
// final status is 9000.
Bytes exchange(const Transmit& tx, uint8_t ins, uint8_t p1, uint8_t p2, const Bytes& data, bool le,
               bool extended = false);
void selectPiv(const Transmit& tx);
void verifyPin(const Transmit& tx, const std::string& pin);
// GENERAL AUTHENTICATE of kMessage's SHA-256 (RSA: an EMSA-PKCS1-v1_5 block of 256 bytes, algorithm 07;
// ECDSA P-256: the hash, algorithm 11) with key `keyRef`; returns the signature (RSA raw, ECDSA DER).
// `extended`: RSA in one extended APDU (the card must take it; ECDSA fits a short APDU anyway).
Bytes generalAuthenticate(const Transmit& tx, bool rsa, uint8_t keyRef, bool extended = false);
// Checks a signature from generalAuthenticate against a SubjectPublicKeyInfo (DER) with OpenSSL.
void verifyRawOrFail(const Bytes& spki, bool rsa, const Bytes& sig);

}  // namespace bench
