#include "cli/signing.h"

#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <iterator>

#include "cli/pin_input.h"
#include "cli/progress.h"
#include "cli/timestamp.h"
#include "cli/tokens.h"

namespace cli {

CliResult<BioPtr> inputBio(const ParsedArgs& args) {
    if (auto in = args.value("in")) {
        BioPtr b(BIO_new_file(in->c_str(), "rb"));
        if (!b) return cliFail(kExitFailed, "cannot read " + *in + ": " + std::strerror(errno));
        return b;
    }
    // stdin through a memory BIO: BIO_new_fp would switch stdin's buffering under iostream's feet.
    std::string all(std::istreambuf_iterator<char>(std::cin), {});
    BioPtr b(BIO_new(BIO_s_mem()));
    BIO_write(b.get(), all.data(), static_cast<int>(all.size()));
    BIO_set_flags(b.get(), BIO_FLAGS_NONCLEAR_RST);  // BIO_reset rewinds (DER, then PEM) instead of emptying
    return b;
}

CliResult<BioPtr> outputBio(const ParsedArgs& args, bool discard) {
    if (auto out = args.value("out")) {
        BioPtr b(BIO_new_file(out->c_str(), "wb"));
        if (!b) return cliFail(kExitFailed, "cannot write " + *out + ": " + std::strerror(errno));
        return b;
    }
    return BioPtr(discard ? BIO_new(BIO_s_null()) : BIO_new_fp(stdout, BIO_NOCLOSE));
}

CliResult<SlotKey> openSlotKey(const ParsedArgs& args, const char* defaultSlot) {
    if (args.positional.size() > 1) return cliFail(kExitUsage, "at most one token URI expected");
    auto slot = parseSlotName(args.value("slot").value_or(defaultSlot));
    if (!slot) return std::unexpected(slot.error());
    auto pinSrc = secretSource(args, "pin");
    if (!pinSrc) return std::unexpected(pinSrc.error());
    Tokens tokens;
    const auto uriText = args.positional.empty() ? std::nullopt : std::optional(args.positional.front());
    auto t = tokens.select(uriText);
    if (!t) return std::unexpected(t.error());
    const bool pgp = t->info.application == "OpenPGP";
    auto named = slotFromUriAndOption(uriText, args.value("slot"), pgp);  // --slot or the URI's id=
    if (!named) return std::unexpected(named.error());
    if (*named) {
        *slot = **named;
    } else if (pgp) {
        // Without a named key, an OpenPGP token signs with its signature key and decrypts with its decryption key.
        *slot = std::string_view(defaultSlot) == "9d" ? kOpenPgpDec : kOpenPgpSig;
    }
    auto objects = t->token->objects();
    if (!objects) return cliFail(objects.error(), "cannot read the token's keys");
    core::Bytes certDer;
    for (const auto& k : *objects)
        if (k.key.ref == *slot && k.certificate) certDer = k.certificate->der;
    if (certDer.empty())
        return cliFail(kExitFailed, "slot " + slotName(*slot) + " has no certificate (mesign-token import-cert)");
    SlotKey sk;
    const unsigned char* p = certDer.data();
    sk.cert.reset(d2i_X509(nullptr, &p, static_cast<long>(certDer.size())));
    if (!sk.cert) return cliFail(kExitFailed, "the certificate in slot " + slotName(*slot) + " does not parse");
    auto pin = readSecret(*pinSrc, "PIN");
    if (!pin) return std::unexpected(pin.error());
    if (auto s = loginUser(*t->token, *pin); !s) return std::unexpected(s.error());
    (void)t->token->logout();
    auto key = openTokenKey(pkcs11ModulePath(args), t->info.serial, *ckaIdForKeyRef(*slot), *pin);
    if (!key) return std::unexpected(key.error());
    sk.key = std::move(*key);
    return sk;
}

std::optional<TsaOptions> tsaOptions(const ParsedArgs& args) {
    auto url = args.value("tsa");
    if (!url) return std::nullopt;
    return TsaOptions{*url, args.value("tsa-ca"), args.value("tsa-tls-ca")};
}

CliResult<CmsPtr> signDetached(const SlotKey& sk, BIO* data, bool binary, const std::optional<TsaOptions>& tsa) {
    // CMS_CADES adds the ESS signing-certificate-v2 attribute (CAdES baseline-B); content type, message
    // digest and signing time are OpenSSL's defaults. SHA-256 is OpenSSL 3's default digest for RSA and EC.
    const int flags = CMS_DETACHED | CMS_PARTIAL | CMS_CADES | (binary ? CMS_BINARY : 0);
    CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
    if (!cms) return cliFail(kExitFailed, "cannot start a CMS signature: " + opensslError());
    CMS_SignerInfo* si = CMS_add1_signer(cms.get(), sk.cert.get(), sk.key->pkey(), EVP_sha256(), flags);
    if (!si) return cliFail(kExitFailed, "cannot add the token's key as signer: " + opensslError());
    {
        // Hashing a big file and the card's signature are the slow part.
        Progress progress("signing with the key on the token");
        if (CMS_final(cms.get(), data, nullptr, flags) != 1)
            return cliFail(kExitFailed, "signing with the token key failed: " + opensslError());
    }
    if (tsa)
        if (auto s = addSignatureTimestamp(si, *tsa); !s) return std::unexpected(s.error());
    return cms;
}

}  // namespace cli
