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
    // RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017; parameters in CMS per RFC 4055). A PIV token
    // decrypts it: libp11 asks the module for the raw RSA block (CKM_RSA_X_509) and OpenSSL removes the OAEP
    // padding; an OpenPGP card cannot (its DECIPHER removes PKCS#1 v1.5 padding itself).
    OaepSha256
};

// EnvelopedData of `in` for every recipient: AES-256-CBC content encryption (read by every S/MIME client;
// AES-GCM AuthEnvelopedData only by recent ones), the key transported to RSA recipients as `rsa` says and
// agreed by ECDH (ephemeral-static, KARI) with EC recipients. `flags`: CMS_BINARY for exact bytes, 0 for
// S/MIME text canonicalisation (CRLF line ends).
CliResult<CmsPtr> envelope(const std::vector<X509Ptr>& recipients, BIO* in, int flags,
                           RsaKeyTransport rsa = RsaKeyTransport::Pkcs1v15);

}  // namespace cli
