#include "core/client/enrollment.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "core/client/p11_signer.h"

namespace client {

using core::Errc;

namespace {

struct ReqFree {
    void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct ExtsFree {
    void operator()(STACK_OF(X509_EXTENSION) * s) const {
        sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
    }
};

// The admin login each application needs for key generation and certificate writes.
core::Status adminLogin(token::Token& tok, core::ByteView secret) {
    const auto kind = tok.kind() == token::AppKind::OpenPgp ? token::SoCredential::AdminPin
                                                            : token::SoCredential::ManagementKey;
    return tok.loginSo(kind, secret);
}

bool addEntry(X509_NAME* name, const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) == 1;
}

}  // namespace

core::SecureBytes defaultManagementKey() {
    return core::secureCopy(core::hexBytes("010203040506070801020304050607080102030405060708"));
}

core::Result<core::SecureBytes> parseManagementKey(const std::string& hex) {
    core::Bytes raw;
    const bool ok = core::fromHex(hex, raw);
    core::SecureBytes key = core::secureCopy(raw);
    core::secureWipe(raw.data(), raw.size());
    if (!ok || (key.size() != 16 && key.size() != 24 && key.size() != 32))
        return core::fail(Errc::InvalidArgument,
                          "the management key must be 32, 48 or 64 hexadecimal digits");
    return key;
}

core::Result<core::Bytes> generateKey(Client& client, token::SlotId slot, uint8_t keyRef,
                                      cardapp::KeyAlgorithm alg, core::ByteView adminSecret) {
    auto tok = client.token(slot);
    if (!tok) return std::unexpected(tok.error());
    MESIGN_TRY(adminLogin(**tok, adminSecret));
    auto generated = (*tok)->generateKey(keyRef, alg);
    (void)(*tok)->logout();
    if (!generated) return std::unexpected(generated.error());
    core::Bytes spki = generated->publicKey ? generated->publicKey->spki : generated->key.publicKeyInfo;
    if (spki.empty()) return core::fail(Errc::Malformed, "the token did not return the new public key");
    return spki;
}

core::Result<std::string> makeCsrPem(Client& client, token::SlotId slot, uint8_t keyRef, core::ByteView spki,
                                     const CsrSubject& subject, core::ByteView pin,
                                     const std::string& modulePath) {
    if (subject.commonName.empty()) return core::fail(Errc::InvalidArgument, "a name (CN) is required");
    auto tok = client.token(slot);
    if (!tok) return std::unexpected(tok.error());
    auto info = (*tok)->info();
    if (!info) return std::unexpected(info.error());
    auto ckaId = ckaIdFor((*tok)->kind(), keyRef);
    if (!ckaId) return core::fail(Errc::InvalidArgument, "that key slot has no PKCS#11 object id");
    // Check the PIN through core/token first: a wrong PIN then reports the tries left precisely.
    MESIGN_TRY((*tok)->loginUser(pin));
    (void)(*tok)->logout();

    const unsigned char* p = spki.data();
    std::unique_ptr<EVP_PKEY, PkeyFree> pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!pub) return core::fail(Errc::Malformed, "unreadable public key");
    std::unique_ptr<X509_REQ, ReqFree> req(X509_REQ_new());
    X509_NAME* name = X509_REQ_get_subject_name(req.get());
    if (!addEntry(name, "CN", subject.commonName) ||
        (!subject.organization.empty() && !addEntry(name, "O", subject.organization)) ||
        (!subject.email.empty() && !addEntry(name, "emailAddress", subject.email)))
        return core::fail(Errc::InvalidArgument, "the name or e-mail cannot go into a certificate request");
    X509_REQ_set_version(req.get(), 0);
    X509_REQ_set_pubkey(req.get(), pub.get());
    if (!subject.email.empty()) {
        const std::string san = "email:" + subject.email;
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
        if (!ext) return core::fail(Errc::InvalidArgument, "bad e-mail address '" + subject.email + "'");
        std::unique_ptr<STACK_OF(X509_EXTENSION), ExtsFree> exts(sk_X509_EXTENSION_new_null());
        sk_X509_EXTENSION_push(exts.get(), ext);
        X509_REQ_add_extensions(req.get(), exts.get());
    }
    {
        auto signer = P11Signer::open(modulePath, info->serial, *ckaId, pin);
        if (!signer) return std::unexpected(signer.error());
        if (X509_REQ_sign(req.get(), (*signer)->pkey(), EVP_sha256()) <= 0)
            return core::fail(Errc::Crypto,
                              "signing the request with the token key failed: " + opensslErrorText());
    }
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1)
        return core::fail(Errc::Crypto, "cannot encode the request: " + opensslErrorText());
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

core::Result<crypto::CertificateInfo> importCertificate(Client& client, token::SlotId slot, uint8_t keyRef,
                                                        core::ByteView fileData, core::ByteView adminSecret) {
    auto certs = crypto::loadCertificates(fileData);
    if (!certs || certs->empty())
        return core::fail(Errc::Malformed, "no certificate found (expected PEM, DER or PKCS#7)");
    auto tok = client.token(slot);
    if (!tok) return std::unexpected(tok.error());
    auto objects = (*tok)->objects();
    if (!objects) return std::unexpected(objects.error());
    core::Bytes spki;
    for (const auto& k : *objects)
        if (k.key.ref == keyRef) spki = k.publicKey ? k.publicKey->spki : k.key.publicKeyInfo;
    if (spki.empty()) return core::fail(Errc::NotFound, "the slot holds no key with a known public key");
    for (const auto& der : *certs) {
        auto info = crypto::parseCertificate(der);
        if (!info || !crypto::certificateMatchesKey(*info, spki)) continue;
        MESIGN_TRY(adminLogin(**tok, adminSecret));
        auto written = (*tok)->writeCertificate(keyRef, der);
        (void)(*tok)->logout();
        if (!written) return std::unexpected(written.error());
        return *info;
    }
    return core::fail(
        Errc::InvalidArgument,
        "no certificate in the file matches the key in the slot (its public key differs); nothing written");
}

}  // namespace client
