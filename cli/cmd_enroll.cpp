// enroll (key generated on the token, PKCS#10 request signed by that key through libp11) and import-cert
// (a certificate for a key slot, checked against the slot's public key before it is written).
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_module.h"
#include "cli/pin_input.h"
#include "cli/progress.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kEnrollHelp =
    "usage: mesign-token enroll [TOKEN-URI] --subject \"/CN=Name/O=Org\" [--slot 9a|sig] [--key-type rsa2048|ec256|ec384]\n"
    "                           [--email ADDR] [--out req.pem] [--pubkey-out pub.pem] [--pin-fd N]\n"
    "                           [--mgmt-key-fd N | --admin-pin-fd N] [--module PATH]\n"
    "Generates a new key in the slot (default 9a; OpenPGP: sig), replacing the old one (and removing the old\n"
    "key's certificate). That needs the PIV\n"
    "management key (--mgmt-key-fd reads it as hex, else the default key is used) or the OpenPGP admin PIN\n"
    "(PW3: asked without echo, or one line from --admin-pin-fd N; --admin-pin-value for tests only). Then\n"
    "writes a PKCS#10 request signed by that key (needs the PIN)\n"
    "to --out or stdout. --pubkey-out FILE also writes the new public key (PEM); with it alone (no --subject)\n"
    "only the key is generated (no PIN needed), e.g. for 9D whose key may not sign its own request.\n";
const char* kImportHelp =
    "usage: mesign-token import-cert [TOKEN-URI] [--slot 9a|sig|dec|aut] [--mgmt-key-fd N | --admin-pin-fd N] FILE\n"
    "Writes the certificate in FILE (PEM, DER or a PKCS#7 chain; the one whose key is in the slot) to the\n"
    "slot (default 9a; OpenPGP: sig). Refused when no certificate in FILE matches the slot's key. Needs the\n"
    "PIV management key or the OpenPGP admin PIN, as enroll.\n";

struct X509ReqFree {
    void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct X509NameFree {
    void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::optional<cardapp::KeyAlgorithm> keyAlgorithm(const std::string& name) {
    if (name == "rsa2048") return cardapp::KeyAlgorithm::Rsa2048;
    if (name == "ec256") return cardapp::KeyAlgorithm::EcP256;
    if (name == "ec384") return cardapp::KeyAlgorithm::EcP384;
    return std::nullopt;
}

// "/CN=Jane Doe/O=Example" (OpenSSL's -subj form; "\/" is a literal slash).
CliResult<std::unique_ptr<X509_NAME, X509NameFree>> parseSubject(const std::string& text) {
    std::unique_ptr<X509_NAME, X509NameFree> name(X509_NAME_new());
    if (text.empty() || text[0] != '/') return cliFail(kExitUsage, "--subject must look like \"/CN=Name/O=Org\"");
    std::vector<std::string> parts{""};
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) parts.back() += text[++i];
        else if (text[i] == '/') parts.emplace_back();
        else parts.back() += text[i];
    }
    for (const auto& p : parts) {
        auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
            return cliFail(kExitUsage, "bad --subject component '" + p + "' (expected TYPE=value)");
        std::string type = p.substr(0, eq), value = p.substr(eq + 1);
        if (!X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0))
            return cliFail(kExitUsage, "unknown --subject attribute '" + type + "'");
    }
    return name;
}

