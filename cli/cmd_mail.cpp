// sign-mail (S/MIME multipart/signed with a token key, OpenSSL CMS + libp11) and verify (OpenSSL CMS
// verification of a signed mail against a CA file).
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_key.h"
#include "cli/pin_input.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kSignHelp =
    "usage: mesign-token sign-mail [TOKEN-URI] [--slot 9a] [--in FILE] [--out FILE] [--pin-fd N] [--module PATH]\n"
    "Signs the mail (stdin or --in; headers and body as given) with the key and certificate in the slot and\n"
    "writes an S/MIME multipart/signed message (stdout or --out).\n";
const char* kVerifyHelp =
    "usage: mesign-token verify [--ca FILE] [--in FILE] [--out FILE]\n"
    "Verifies an S/MIME signed mail (stdin or --in) against the CA certificates in FILE (else the system's\n"
    "trust store); writes the signed content to --out (default: discarded) and the signer to stderr.\n";

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct CmsFree {
    void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct StoreFree {
    void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

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

CliStatus signMail(const ParsedArgs& args) {
    if (args.positional.size() > 1) return cliFail(kExitUsage, "sign-mail takes at most one token URI");
    auto slot = parseSlotName(args.value("slot").value_or("9a"));
    if (!slot) return std::unexpected(slot.error());
    auto pinSrc = secretSource(args, "pin");
    if (!pinSrc) return std::unexpected(pinSrc.error());
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());

    Tokens tokens;
    auto t = tokens.select(args.positional.empty() ? std::nullopt : std::optional(args.positional.front()));
    if (!t) return std::unexpected(t.error());
    auto objects = t->token->objects();
    if (!objects) return cliFail(objects.error(), "cannot read the token's keys");
    core::Bytes certDer;
    for (const auto& k : *objects)
        if (k.key.ref == *slot && k.certificate) certDer = k.certificate->der;
    if (certDer.empty())
        return cliFail(kExitFailed, "slot " + slotName(*slot) + " has no certificate (mesign-token import-cert)");
    const unsigned char* p = certDer.data();
    std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(certDer.size())));
    if (!cert) return cliFail(kExitFailed, "the certificate in slot " + slotName(*slot) + " does not parse");

    auto pin = readSecret(*pinSrc, "PIN");
    if (!pin) return std::unexpected(pin.error());
    if (auto s = loginUser(*t->token, *pin); !s) return s;
    (void)t->token->logout();
    auto key = P11Key::open(pkcs11ModulePath(args), t->info.serial, *ckaIdForKeyRef(*slot), *pin);
    if (!key) return std::unexpected(key.error());

    // Text mode (no CMS_BINARY): line ends become CRLF, as S/MIME requires. Streaming (as `openssl cms
    // -sign` does): the content is read once, while the signed mail is written.
    const int flags = CMS_DETACHED | CMS_STREAM;
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(CMS_sign(cert.get(), (*key)->pkey(), nullptr, in->get(), flags));
    if (!cms) return cliFail(kExitFailed, "signing with the token key failed: " + opensslError());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    if (SMIME_write_CMS(out->get(), cms.get(), in->get(), flags) != 1)
        return cliFail(kExitFailed, "cannot write the signed mail: " + opensslError());
    return {};
}

CliStatus verify(const ParsedArgs& args) {
    if (!args.positional.empty()) return cliFail(kExitUsage, "verify takes no arguments (use --in FILE)");
    std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
    if (auto ca = args.value("ca")) {
        if (X509_STORE_load_file(store.get(), ca->c_str()) != 1)
            return cliFail(kExitFailed, "cannot load CA certificates from " + *ca + ": " + opensslError());
    } else {
        X509_STORE_set_default_paths(store.get());
    }
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    BIO* content = nullptr;
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(SMIME_read_CMS(in->get(), &content));
    BioPtr contentOwner(content);
    if (!cms) return cliFail(kExitFailed, "not an S/MIME signed message: " + opensslError());
    auto out = outputBio(args, true);
    if (!out) return std::unexpected(out.error());
    if (CMS_verify(cms.get(), nullptr, store.get(), content, out->get(), 0) != 1)
        return cliFail(kExitFailed, "verification failed: " + opensslError());
    STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
    for (int i = 0; signers && i < sk_X509_num(signers); ++i) {
        char* name = X509_NAME_oneline(X509_get_subject_name(sk_X509_value(signers, i)), nullptr, 0);
        std::fprintf(stderr, "mesign-token: verification successful, signed by %s\n", name ? name : "?");
        OPENSSL_free(name);
    }
    sk_X509_free(signers);
    return {};
}

const std::vector<OptionSpec> kMailOptions = {{"slot", true},   {"in", true},        {"out", true},
                                              {"ca", true},     {"pin-fd", true},    {"pin-value", true},
                                              {"module", true}};

int run(const Args& argv, const char* help, CliStatus (*fn)(const ParsedArgs&)) {
    auto args = parseArgs(argv, kMailOptions);
    if (!args) return report(args.error());
    if (args->help) return std::fputs(help, stdout), kExitOk;
    auto s = fn(*args);
    return s ? kExitOk : report(s.error());
}

}  // namespace

int runSignMail(const Args& args) { return run(args, kSignHelp, signMail); }
int runVerify(const Args& args) { return run(args, kVerifyHelp, verify); }

}  // namespace cli
