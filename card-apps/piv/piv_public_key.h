// Public keys as the card returns them (GENERATE's 7F49 template, GET METADATA tag 04: 81/82 for RSA,
// 86 for EC/25519) converted to DER SubjectPublicKeyInfo with OpenSSL 3, plus the reverse questions
// the driver asks about a certificate or SPKI.
#pragma once

#include "card-apps/common/card_application.h"
#include "core/base/bytes.h"
#include "core/base/result.h"

namespace piv {

// `content` is the value inside 7F49 (or metadata tag 04). Checks sizes against `alg` and that an EC
// point lies on the curve. Malformed on anything unexpected.
core::Result<core::Bytes> spkiFromPublicKeyTemplate(core::ByteView content, cardapp::KeyAlgorithm alg);

// DER SPKI of a DER X.509 certificate.
core::Result<core::Bytes> spkiFromCertificate(core::ByteView certDer);

// Which PIV algorithm a DER SPKI holds; NotSupported for keys PIV cannot hold (e.g. RSA-1536).
core::Result<cardapp::KeyAlgorithm> algorithmFromSpki(core::ByteView spki);

}  // namespace piv
