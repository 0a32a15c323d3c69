// A PDF signature (ISO 32000 signature field, incremental update) written with PoDoFo: PoDoFo builds the
// signature dictionary, reserves /Contents and fills /ByteRange; the CMS that goes into /Contents comes
// from the caller (OpenSSL with the token key).
#pragma once

#include <openssl/bio.h>

#include <functional>
#include <string>

#include "cli/cli_error.h"

namespace cli {

struct PdfSignRequest {
    std::string inPath;
    std::string outPath;   // a new file: the input followed by the signature's incremental update
    std::string reason;    // /Reason, may be empty
    size_t reservedBytes;  // room for the DER CMS in /Contents (a larger CMS is refused)
};

// `makeCms` gets the bytes the /ByteRange covers and returns the DER CMS (detached SignedData).
CliStatus signPdf(const PdfSignRequest& req, const std::function<CliResult<std::string>(BIO* covered)>& makeCms);

// True when the file starts like a PDF ("%PDF-").
bool looksLikePdf(const std::string& path);

}  // namespace cli
