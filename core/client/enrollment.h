// Enrolment onto a token: the key is generated on the token, a PKCS#10 request is signed by that key
// (OpenSSL through libp11 loading our PKCS#11 module: no software private-key operation), and the issued
// certificate (PEM, DER or a PKCS#7 chain) is written to the slot only after checking that it carries the
// slot's public key. The admin secret is the PIV management key (binary) or the OpenPGP admin PIN (PW3).
#pragma once

#include <string>

#include "core/client/client.h"

namespace client {

// PIV's well-known default management key (3DES 0102030405060708 three times), for cards still on it.
core::SecureBytes defaultManagementKey();
// Parses a management key typed as 32, 48 or 64 hex digits; InvalidArgument otherwise.
core::Result<core::SecureBytes> parseManagementKey(const std::string& hex);

// Generates a key in `keyRef` (replacing what is there); returns its DER SubjectPublicKeyInfo.
core::Result<core::Bytes> generateKey(Client& client, token::SlotId slot, uint8_t keyRef,
                                      cardapp::KeyAlgorithm alg, core::ByteView adminSecret);

struct CsrSubject {
    std::string commonName;    // required
    std::string email;         // optional: subjectAltName rfc822Name and emailAddress
    std::string organization;  // optional
};

// A PEM certificate request for the key in `keyRef` with public key `spki`, signed (SHA-256) on the token.
core::Result<std::string> makeCsrPem(Client& client, token::SlotId slot, uint8_t keyRef, core::ByteView spki,
                                     const CsrSubject& subject, core::ByteView pin,
                                     const std::string& modulePath);

// Writes the certificate in `fileData` (PEM/DER/PKCS#7; the one matching the slot's key) to `keyRef`.
// Errc::NotFound when the slot holds no key, Errc::InvalidArgument when nothing in the file matches it
// (nothing is written then), Errc::Malformed when the file holds no certificate.
core::Result<crypto::CertificateInfo> importCertificate(Client& client, token::SlotId slot, uint8_t keyRef,
                                                        core::ByteView fileData, core::ByteView adminSecret);

}  // namespace client
