// What the signing and decrypting subcommands share: input/output BIOs, a slot's certificate with its token
// key (libp11), and a detached CMS signature made by OpenSSL with that key (CAdES: signing-certificate-v2,
// optionally an RFC 3161 timestamp as an unsigned attribute).
#pragma once

#include <openssl/cms.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>

#include "cli/cli_error.h"
#include "cli/options.h"
#include "cli/p11_module.h"

namespace cli {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct CmsFree {
    void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, CmsFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// --in FILE, else all of stdin in a memory BIO that BIO_reset rewinds.
CliResult<BioPtr> inputBio(const ParsedArgs& args);
// --out FILE, else stdout (or a null sink when `discard`).
CliResult<BioPtr> outputBio(const ParsedArgs& args, bool discard);

// A slot's certificate and its private key through libp11 (the PIN checked by core/token first).
struct SlotKey {
    X509Ptr cert;
    std::unique_ptr<client::P11Signer> key;
};
CliResult<SlotKey> openSlotKey(const ParsedArgs& args, const char* defaultSlot);

// Where to get an RFC 3161 timestamp (--tsa URL, http:// or https://), optionally whom to trust for its
// signature (--tsa-ca FILE; without it the reply's imprint, nonce and status are still checked) and for an
// https TSA's TLS certificate (--tsa-tls-ca FILE; else the system's trust store).
struct TsaOptions {
    std::string url;
    std::optional<std::string> caFile;
    std::optional<std::string> tlsCaFile;
};
std::optional<TsaOptions> tsaOptions(const ParsedArgs& args);

// A detached CMS SignedData over `data` (SHA-256, signing-certificate-v2; `binary`: the exact bytes, else
// S/MIME text canonicalisation), signed on the token; with `tsa`, the signature value is timestamped and
// the token embedded as id-aa-timeStampToken (CAdES-T).
CliResult<CmsPtr> signDetached(const SlotKey& sk, BIO* data, bool binary, const std::optional<TsaOptions>& tsa);

}  // namespace cli
