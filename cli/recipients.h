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

// How the content key reaches an RSA recipient.
enum class RsaKeyTransport {
    Pkcs1v15,  // RSAES-PKCS1-v1_5: what every S/MIME client and every card (OpenPGP too) decrypts
    // RSAES-OAEP with RFC 4055's default parameters (SHA-1, MGF1-SHA-1): what a PIV token decrypts through
    // libp11 0.4.12 + our module; an envelope with OAEP-SHA-256 did not decrypt on that path (cause not found
    // yet: libp11's OAEP parameters or the module's), so SHA-256 is not offered.
    Oaep
};

// EnvelopedData of `in` for every recipient: AES-256-CBC content encryption (read by every S/MIME client;
// AES-GCM AuthEnvelopedData only by recent ones), the key transported to RSA recipients as `rsa` says and
// agreed by ECDH (ephemeral-static, KARI) with EC recipients. `flags`: CMS_BINARY for exact bytes, 0 for
// S/MIME text canonicalisation (CRLF line ends).
CliResult<CmsPtr> envelope(const std::vector<X509Ptr>& recipients, BIO* in, int flags,
                           RsaKeyTransport rsa = RsaKeyTransport::Pkcs1v15);

}  // namespace cli
