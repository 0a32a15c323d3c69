#include "core/crypto/certificate.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "core/crypto/ossl.h"

namespace crypto {

namespace {

using core::Errc;

core::Result<ossl::X509Ptr> decodeCertificate(ByteView der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX))
        return core::fail(Errc::Malformed, "empty or oversized certificate");
    const unsigned char* p = der.data();
    ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) return core::fail(ossl::error(Errc::Malformed, "not a DER X.509 certificate"));
    if (p != der.data() + der.size())
        return core::fail(Errc::Malformed, "trailing bytes after the certificate");
    return cert;
}

std::string utf8(const ASN1_STRING* s) {
    unsigned char* raw = nullptr;
    const int len = ASN1_STRING_to_UTF8(&raw, s);
    if (len < 0) {
        (void)ossl::error(Errc::Malformed, "");
        return {};
    }
    ossl::Buffer owned(raw);
    return std::string(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(len));
}

// RFC 2253 order and escaping, but UTF-8 kept as is (ESC_MSB would turn "é" into "\C3\A9" in the UI).
std::string nameText(const X509_NAME* name) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        (void)ossl::error(Errc::Crypto, "");
        return {};
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

// The most specific (last) CN, as browsers and OpenSSL's host checks pick it.
std::string lastEntry(const X509_NAME* name, int nid) {
    int found = -1;
    for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, nid, i))
        found = i;
    if (found < 0) return {};
    return utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, found)));
}

void addEmail(std::vector<std::string>& emails, std::string email) {
    if (!email.empty() && std::find(emails.begin(), emails.end(), email) == emails.end())
        emails.push_back(std::move(email));
}

std::vector<std::string> emailsOf(const X509* cert) {
    std::vector<std::string> emails;
    int critical = 0;
    ossl::GeneralNames sans(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), i);
        if (gn->type == GEN_EMAIL) addEmail(emails, utf8(gn->d.rfc822Name));
    }
    const X509_NAME* subject = X509_get_subject_name(cert);
    for (int i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i))
        addEmail(emails, utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))));
    ERR_clear_error();  // an absent or undecodable SAN only means "no SAN emails"
    return emails;
}

core::Result<std::time_t> toTimeT(const ASN1_TIME* t, const char* which) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return core::fail(ossl::error(Errc::Malformed, std::string("bad certificate ") + which));
#ifdef _WIN32
    return _mkgmtime(&tm);
#else
    return timegm(&tm);
#endif
}

core::Status appendDerCertificate(ByteView der, std::vector<Bytes>& out) {
    auto cert = decodeCertificate(der);
    if (!cert) return core::fail(cert.error());
    out.emplace_back(der.begin(), der.end());
    return {};
}

// Certificates of a (degenerate) PKCS#7 SignedData, each re-encoded to DER.
core::Status appendPkcs7Certificates(ByteView der, std::vector<Bytes>& out) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX))
        return core::fail(Errc::Malformed, "empty or oversized PKCS#7");
    const unsigned char* p = der.data();
    ossl::Pkcs7 p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    if (!p7) return core::fail(ossl::error(Errc::Malformed, "not a DER PKCS#7"));
    if (p != der.data() + der.size()) return core::fail(Errc::Malformed, "trailing bytes after the PKCS#7");
    if (!PKCS7_type_is_signed(p7.get()) || !p7->d.sign)
        return core::fail(Errc::Malformed, "PKCS#7 is not SignedData");
    const STACK_OF(X509)* certs = p7->d.sign->cert;
    const int n = certs ? sk_X509_num(certs) : 0;
    if (n == 0) return core::fail(Errc::Malformed, "PKCS#7 holds no certificate");
    for (int i = 0; i < n; ++i) {
        auto cert = ossl::toDer(i2d_X509, static_cast<const X509*>(sk_X509_value(certs, i)), "certificate");
        if (!cert) return core::fail(cert.error());
        out.push_back(std::move(*cert));
    }
    return {};
}

bool looksLikePem(ByteView data) {
    constexpr std::string_view kBegin = "-----BEGIN ";
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.find(kBegin) != std::string_view::npos;
}

