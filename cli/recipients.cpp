#include "cli/recipients.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cerrno>
#include <cstring>

#include "cli/p11_uri.h"
#include "cli/tokens.h"

namespace cli {

CliResult<X509Ptr> readCertificateFile(const std::string& path) {
    BioPtr b(BIO_new_file(path.c_str(), "rb"));
    if (!b) return cliFail(kExitFailed, "cannot read " + path + ": " + std::strerror(errno));
    X509Ptr cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        BIO_reset(b.get());
        ERR_clear_error();
        cert.reset(d2i_X509_bio(b.get(), nullptr));
    }
    ERR_clear_error();
    if (!cert) return cliFail(kExitFailed, path + ": not a certificate (PEM or DER)");
    return cert;
}

CliResult<X509Ptr> tokenCertificate(const ParsedArgs& args, const std::optional<std::string>& slotText) {
    if (args.positional.size() > 1) return cliFail(kExitUsage, "at most one token URI expected");
    auto slot = parseSlotName(slotText.value_or("9d"));
    if (!slot) return std::unexpected(slot.error());
    Tokens tokens;
    const auto uriText = args.positional.empty() ? std::nullopt : std::optional(args.positional.front());
    auto t = tokens.select(uriText);
    if (!t) return std::unexpected(t.error());
    const bool pgp = t->info.application == "OpenPGP";
    auto named = slotFromUriAndOption(uriText, slotText, pgp);  // --slot or the URI's id=
    if (!named) return std::unexpected(named.error());
    if (*named) *slot = **named;
    else if (pgp) *slot = kOpenPgpDec;
    auto objects = t->token->objects();
    if (!objects) return cliFail(objects.error(), "cannot read the token's keys");
    X509Ptr cert;
    for (const auto& k : *objects) {
        if (k.key.ref != *slot || !k.certificate) continue;
        const unsigned char* p = k.certificate->der.data();
        cert.reset(d2i_X509(nullptr, &p, static_cast<long>(k.certificate->der.size())));
    }
    if (!cert) return cliFail(kExitFailed, "slot " + slotName(*slot) + " has no certificate to encrypt to");
    return cert;
}

CliResult<CmsPtr> envelope(const std::vector<X509Ptr>& recipients, BIO* in, int flags, RsaKeyTransport rsa) {
    if (recipients.empty()) return cliFail(kExitUsage, "no recipient to encrypt to");
    // The recipients are added one by one (as `openssl cms -encrypt -keyopt` does) so that an RSA
    // recipient's key-transport context can be set to OAEP before the envelope is finished.
    CmsPtr cms(CMS_encrypt(nullptr, nullptr, EVP_aes_256_cbc(), flags | CMS_PARTIAL));
    if (!cms) return cliFail(kExitFailed, "encryption failed: " + opensslError());
    for (const auto& c : recipients) {
        const bool oaep = rsa == RsaKeyTransport::OaepSha256 && X509_get0_pubkey(c.get()) &&
                          EVP_PKEY_is_a(X509_get0_pubkey(c.get()), "RSA");
        CMS_RecipientInfo* ri = CMS_add1_recipient_cert(cms.get(), c.get(), oaep ? CMS_KEY_PARAM : 0);
        if (!ri) return cliFail(kExitFailed, "cannot encrypt to a recipient: " + opensslError());
        if (!oaep) continue;
        EVP_PKEY_CTX* pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
        if (!pctx || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
            EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) <= 0 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0)
            return cliFail(kExitFailed, "cannot set RSA-OAEP for a recipient: " + opensslError());
    }
    if (CMS_final(cms.get(), in, nullptr, flags) != 1)
        return cliFail(kExitFailed, "encryption failed: " + opensslError());
    return cms;
}

}  // namespace cli
