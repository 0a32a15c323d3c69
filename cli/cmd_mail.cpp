// sign-mail (S/MIME multipart/signed), sign-doc (detached CMS), decrypt-mail and decrypt-doc with a token key
// (OpenSSL CMS + libp11); encrypt-doc to a certificate; verify (OpenSSL CMS verification of a signed mail or a
// detached signature against a CA file).
// pem.h first: cms.h declares the PEM_*_CMS functions only when pem.h came before it.
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_key.h"
#include "cli/pdf_sign.h"
#include "cli/pin_input.h"
#include "cli/signing.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kSignHelp =
    "usage: mesign-token sign-mail [TOKEN-URI] [--slot 9a] [--in FILE] [--out FILE] [--tsa URL [--tsa-ca FILE]]\n"
    "                              [--pin-fd N] [--module PATH]\n"
    "Signs the mail (stdin or --in; headers and body as given) with the key and certificate in the slot and\n"
    "writes an S/MIME multipart/signed message (stdout or --out). The CMS carries the signing-certificate-v2\n"
    "attribute (CAdES-B); --tsa adds an RFC 3161 timestamp of the signature from that http:// TSA (CAdES-T),\n"
    "its reply checked against the request and, with --tsa-ca, its signature against the CA certificates there.\n";
const char* kSignDocHelp =
    "usage: mesign-token sign-doc [TOKEN-URI] [--slot 9a] [--in FILE] [--out SIG] [--pem] [--tsa URL [--tsa-ca FILE]]\n"
    "                             [--pin-fd N] [--module PATH]\n"
    "       mesign-token sign-doc [TOKEN-URI] --pdf --in IN.pdf --out OUT.pdf [--reason TEXT] [--tsa URL] ...\n"
    "Writes a detached CMS signature (DER, or PEM with --pem; SHA-256, signing-certificate-v2: CAdES-B) of the\n"
    "document's exact bytes. With --pdf, or when --in and --out both end in .pdf (--cms forces a detached\n"
    "signature), writes OUT.pdf: IN.pdf with a PDF signature (invisible signature field, incremental update,\n"
    "adbe.pkcs7.detached). --tsa adds an RFC 3161 timestamp of the signature (see sign-mail --help).\n";
const char* kDecryptHelp =
    "usage: mesign-token decrypt-mail [TOKEN-URI] [--slot 9d] [--in FILE] [--out FILE] [--pin-fd N] [--module PATH]\n"
    "Decrypts an S/MIME encrypted mail (stdin or --in) with the key in the slot; the content to stdout or --out.\n";
const char* kEncryptDocHelp =
    "usage: mesign-token encrypt-doc [TOKEN-URI] [--slot 9d | --recipient CERT] [--in FILE] [--out FILE] [--pem]\n"
    "Encrypts a document (CMS EnvelopedData, AES-256) to the certificate in the slot or in CERT; no PIN.\n";
const char* kDecryptDocHelp =
    "usage: mesign-token decrypt-doc [TOKEN-URI] [--slot 9d] [--in FILE] [--out FILE] [--pin-fd N] [--module PATH]\n"
    "Decrypts a CMS encrypted document (DER or PEM, as encrypt-doc writes it) with the key in the slot.\n";
const char* kVerifyHelp =
    "usage: mesign-token verify [--ca FILE] [--in FILE] [--out FILE] [--signature SIG]\n"
    "Verifies an S/MIME signed mail (stdin or --in), or with --signature a detached CMS signature (sign-doc)\n"
    "of the document given as input, against the CA certificates in FILE (else the system's trust store);\n"
    "writes the signed content to --out (default: discarded) and the signer to stderr.\n";

