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
#include <string_view>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_module.h"
#include "cli/pdf_sign.h"
#include "cli/pin_input.h"
#include "cli/recipients.h"
#include "cli/signing.h"
#include "cli/progress.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kSignHelp =
    "usage: mesign-token sign-mail [TOKEN-URI] [--slot 9a] [--in FILE] [--out FILE]\n"
    "                              [--tsa URL [--tsa-ca FILE] [--tsa-tls-ca FILE]]\n"
    "                              [--encrypt-to CERT]... [--encrypt-to-self] [--pin-fd N] [--module PATH]\n"
    "Signs the mail (stdin or --in; headers and body as given) with the key and certificate in the slot and\n"
    "writes an S/MIME multipart/signed message (stdout or --out). The CMS carries the signing-certificate-v2\n"
    "attribute (CAdES-B); --tsa adds an RFC 3161 timestamp of the signature from that http:// or https:// TSA\n"
    "(CAdES-T), its reply checked against the request and, with --tsa-ca, its signature against the CA\n"
    "certificates there. An https TSA's TLS certificate must be trusted by the system or by --tsa-tls-ca FILE.\n"
    "--encrypt-to CERT (repeatable) and --encrypt-to-self (the token's own 9D, or OpenPGP dec, certificate, so\n"
    "you can read your sent mail) sign first, then encrypt the signed mail (RFC 8551 3.7) to those recipients:\n"
    "AES-256-CBC; RSA recipients get the key by RSAES-PKCS1-v1_5, EC recipients by ECDH.\n";
const char* kSignDocHelp =
    "usage: mesign-token sign-doc [TOKEN-URI] [--slot 9a] [--in FILE] [--out SIG] [--pem]\n"
    "                             [--tsa URL [--tsa-ca FILE] [--tsa-tls-ca FILE]]\n"
    "                             [--pin-fd N] [--module PATH]\n"
    "       mesign-token sign-doc [TOKEN-URI] --pdf --in IN.pdf --out OUT.pdf [--reason TEXT] [--tsa URL] ...\n"
    "Writes a detached CMS signature (DER, or PEM with --pem; SHA-256, signing-certificate-v2: CAdES-B) of the\n"
    "document's exact bytes. With --pdf, or when --in and --out both end in .pdf (--cms forces a detached\n"
    "signature), writes OUT.pdf: IN.pdf with a PDF signature (invisible signature field, incremental update,\n"
    "adbe.pkcs7.detached). --tsa adds an RFC 3161 timestamp of the signature (see sign-mail --help).\n";
const char* kDecryptHelp =
    "usage: mesign-token decrypt-mail [TOKEN-URI] [--slot 9d] [--in FILE] [--out FILE] [--pin-fd N] [--module PATH]\n"
    "Decrypts an S/MIME encrypted mail (stdin or --in) with the key in the slot; the content to stdout or --out.\n"
    "A signed mail inside (sign-mail --encrypt-to) is written as it is, and a note says to check its signature\n"
    "with 'mesign-token verify'.\n";
const char* kEncryptDocHelp =
    "usage: mesign-token encrypt-doc [TOKEN-URI] [--slot 9d] [--recipient CERT]... [--oaep] [--in FILE] [--out FILE]\n"
    "                                [--pem]\n"
    "Encrypts a document (CMS EnvelopedData, AES-256-CBC; RSA PKCS#1 v1.5 key transport, ECDH for EC keys) to\n"
    "every --recipient CERT and, with --slot or when no --recipient is given, to the certificate in the token's\n"
    "slot (9D; OpenPGP: dec). Each recipient can decrypt it alone; no PIN.\n"
    "--oaep: RSA recipients get the key by RSAES-OAEP with SHA-256 (MGF1-SHA-256); a PIV token decrypts it,\n"
    "an OpenPGP card cannot (its DECIPHER removes PKCS#1 v1.5 padding itself).\n";
const char* kDecryptDocHelp =
    "usage: mesign-token decrypt-doc [TOKEN-URI] [--slot 9d] [--in FILE] [--out FILE] [--pin-fd N] [--module PATH]\n"
    "Decrypts a CMS encrypted document (DER or PEM, as encrypt-doc writes it) with the key in the slot.\n";
const char* kVerifyHelp =
    "usage: mesign-token verify [--ca FILE] [--in FILE] [--out FILE] [--signature SIG]\n"
    "Verifies an S/MIME signed mail (stdin or --in), or with --signature a detached CMS signature (sign-doc)\n"
    "of the document given as input, against the CA certificates in FILE (else the system's trust store);\n"
    "writes the signed content to --out (default: discarded) and the signer to stderr.\n";

// A CMS structure in DER, else PEM (the BIO rewinds: a file, or inputBio's memory).
CmsPtr readCms(BIO* b) {
    CmsPtr cms(d2i_CMS_bio(b, nullptr));
    if (!cms) {
        BIO_reset(b);
        ERR_clear_error();
        cms.reset(PEM_read_bio_CMS(b, nullptr, nullptr, nullptr));
    }
    ERR_clear_error();
    return cms;
}