CliResult<core::Bytes> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return cliFail(kExitFailed, "cannot read " + path + ": " + std::strerror(errno));
    return core::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The optional token URI comes first; `trailing` positional arguments (import-cert's FILE) follow it.
CliResult<FoundToken> selectFrom(Tokens& tokens, const ParsedArgs& args, std::size_t trailing) {
    if (args.positional.size() > trailing + 1) return cliFail(kExitUsage, "too many arguments");
    std::optional<std::string> uri;
    if (args.positional.size() == trailing + 1) uri = args.positional.front();
    return tokens.select(uri);
}

// The token URI among the positional arguments (before `trailing` others), if any.
std::optional<std::string> uriOf(const ParsedArgs& args, std::size_t trailing) {
    if (args.positional.size() == trailing + 1) return args.positional.front();
    return std::nullopt;
}

bool isOpenPgp(const token::Token& tok) { return tok.kind() == token::AppKind::OpenPgp; }

// The admin login for key generation and certificate writes: the PIV management key, or an OpenPGP
// token's admin PIN (PW3) read like the PIN (prompt without echo, --admin-pin-fd, --admin-pin-value).
CliStatus adminLogin(token::Token& tok, const ParsedArgs& args) {
    if (isOpenPgp(tok)) {
        if (args.value("mgmt-key-fd") || args.value("mgmt-key-value"))
            return cliFail(kExitUsage, "an OpenPGP token has an admin PIN, not a management key (--admin-pin-fd N)");
        auto src = secretSource(args, "admin-pin");
        if (!src) return std::unexpected(src.error());
        auto pin = readSecret(*src, "admin PIN");
        if (!pin) return std::unexpected(pin.error());
        if (auto s = tok.loginSo(token::SoCredential::AdminPin, core::view(*pin)); !s)
            return cliFail(s.error(), "admin PIN");
        return {};
    }
    if (args.value("admin-pin-fd") || args.value("admin-pin-value"))
        return cliFail(kExitUsage, "a PIV token has a management key, not an admin PIN (--mgmt-key-fd N)");
    auto key = managementKey(args);
    if (!key) return std::unexpected(key.error());
    if (auto s = tok.loginSo(token::SoCredential::ManagementKey, core::view(*key)); !s)
        return cliFail(s.error(), "management key not accepted");
    return {};
}

// --slot as given: a malformed name is a usage error before any token is looked for.
CliResult<std::optional<uint8_t>> givenSlot(const ParsedArgs& args) {
    auto text = args.value("slot");
    if (!text) return std::optional<uint8_t>{};
    auto slot = parseSlotName(*text);
    if (!slot) return std::unexpected(slot.error());
    return std::optional<uint8_t>{*slot};
}

// The slot on this token (default: 9a on PIV, sig on OpenPGP), refused when it is the other application's.
CliResult<uint8_t> keySlot(std::optional<uint8_t> given, const token::Token& tok) {
    const bool pgp = isOpenPgp(tok);
    const uint8_t slot = given.value_or(pgp ? kOpenPgpSig : 0x9a);
    const bool pgpSlot = slot == kOpenPgpSig || slot == kOpenPgpDec || slot == kOpenPgpAut;
    if (pgp != pgpSlot)
        return cliFail(kExitUsage, pgp ? "an OpenPGP token's key slots are sig, dec and aut"
                                       : "a PIV token's key slots are 9a, 9c, 9d, 9e and 82..95");
    return slot;
}

CliStatus enroll(const ParsedArgs& args) {
    auto given = givenSlot(args);
    if (!given) return std::unexpected(given.error());
    auto alg = keyAlgorithm(args.value("key-type").value_or("rsa2048"));
    if (!alg) return cliFail(kExitUsage, "unknown --key-type (rsa2048, ec256 or ec384)");
    auto subjectText = args.value("subject");
    auto pubkeyOut = args.value("pubkey-out");
    if (!subjectText && !pubkeyOut) return cliFail(kExitUsage, "enroll needs --subject \"/CN=...\" (or only --pubkey-out)");
    auto subject = parseSubject(subjectText.value_or("/CN=unused"));
    if (!subject) return std::unexpected(subject.error());
    auto pinSrc = secretSource(args, "pin");
    if (!pinSrc) return std::unexpected(pinSrc.error());

    Tokens tokens;
    auto t = selectFrom(tokens, args, 0);
    if (!t) return std::unexpected(t.error());
    // --slot or the URI's id= (the two must agree)
    auto named = slotFromUriAndOption(uriOf(args, 0), args.value("slot"), isOpenPgp(*t->token));
    if (!named) return std::unexpected(named.error());
    auto slot = keySlot(*named, *t->token);
    if (!slot) return std::unexpected(slot.error());
    bool hadCertificate = false;
    if (auto objects = t->token->objects())
        for (const auto& k : *objects) hadCertificate |= k.key.ref == *slot && k.certificate.has_value();
    if (auto s = adminLogin(*t->token, args); !s) return s;
    core::Result<token::KeyObject> generated = [&] {
        Progress progress("generating a " + std::string(cardapp::keyAlgorithmName(*alg)) + " key on the token");
        return t->token->generateKey(*slot, *alg);
    }();
    // The slot's old certificate names a key that is gone: left there it would still be offered (and taken
    // for the slot's public key, so the new certificate would not match), though nothing can use it.
    core::Status staleRemoved;
    if (generated && hadCertificate) staleRemoved = t->token->deleteCertificate(*slot);
    (void)t->token->logout();
    if (!generated) return cliFail(generated.error(), "key generation failed");
    core::Bytes spki = generated->publicKey ? generated->publicKey->spki : generated->key.publicKeyInfo;
    std::fprintf(stderr, "mesign-token: generated a %s key in slot %s\n", cardapp::keyAlgorithmName(*alg),
                 slotName(*slot).c_str());
    if (hadCertificate && staleRemoved)
        std::fprintf(stderr, "mesign-token: removed the replaced key's certificate from slot %s\n", slotName(*slot).c_str());
    else if (hadCertificate)
        std::fprintf(stderr, "mesign-token: warning: slot %s still holds the replaced key's certificate (%s)\n",
                     slotName(*slot).c_str(), staleRemoved.error().describe().c_str());
    if (pubkeyOut) {
        const unsigned char* sp = spki.data();
        std::unique_ptr<EVP_PKEY, PkeyFree> pk(d2i_PUBKEY(nullptr, &sp, static_cast<long>(spki.size())));
        BIO* bio = BIO_new_file(pubkeyOut->c_str(), "w");
        bool ok = pk && bio && PEM_write_bio_PUBKEY(bio, pk.get()) == 1;
        BIO_free(bio);
        if (!ok) return cliFail(kExitFailed, "cannot write the public key to " + *pubkeyOut);
    }
    // Without a subject only the key is wanted (e.g. 9D, whose key our module lets decrypt but not sign).
    if (!subjectText) return {};

    auto pin = readSecret(*pinSrc, "PIN");
    if (!pin) return std::unexpected(pin.error());
    if (auto s = loginUser(*t->token, *pin); !s) return s;
    (void)t->token->logout();
    auto key = openTokenKey(pkcs11ModulePath(args), t->info.serial, *ckaIdForKeyRef(*slot), *pin);
    if (!key) return std::unexpected(key.error());

    std::unique_ptr<X509_REQ, X509ReqFree> req(X509_REQ_new());
    const unsigned char* p = spki.data();
    std::unique_ptr<EVP_PKEY, PkeyFree> pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!pub) return cliFail(kExitFailed, "the token returned an unreadable public key");
    X509_REQ_set_version(req.get(), 0);
    X509_REQ_set_subject_name(req.get(), subject->get());
    X509_REQ_set_pubkey(req.get(), pub.get());
    if (auto email = args.value("email")) {
        std::string san = "email:" + *email;
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
        if (!ext) return cliFail(kExitUsage, "bad --email '" + *email + "'");
        STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
        sk_X509_EXTENSION_push(exts, ext);
        X509_REQ_add_extensions(req.get(), exts);
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    }
    int signedLen = [&] {
        Progress progress("signing the request with the new key on the token");
        return X509_REQ_sign(req.get(), (*key)->pkey(), EVP_sha256());
    }();
    if (signedLen <= 0)
        return cliFail(kExitFailed, "the key was generated, but signing the request with the slot " + slotName(*slot) +
                                        " key failed: " + opensslError());
    auto out = args.value("out");
    BIO* bio = out ? BIO_new_file(out->c_str(), "w") : BIO_new_fp(stdout, BIO_NOCLOSE);
    if (!bio) return cliFail(kExitFailed, "cannot write " + out.value_or("stdout") + ": " + std::strerror(errno));
    bool written = PEM_write_bio_X509_REQ(bio, req.get()) == 1;
    BIO_free(bio);
    if (!written) return cliFail(kExitFailed, "cannot write the request: " + opensslError());
    if (out) std::fprintf(stderr, "mesign-token: request written to %s\n", out->c_str());
    return {};
}