core::Result<std::vector<Bytes>> loadPem(ByteView data) {
    if (data.size() > static_cast<std::size_t>(INT_MAX))
        return core::fail(Errc::Malformed, "PEM data too large");
    ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) return core::fail(ossl::error(Errc::Crypto, "BIO_new_mem_buf"));
    std::vector<Bytes> certs;
    for (;;) {
        char* rawName = nullptr;
        char* rawHeader = nullptr;
        unsigned char* rawBody = nullptr;
        long len = 0;
        if (PEM_read_bio(bio.get(), &rawName, &rawHeader, &rawBody, &len) != 1) {
            const unsigned long e = ERR_peek_last_error();
            // "no start line" is the normal end of input; anything else is a damaged block.
            if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
                ERR_clear_error();
                break;
            }
            return core::fail(ossl::error(Errc::Malformed, "corrupt PEM block"));
        }
        ossl::CString name(rawName), header(rawHeader);
        ossl::Buffer body(rawBody);
        const ByteView der(rawBody, static_cast<std::size_t>(len));
        core::Status added;
        if (std::strcmp(rawName, PEM_STRING_X509) == 0 || std::strcmp(rawName, PEM_STRING_X509_OLD) == 0)
            added = appendDerCertificate(der, certs);
        else if (std::strcmp(rawName, PEM_STRING_PKCS7) == 0 ||
                 std::strcmp(rawName, PEM_STRING_PKCS7_SIGNED) == 0)
            added = appendPkcs7Certificates(der, certs);
        // Other blocks (keys, CRLs, requests) may share a file with certificates: skipped.
        if (!added) return core::fail(added.error());
    }
    if (certs.empty()) return core::fail(Errc::Malformed, "no certificate in the PEM data");
    return certs;
}

}  // namespace

core::Result<CertificateInfo> parseCertificate(ByteView der) {
    auto decoded = decodeCertificate(der);
    if (!decoded) return core::fail(decoded.error());
    const X509* cert = decoded->get();
    CertificateInfo info;
    info.der.assign(der.begin(), der.end());
    auto subject =
        ossl::toDer(i2d_X509_NAME, static_cast<const X509_NAME*>(X509_get_subject_name(cert)), "subject");
    auto issuer =
        ossl::toDer(i2d_X509_NAME, static_cast<const X509_NAME*>(X509_get_issuer_name(cert)), "issuer");
    auto serial = ossl::toDer(i2d_ASN1_INTEGER, X509_get0_serialNumber(cert), "serial number");
    // The X509_PUBKEY as stored, so that even a key type OpenSSL cannot load keeps its SPKI.
    auto spki =
        ossl::toDer(i2d_X509_PUBKEY, static_cast<const X509_PUBKEY*>(X509_get_X509_PUBKEY(cert)), "SPKI");
    auto notBefore = toTimeT(X509_get0_notBefore(cert), "notBefore");
    auto notAfter = toTimeT(X509_get0_notAfter(cert), "notAfter");
    if (!subject) return core::fail(subject.error());
    if (!issuer) return core::fail(issuer.error());
    if (!serial) return core::fail(serial.error());
    if (!spki) return core::fail(spki.error());
    if (!notBefore) return core::fail(notBefore.error());
    if (!notAfter) return core::fail(notAfter.error());
    info.subjectDer = std::move(*subject);
    info.issuerDer = std::move(*issuer);
    info.serialDer = std::move(*serial);
    info.spki = std::move(*spki);
    info.notBefore = *notBefore;
    info.notAfter = *notAfter;
    info.subject = nameText(X509_get_subject_name(cert));
    info.issuer = nameText(X509_get_issuer_name(cert));
    info.commonName = lastEntry(X509_get_subject_name(cert), NID_commonName);
    info.emails = emailsOf(cert);
    // X509_get_extension_flags caches the extensions; it takes a non-const X509 for that.
    X509* mutableCert = decoded->get();
    const uint32_t flags = X509_get_extension_flags(mutableCert);
    if (flags & EXFLAG_KUSAGE) info.keyUsage = X509_get_key_usage(mutableCert);
    info.isCa = (flags & EXFLAG_CA) != 0;
    ERR_clear_error();
    return info;
}

core::Result<std::vector<Bytes>> loadCertificates(ByteView data) {
    if (data.empty()) return core::fail(Errc::Malformed, "no certificate data");
    if (looksLikePem(data)) return loadPem(data);
    std::vector<Bytes> certs;
    if (appendDerCertificate(data, certs)) return certs;
    if (auto p7 = appendPkcs7Certificates(data, certs); p7) return certs;
    ERR_clear_error();
    return core::fail(Errc::Malformed, "neither a PEM/DER certificate nor a PKCS#7 certificate bundle");
}

bool certificateMatchesKey(const CertificateInfo& cert, ByteView spki) {
    return !cert.spki.empty() && std::equal(cert.spki.begin(), cert.spki.end(), spki.begin(), spki.end());
}

}  // namespace crypto