struct StoreFree {
    void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

CliStatus signMail(const ParsedArgs& args) {
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    auto sk = openSlotKey(args, "9a");
    if (!sk) return std::unexpected(sk.error());
    // Text mode (no CMS_BINARY): line ends become CRLF, as S/MIME requires. Not streamed, so that a
    // timestamp can be added to the finished signature; the content is read again to write the mail.
    auto cms = signDetached(*sk, in->get(), false, tsaOptions(args));
    if (!cms) return std::unexpected(cms.error());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    if (BIO_reset(in->get()) < 0) return cliFail(kExitFailed, "cannot read the mail again: " + opensslError());
    // CMS_REUSE_DIGEST: copy the content (CRLF line ends) without signing it a second time.
    if (SMIME_write_CMS(out->get(), cms->get(), in->get(), CMS_DETACHED | CMS_REUSE_DIGEST) != 1)
        return cliFail(kExitFailed, "cannot write the signed mail: " + opensslError());
    return {};
}

// sign-doc writes a PDF signature when asked (--pdf) or when both --in and --out name .pdf files (unless
// --cms); else a detached CMS signature of the exact bytes.
bool wantsPdf(const ParsedArgs& args) {
    if (args.has("pdf")) return true;
    if (args.has("cms")) return false;
    auto isPdfName = [](const std::optional<std::string>& p) {
        if (!p || p->size() < 4) return false;
        std::string ext = p->substr(p->size() - 4);
        for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return ext == ".pdf";
    };
    return isPdfName(args.value("in")) && isPdfName(args.value("out"));
}

CliStatus signPdfDoc(const ParsedArgs& args) {
    auto inPath = args.value("in");
    auto outPath = args.value("out");
    if (!inPath || !outPath) return cliFail(kExitUsage, "a PDF signature needs --in FILE and --out FILE");
    if (args.has("pem")) return cliFail(kExitUsage, "--pem is for detached signatures, not PDF signatures");
    if (FILE* f = std::fopen(inPath->c_str(), "rb")) std::fclose(f);
    else return cliFail(kExitFailed, "cannot read " + *inPath + ": " + std::strerror(errno));
    if (!looksLikePdf(*inPath)) return cliFail(kExitFailed, *inPath + ": not a PDF file");
    auto sk = openSlotKey(args, "9a");  // the PIN before anything is written
    if (!sk) return std::unexpected(sk.error());
    auto tsa = tsaOptions(args);
    // Room for the signer's certificate and signature; a timestamp token brings the TSA's certificate too.
    PdfSignRequest req{*inPath, *outPath, args.value("reason").value_or(""), tsa ? 24576u : 8192u};
    return signPdf(req, [&](BIO* covered) -> CliResult<std::string> {
        auto cms = signDetached(*sk, covered, true, tsa);
        if (!cms) return std::unexpected(cms.error());
        unsigned char* der = nullptr;
        int len = i2d_CMS_ContentInfo(cms->get(), &der);
        if (len <= 0) return cliFail(kExitFailed, "cannot encode the signature: " + opensslError());
        std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
        OPENSSL_free(der);
        return out;
    });
}

// A detached CMS signature of the document's exact bytes (DER, or PEM with --pem), or a PDF signature.
CliStatus signDoc(const ParsedArgs& args) {
    if (args.has("pdf") && args.has("cms")) return cliFail(kExitUsage, "--pdf and --cms exclude each other");
    if (wantsPdf(args)) return signPdfDoc(args);
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    auto sk = openSlotKey(args, "9a");
    if (!sk) return std::unexpected(sk.error());
    auto cms = signDetached(*sk, in->get(), true, tsaOptions(args));
    if (!cms) return std::unexpected(cms.error());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    int ok = args.has("pem") ? PEM_write_bio_CMS(out->get(), cms->get()) : i2d_CMS_bio(out->get(), cms->get());
    if (ok != 1) return cliFail(kExitFailed, "cannot write the signature: " + opensslError());
    return {};
}

// An S/MIME enveloped mail decrypted with the key in the slot (default 9D, key management).
CliStatus decryptMail(const ParsedArgs& args) {
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(SMIME_read_CMS(in->get(), nullptr));
    if (!cms) return cliFail(kExitFailed, "not an S/MIME encrypted message: " + opensslError());
    auto sk = openSlotKey(args, "9d");
    if (!sk) return std::unexpected(sk.error());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    if (CMS_decrypt(cms.get(), sk->key->pkey(), sk->cert.get(), nullptr, out->get(), 0) != 1)
        return cliFail(kExitFailed, "decryption failed (not encrypted to this slot's certificate?): " + opensslError());
    return {};
}

// A document encrypted (CMS EnvelopedData, AES-256, DER or --pem) to --recipient CERT, else to the
// certificate in the token's slot (default 9D) — the public half only, no PIN.
CliStatus encryptDoc(const ParsedArgs& args) {
    std::unique_ptr<X509, X509Free> cert;
    if (auto file = args.value("recipient")) {
        BioPtr b(BIO_new_file(file->c_str(), "rb"));
        if (!b) return cliFail(kExitFailed, "cannot read " + *file + ": " + std::strerror(errno));
        cert.reset(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
        if (!cert) {
            BIO_reset(b.get());
            ERR_clear_error();
            cert.reset(d2i_X509_bio(b.get(), nullptr));
        }
        if (!cert) return cliFail(kExitFailed, *file + ": not a certificate (PEM or DER)");
    } else {
        if (args.positional.size() > 1) return cliFail(kExitUsage, "at most one token URI expected");
        auto slot = parseSlotName(args.value("slot").value_or("9d"));
        if (!slot) return std::unexpected(slot.error());
        Tokens tokens;
        auto t = tokens.select(args.positional.empty() ? std::nullopt : std::optional(args.positional.front()));
        if (!t) return std::unexpected(t.error());
        if (!args.value("slot") && t->info.application == "OpenPGP") *slot = kOpenPgpDec;
        auto objects = t->token->objects();
        if (!objects) return cliFail(objects.error(), "cannot read the token's keys");
        for (const auto& k : *objects) {
            if (k.key.ref != *slot || !k.certificate) continue;
            const unsigned char* p = k.certificate->der.data();
            cert.reset(d2i_X509(nullptr, &p, static_cast<long>(k.certificate->der.size())));
        }
        if (!cert) return cliFail(kExitFailed, "slot " + slotName(*slot) + " has no certificate to encrypt to");
    }
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    STACK_OF(X509)* recipients = sk_X509_new_null();
    sk_X509_push(recipients, cert.get());
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(
        CMS_encrypt(recipients, in->get(), EVP_aes_256_cbc(), CMS_BINARY));
    sk_X509_free(recipients);
    if (!cms) return cliFail(kExitFailed, "encryption failed: " + opensslError());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    int ok = args.has("pem") ? PEM_write_bio_CMS(out->get(), cms.get()) : i2d_CMS_bio(out->get(), cms.get());
    if (ok != 1) return cliFail(kExitFailed, "cannot write the encrypted document: " + opensslError());
    return {};
}

// CMS EnvelopedData (DER or PEM, as encrypt-doc writes it) decrypted with the key in the slot (default 9D).
CliStatus decryptDoc(const ParsedArgs& args) {
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(d2i_CMS_bio(in->get(), nullptr));
    if (!cms) {
        BIO_reset(in->get());
        ERR_clear_error();
        cms.reset(PEM_read_bio_CMS(in->get(), nullptr, nullptr, nullptr));
    }
    if (!cms) return cliFail(kExitFailed, "not a CMS encrypted document (DER or PEM)");
    auto sk = openSlotKey(args, "9d");
    if (!sk) return std::unexpected(sk.error());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    if (CMS_decrypt(cms.get(), sk->key->pkey(), sk->cert.get(), nullptr, out->get(), CMS_BINARY) != 1)
        return cliFail(kExitFailed, "decryption failed (not encrypted to this slot's certificate?): " + opensslError());
    return {};
}

// A detached signature file: DER, else PEM.
CliResult<std::unique_ptr<CMS_ContentInfo, CmsFree>> readDetached(const std::string& path) {
    BioPtr b(BIO_new_file(path.c_str(), "rb"));
    if (!b) return cliFail(kExitFailed, "cannot read " + path + ": " + std::strerror(errno));
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(d2i_CMS_bio(b.get(), nullptr));
    if (!cms) {
        BIO_reset(b.get());
        ERR_clear_error();
        cms.reset(PEM_read_bio_CMS(b.get(), nullptr, nullptr, nullptr));
    }
    if (!cms) return cliFail(kExitFailed, path + ": not a CMS signature (DER or PEM)");
    return cms;
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
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms;
    int flags = 0;
    if (auto sig = args.value("signature")) {  // detached (sign-doc): the document is the input
        auto detached = readDetached(*sig);
        if (!detached) return std::unexpected(detached.error());
        cms = std::move(*detached);
        content = in->release();
        flags = CMS_BINARY;
    } else {
        cms.reset(SMIME_read_CMS(in->get(), &content));
        if (!cms) return cliFail(kExitFailed, "not an S/MIME signed message: " + opensslError());
    }
    BioPtr contentOwner(content);
    auto out = outputBio(args, true);
    if (!out) return std::unexpected(out.error());
    if (CMS_verify(cms.get(), nullptr, store.get(), content, out->get(), flags) != 1)
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

const std::vector<OptionSpec> kDecryptOptions = {{"slot", true},   {"in", true},        {"out", true},
                                                 {"pin-fd", true}, {"pin-value", true}, {"module", true}};
const std::vector<OptionSpec> kSignOptions = {{"slot", true},      {"in", true},        {"out", true},
                                              {"pin-fd", true},    {"pin-value", true}, {"module", true},
                                              {"tsa", true},       {"tsa-ca", true}};
const std::vector<OptionSpec> kSignDocOptions = {{"slot", true},   {"in", true},        {"out", true},
                                                 {"pem", false},   {"pdf", false},      {"cms", false},
                                                 {"reason", true}, {"pin-fd", true},    {"pin-value", true},
                                                 {"module", true}, {"tsa", true},       {"tsa-ca", true}};
const std::vector<OptionSpec> kEncryptOptions = {{"slot", true}, {"recipient", true}, {"in", true},
                                                 {"out", true},  {"pem", false}};
const std::vector<OptionSpec> kVerifyOptions = {{"ca", true}, {"in", true}, {"out", true}, {"signature", true}};

int run(const Args& argv, const std::vector<OptionSpec>& specs, const char* help, CliStatus (*fn)(const ParsedArgs&)) {
    auto args = parseArgs(argv, specs);
    if (!args) return report(args.error());
    if (args->help) return std::fputs(help, stdout), kExitOk;
    auto s = fn(*args);
    return s ? kExitOk : report(s.error());
}

}  // namespace

int runSignMail(const Args& args) { return run(args, kSignOptions, kSignHelp, signMail); }
int runSignDoc(const Args& args) { return run(args, kSignDocOptions, kSignDocHelp, signDoc); }
int runDecryptMail(const Args& args) { return run(args, kDecryptOptions, kDecryptHelp, decryptMail); }
int runEncryptDoc(const Args& args) { return run(args, kEncryptOptions, kEncryptDocHelp, encryptDoc); }
int runDecryptDoc(const Args& args) { return run(args, kDecryptOptions, kDecryptDocHelp, decryptDoc); }
int runVerify(const Args& args) { return run(args, kVerifyOptions, kVerifyHelp, verify); }

}  // namespace cli