// A multipart/signed or application/pkcs7-mime signed-data entity (what sign-mail writes, encrypted or not).
bool isSignedMail(std::string_view mail) {
    BioPtr b(BIO_new_mem_buf(mail.data(), static_cast<int>(mail.size())));
    BIO* content = nullptr;
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(b ? SMIME_read_CMS(b.get(), &content) : nullptr);
    BIO_free(content);
    ERR_clear_error();
    return cms && OBJ_obj2nid(CMS_get0_type(cms.get())) == NID_pkcs7_signed;
}

struct StoreFree {
    void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

// The recipients of sign-mail --encrypt-to FILE... / --encrypt-to-self (the token's 9D, or OpenPGP dec,
// certificate, so that the sender can read the sent mail), read before the PIN is asked.
CliResult<std::vector<X509Ptr>> mailRecipients(const ParsedArgs& args) {
    std::vector<X509Ptr> recipients;
    for (const auto& file : args.all("encrypt-to")) {
        auto c = readCertificateFile(file);
        if (!c) return std::unexpected(c.error());
        recipients.push_back(std::move(*c));
    }
    if (args.has("encrypt-to-self")) {
        auto c = tokenCertificate(args, std::nullopt);
        if (!c) return std::unexpected(c.error());
        recipients.push_back(std::move(*c));
    }
    return recipients;
}

CliStatus signMail(const ParsedArgs& args) {
    auto recipients = mailRecipients(args);
    if (!recipients) return std::unexpected(recipients.error());
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    auto sk = openSlotKey(args, "9a");
    if (!sk) return std::unexpected(sk.error());
    // Text mode (no CMS_BINARY): line ends become CRLF, as S/MIME requires. Not streamed, so that a
    // timestamp can be added to the finished signature; the content is read again to write the mail.
    auto cms = signDetached(*sk, in->get(), false, tsaOptions(args));
    if (!cms) return std::unexpected(cms.error());
    if (BIO_reset(in->get()) < 0) return cliFail(kExitFailed, "cannot read the mail again: " + opensslError());
    // RFC 8551 3.7: sign first, then encrypt the whole multipart/signed entity, so the signature stays
    // inside (only the recipients see who signed) and verifies after decryption. Both are made in memory:
    // --out is opened only when everything worked.
    BioPtr result(BIO_new(BIO_s_mem()));
    // CMS_REUSE_DIGEST: copy the content (CRLF line ends) without signing it a second time.
    if (!result || SMIME_write_CMS(result.get(), cms->get(), in->get(), CMS_DETACHED | CMS_REUSE_DIGEST) != 1)
        return cliFail(kExitFailed, "cannot write the signed mail: " + opensslError());
    if (!recipients->empty()) {
        auto enveloped = envelope(*recipients, result.get(), 0);
        if (!enveloped) return std::unexpected(enveloped.error());
        result.reset(BIO_new(BIO_s_mem()));
        if (!result || SMIME_write_CMS(result.get(), enveloped->get(), nullptr, 0) != 1)
            return cliFail(kExitFailed, "cannot write the encrypted mail: " + opensslError());
    }
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    char* data = nullptr;
    const long len = BIO_get_mem_data(result.get(), &data);
    if (len > 0 && BIO_write(out->get(), data, static_cast<int>(len)) != len)
        return cliFail(kExitFailed, "cannot write the mail: " + opensslError());
    BIO_flush(out->get());
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
    Progress progress("writing the PDF signature");
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

// An S/MIME enveloped mail decrypted with the key in the slot (default 9D, key management). A signed mail
// inside (sign-mail --encrypt-to) is written as it is, with a note to check it with `verify`: which CAs to
// trust is the user's choice there (--ca), and a decrypted mail is useful even when its signer is unknown.
CliStatus decryptMail(const ParsedArgs& args) {
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(SMIME_read_CMS(in->get(), nullptr));
    if (!cms) return cliFail(kExitFailed, "not an S/MIME encrypted message: " + opensslError());
    auto sk = openSlotKey(args, "9d");
    if (!sk) return std::unexpected(sk.error());
    BioPtr plain(BIO_new(BIO_s_mem()));
    {
        Progress progress("decrypting with the key on the token");
        if (!plain || CMS_decrypt(cms.get(), sk->key->pkey(), sk->cert.get(), nullptr, plain.get(), 0) != 1)
            return cliFail(kExitFailed,
                           "decryption failed (not encrypted to this slot's certificate?): " + opensslError());
    }
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    char* data = nullptr;
    const long len = BIO_get_mem_data(plain.get(), &data);
    if (len > 0 && BIO_write(out->get(), data, static_cast<int>(len)) != len)
        return cliFail(kExitFailed, "cannot write the decrypted mail: " + opensslError());
    BIO_flush(out->get());
    if (isSignedMail(std::string_view(data, static_cast<size_t>(len))))
        std::fprintf(stderr, "mesign-token: the decrypted mail is signed; check its signature with "
                             "'mesign-token verify --in FILE [--ca CA-FILE]'\n");
    return {};
}

// A document encrypted (CMS EnvelopedData, AES-256, DER or --pem) to every --recipient CERT and, with
// --slot or without any --recipient, to the certificate in the token's slot (default 9D, OpenPGP dec) —
// public halves only, no PIN.
CliStatus encryptDoc(const ParsedArgs& args) {
    std::vector<X509Ptr> recipients;
    for (const auto& file : args.all("recipient")) {
        auto c = readCertificateFile(file);
        if (!c) return std::unexpected(c.error());
        recipients.push_back(std::move(*c));
    }
    if (args.value("slot") || recipients.empty()) {
        auto c = tokenCertificate(args, args.value("slot"));
        if (!c) return std::unexpected(c.error());
        recipients.push_back(std::move(*c));
    } else if (!args.positional.empty()) {
        return cliFail(kExitUsage, "a token URI needs --slot when --recipient is given");
    }
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    auto cms = envelope(recipients, in->get(), CMS_BINARY,
                        args.has("oaep") ? RsaKeyTransport::OaepSha256 : RsaKeyTransport::Pkcs1v15);
    if (!cms) return std::unexpected(cms.error());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    int ok = args.has("pem") ? PEM_write_bio_CMS(out->get(), cms->get()) : i2d_CMS_bio(out->get(), cms->get());
    if (ok != 1) return cliFail(kExitFailed, "cannot write the encrypted document: " + opensslError());
    return {};
}

// CMS EnvelopedData (DER or PEM, as encrypt-doc writes it) decrypted with the key in the slot (default 9D).
CliStatus decryptDoc(const ParsedArgs& args) {
    auto in = inputBio(args);
    if (!in) return std::unexpected(in.error());
    CmsPtr cms = readCms(in->get());
    if (!cms) return cliFail(kExitFailed, "not a CMS encrypted document (DER or PEM)");
    auto sk = openSlotKey(args, "9d");
    if (!sk) return std::unexpected(sk.error());
    auto out = outputBio(args, false);
    if (!out) return std::unexpected(out.error());
    Progress progress("decrypting with the key on the token");
    if (CMS_decrypt(cms.get(), sk->key->pkey(), sk->cert.get(), nullptr, out->get(), CMS_BINARY) != 1)
        return cliFail(kExitFailed, "decryption failed (not encrypted to this slot's certificate?): " + opensslError());
    return {};
}

// A detached signature file: DER, else PEM.
CliResult<std::unique_ptr<CMS_ContentInfo, CmsFree>> readDetached(const std::string& path) {
    BioPtr b(BIO_new_file(path.c_str(), "rb"));
    if (!b) return cliFail(kExitFailed, "cannot read " + path + ": " + std::strerror(errno));
    CmsPtr cms = readCms(b.get());
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
const std::vector<OptionSpec> kSignOptions = {{"slot", true},       {"in", true},        {"out", true},
                                              {"pin-fd", true},     {"pin-value", true}, {"module", true},
                                              {"tsa", true},        {"tsa-ca", true},    {"tsa-tls-ca", true},
                                              {"encrypt-to", true}, {"encrypt-to-self", false}};
const std::vector<OptionSpec> kSignDocOptions = {{"slot", true},   {"in", true},        {"out", true},
                                                 {"pem", false},   {"pdf", false},      {"cms", false},
                                                 {"reason", true}, {"pin-fd", true},    {"pin-value", true},
                                                 {"module", true}, {"tsa", true},       {"tsa-ca", true},
                                                 {"tsa-tls-ca", true}};
const std::vector<OptionSpec> kEncryptOptions = {{"slot", true}, {"recipient", true}, {"in", true},
                                                 {"out", true},  {"pem", false},       {"oaep", false}};
const std::vector<OptionSpec> kVerifyOptions = {{"ca", true}, {"in", true}, {"out", true}, {"signature", true}};

}  // namespace

int runSignMail(const Args& args) { return runSubcommand(args, kSignOptions, kSignHelp, signMail); }
int runSignDoc(const Args& args) { return runSubcommand(args, kSignDocOptions, kSignDocHelp, signDoc); }
int runDecryptMail(const Args& args) { return runSubcommand(args, kDecryptOptions, kDecryptHelp, decryptMail); }
int runEncryptDoc(const Args& args) { return runSubcommand(args, kEncryptOptions, kEncryptDocHelp, encryptDoc); }
int runDecryptDoc(const Args& args) { return runSubcommand(args, kDecryptOptions, kDecryptDocHelp, decryptDoc); }
int runVerify(const Args& args) { return runSubcommand(args, kVerifyOptions, kVerifyHelp, verify); }

}  // namespace cli
