#include "vcard/piv/piv_attest.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <functional>
#include <string>

#include "vcard/piv/ossl_ptr.h"

namespace vcard::piv {

namespace {

constexpr const char* kIssuerCn = "MeSign Virtual PIV Attestation";
constexpr long kValidDays = 365L * 30;

std::unexpected<core::Error> x509Error(const char* what) {
    ERR_clear_error();
    return core::fail(core::Errc::Crypto, std::string("attestation certificate: ") + what);
}

X509NamePtr nameWithCn(const std::string& cn) {
    X509NamePtr n(X509_NAME_new());
    if (n && X509_NAME_add_entry_by_txt(n.get(), "CN", MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1)
        n.reset();
    return n;
}

bool addRawExtension(X509* cert, const char* oid, ByteView value) {
    Asn1ObjPtr obj(OBJ_txt2obj(oid, 1));
    Asn1OctetPtr data(ASN1_OCTET_STRING_new());
    if (!obj || !data || ASN1_OCTET_STRING_set(data.get(), value.data(), static_cast<int>(value.size())) != 1)
        return false;
    X509ExtPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data.get()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// Common skeleton: version 3, random serial, validity, names, subject key; signed with SHA-256.
core::Result<Bytes> buildAndSign(EVP_PKEY* signer, EVP_PKEY* subjectKey, const std::string& subjectCn,
                                 const std::function<bool(X509*)>& addExtensions) {
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1) return x509Error("allocation");
    uint8_t serialBytes[16];
    if (RAND_bytes(serialBytes, sizeof serialBytes) != 1) return x509Error("serial");
    serialBytes[0] &= 0x7F;  // positive INTEGER
    BnPtr sn(BN_bin2bn(serialBytes, sizeof serialBytes, nullptr));
    if (!sn || !BN_to_ASN1_INTEGER(sn.get(), X509_get_serialNumber(cert.get()))) return x509Error("serial");
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidDays, 0, nullptr))
        return x509Error("validity");
    X509NamePtr issuer = nameWithCn(kIssuerCn);
    X509NamePtr subject = nameWithCn(subjectCn);
    if (!issuer || !subject || X509_set_issuer_name(cert.get(), issuer.get()) != 1 ||
        X509_set_subject_name(cert.get(), subject.get()) != 1 || X509_set_pubkey(cert.get(), subjectKey) != 1)
        return x509Error("names");
    if (!addExtensions(cert.get())) return x509Error("extensions");
    if (X509_sign(cert.get(), signer, EVP_sha256()) <= 0) return x509Error("signature");
    const int len = i2d_X509(cert.get(), nullptr);
    if (len <= 0) return x509Error("encoding");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_X509(cert.get(), &p);
    return der;
}

}  // namespace

core::Result<Bytes> makeAttestationRootCert(EVP_PKEY* attestationKey, uint32_t /*serial*/) {
    return buildAndSign(attestationKey, attestationKey, kIssuerCn, [](X509* cert) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
        X509ExtPtr bc(X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE"));
        return bc && X509_add_ext(cert, bc.get(), -1) == 1;
    });
}

core::Result<Bytes> makeAttestation(EVP_PKEY* attestationKey, uint8_t slot, const KeySlot& key,
                                    uint32_t serial) {
    char cn[48];
    std::snprintf(cn, sizeof cn, "MeSign PIV Attestation %02X", slot);
    return buildAndSign(attestationKey, key.key.get(), cn, [&](X509* cert) {
        // Value encodings as on YubiKeys: firmware and policies raw, serial as a DER INTEGER.
        Asn1IntPtr sn(ASN1_INTEGER_new());
        if (!sn || ASN1_INTEGER_set_uint64(sn.get(), serial) != 1) return false;
        const int snLen = i2d_ASN1_INTEGER(sn.get(), nullptr);
        if (snLen <= 0) return false;
        Bytes snDer(static_cast<std::size_t>(snLen));
        unsigned char* p = snDer.data();
        i2d_ASN1_INTEGER(sn.get(), &p);
        const uint8_t policies[2] = {key.pinPolicy, key.touchPolicy};
        const uint8_t formFactor = 0x00;  // unspecified
        return addRawExtension(cert, "1.3.6.1.4.1.41482.3.3", ByteView(kVersion, 3)) &&
               addRawExtension(cert, "1.3.6.1.4.1.41482.3.7", snDer) &&
               addRawExtension(cert, "1.3.6.1.4.1.41482.3.8", ByteView(policies, 2)) &&
               addRawExtension(cert, "1.3.6.1.4.1.41482.3.9", ByteView(&formFactor, 1));
    });
}

}  // namespace vcard::piv
