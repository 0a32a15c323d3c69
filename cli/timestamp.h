// RFC 3161: a timestamp over a CMS signer's signature value from a TSA (HTTP POST with OpenSSL's HTTP
// client), the reply checked against the request, the token added as the signer's id-aa-timeStampToken.
#pragma once

#include <openssl/cms.h>

#include "cli/cli_error.h"
#include "cli/signing.h"

namespace cli {

CliStatus addSignatureTimestamp(CMS_SignerInfo* si, const TsaOptions& tsa);

}  // namespace cli
