// Recipients of CMS EnvelopedData (encrypt-doc, sign-mail --encrypt-to): certificates from files and the
// public certificate in one of the token's slots, and the envelope OpenSSL's CMS makes for them.
#pragma once

#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/options.h"
#include "cli/signing.h"

namespace cli {

// A certificate file, PEM or DER.
CliResult<X509Ptr> readCertificateFile(const std::string& path);

// The certificate in the token's slot `slotText` (an OpenPGP token's `dec` when `slotText` is empty and the
// token is OpenPGP, else 9D): public data only, no PIN. The token is the one the positional URI names.
CliResult<X509Ptr> tokenCertificate(const ParsedArgs& args, const std::optional<std::string>& slotText);

// EnvelopedData of `in` for every recipient: AES-256-CBC content encryption (read by every S/MIME client;
// AES-GCM AuthEnvelopedData only by recent ones), the key transported with RSAES-PKCS1-v1_5 to RSA
// recipients (OAEP needs the recipient's client to support it) and agreed by ECDH (ephemeral-static,
// KARI) with EC recipients — OpenSSL's CMS_encrypt defaults. `flags`: CMS_BINARY for exact bytes, 0 for
// S/MIME text canonicalisation (CRLF line ends).
CliResult<CmsPtr> envelope(const std::vector<X509Ptr>& recipients, BIO* in, int flags);

}  // namespace cli