CliStatus importCert(const ParsedArgs& args) {
    auto given = givenSlot(args);
    if (!given) return std::unexpected(given.error());
    if (args.positional.empty()) return cliFail(kExitUsage, "import-cert needs a certificate FILE");
    const std::string& file = args.positional.back();
    auto data = readFile(file);
    if (!data) return std::unexpected(data.error());
    auto certs = crypto::loadCertificates(*data);
    if (!certs || certs->empty())
        return cliFail(kExitFailed, file + ": no certificate found (expected PEM, DER or PKCS#7)");

    Tokens tokens;
    auto t = selectFrom(tokens, args, 1);
    if (!t) return std::unexpected(t.error());
    // --slot or the URI's id= (the two must agree)
    auto named = slotFromUriAndOption(uriOf(args, 1), args.value("slot"), isOpenPgp(*t->token));
    if (!named) return std::unexpected(named.error());
    auto slot = keySlot(*named, *t->token);
    if (!slot) return std::unexpected(slot.error());
    auto objects = t->token->objects();
    if (!objects) return cliFail(objects.error(), "cannot read the token's keys");
    core::Bytes spki;
    for (const auto& k : *objects)
        if (k.key.ref == *slot) spki = k.publicKey ? k.publicKey->spki : k.key.publicKeyInfo;
    if (spki.empty())
        return cliFail(kExitFailed, "slot " + slotName(*slot) + " holds no key with a known public key (run enroll first)");
    const core::Bytes* match = nullptr;
    std::string subject;
    for (const auto& der : *certs) {
        auto info = crypto::parseCertificate(der);
        if (info && crypto::certificateMatchesKey(*info, spki)) {
            match = &der;
            subject = info->subject;
            break;
        }
    }
    if (!match)
        return cliFail(kExitFailed, file + ": the certificate does not match the key in slot " + slotName(*slot) +
                                        " (its public key differs); nothing written");
    if (auto s = adminLogin(*t->token, args); !s) return s;
    auto written = [&] {
        Progress progress("writing the certificate to the token");
        return t->token->writeCertificate(*slot, *match);
    }();
    (void)t->token->logout();
    if (!written) return cliFail(written.error(), "writing the certificate failed");
    std::fprintf(stderr, "mesign-token: certificate \"%s\" written to slot %s\n", subject.c_str(),
                 slotName(*slot).c_str());
    return {};
}

const std::vector<OptionSpec> kEnrollOptions = {
    {"slot", true},        {"key-type", true},  {"subject", true},       {"email", true},
    {"out", true},         {"pin-fd", true},    {"pin-value", true},     {"mgmt-key-fd", true},
    {"mgmt-key-value", true}, {"module", true}, {"pubkey-out", true}, {"admin-pin-fd", true},
    {"admin-pin-value", true}};

const std::vector<OptionSpec> kImportOptions = {{"slot", true},         {"mgmt-key-fd", true},
                                                {"mgmt-key-value", true}, {"admin-pin-fd", true},
                                                {"admin-pin-value", true}};

}  // namespace

int runEnroll(const Args& args) { return runSubcommand(args, kEnrollOptions, kEnrollHelp, enroll); }
int runImportCert(const Args& args) { return runSubcommand(args, kImportOptions, kImportHelp, importCert); }

}  // namespace cli
