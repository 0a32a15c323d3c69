// X.509 certificate fields that tokens, the PKCS#11 objects and the UI show, parsed with OpenSSL.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "core/crypto/public_key.h"

namespace crypto {

struct CertificateInfo {
    Bytes der;
    Bytes subjectDer;     // DER Name (CKA_SUBJECT)
    Bytes issuerDer;      // DER Name (CKA_ISSUER)
    Bytes serialDer;      // DER INTEGER incl. tag and length (CKA_SERIAL_NUMBER)
    Bytes spki;           // DER SubjectPublicKeyInfo (CKA_PUBLIC_KEY_INFO)
    std::string subject;  // one-line RFC 2253 text
    std::string issuer;
    std::string commonName;
    std::vector<std::string> emails;  // rfc822Name SANs, then emailAddress attributes
    std::time_t notBefore = 0;
    std::time_t notAfter = 0;
    uint32_t keyUsage = 0;            // X509v3 KU bits as OpenSSL reports them (0 = extension absent)
    bool isCa = false;
};

core::Result<CertificateInfo> parseCertificate(ByteView der);
// Accepts PEM (one or more certificates), DER, or a PKCS#7 (degenerate SignedData) chain, PEM or DER.
core::Result<std::vector<Bytes>> loadCertificates(ByteView data);
// True when the certificate's public key is `spki` (byte comparison of the DER SPKI).
bool certificateMatchesKey(const CertificateInfo& cert, ByteView spki);

}  // namespace crypto
