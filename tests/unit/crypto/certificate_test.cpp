#include "core/crypto/certificate.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "test_keys.h"

namespace crypto {
namespace {

using core::Errc;
using core::hexBytes;

constexpr std::time_t kNotBefore = 1700000000;  // 2023-11-14, UTCTime
constexpr std::time_t kNotAfter = 2600000000;   // 2052-05-24, GeneralizedTime

struct CertSpec {
    const char* cn = "Alice";
    const char* subjectEmail = nullptr;
    const char* san = nullptr;  // X509V3 config text, e.g. "email:a@b.c"
    const char* keyUsage = nullptr;
    bool ca = false;
    long serial = 42;
};

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ossl::X509ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    ASSERT_TRUE(ext) << value;
    ASSERT_EQ(X509_add_ext(cert, ext.get(), -1), 1);
}

// Self-signed when issuer is null; the test's private keys stand in for a CA.
ossl::X509Ptr makeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer = nullptr,
                       EVP_PKEY* issuerKey = nullptr) {
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), kNotBefore);
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), kNotAfter);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("DE"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("MeSign Test"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(spec.cn), -1,
                               -1, 0);
    if (spec.subjectEmail)
        X509_NAME_add_entry_by_txt(name, "emailAddress", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(spec.subjectEmail), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert.get(), key);
    X509* signer = issuer ? issuer : cert.get();
    if (spec.ca) addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    if (spec.keyUsage) addExtension(cert.get(), signer, NID_key_usage, spec.keyUsage);
    if (spec.san) addExtension(cert.get(), signer, NID_subject_alt_name, spec.san);
    EXPECT_GT(X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()), 0);
    return cert;
}

Bytes derOf(const X509* cert) {
    return *ossl::toDer(i2d_X509, cert, "certificate");
}

std::string pemOf(X509* cert) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

Bytes bytesOf(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// A degenerate SignedData holding `certs`, as `openssl crl2pkcs7 -nocrl` makes one.
ossl::Pkcs7 makePkcs7(std::initializer_list<X509*> certs) {
    ossl::Pkcs7 p7(PKCS7_new());
    EXPECT_EQ(PKCS7_set_type(p7.get(), NID_pkcs7_signed), 1);
    EXPECT_EQ(PKCS7_content_new(p7.get(), NID_pkcs7_data), 1);
    for (X509* c : certs) EXPECT_EQ(PKCS7_add_certificate(p7.get(), c), 1);
    return p7;
}

TEST(Certificate, ParsesFieldsOfAnEndEntityCertificate) {
    EVP_PKEY* key = test::ecKey("P-256");
    CertSpec spec;
    spec.cn = "Älice Ünicode";
    spec.subjectEmail = "alice@example.org";
    spec.san = "email:alice@example.com,DNS:example.com,email:alice@example.org";
    spec.keyUsage = "critical,digitalSignature,nonRepudiation";
    spec.serial = 0x1234;
    ossl::X509Ptr cert = makeCert(spec, key);
    const Bytes der = derOf(cert.get());

    auto info = parseCertificate(der);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->der, der);
    EXPECT_EQ(
        info->subjectDer,
        *ossl::toDer(i2d_X509_NAME, static_cast<const X509_NAME*>(X509_get_subject_name(cert.get())), "n"));
    EXPECT_EQ(info->issuerDer, info->subjectDer);
    EXPECT_EQ(info->serialDer, hexBytes("02021234"));
    EXPECT_EQ(info->spki, test::spkiOf(key));
    EXPECT_EQ(info->subject, "emailAddress=alice@example.org,CN=Älice Ünicode,O=MeSign Test,C=DE");
    EXPECT_EQ(info->issuer, info->subject);
    EXPECT_EQ(info->commonName, "Älice Ünicode");
    // SAN first, then the subject's emailAddress, without duplicates.
    EXPECT_EQ(info->emails, (std::vector<std::string>{"alice@example.com", "alice@example.org"}));
    EXPECT_EQ(info->notBefore, kNotBefore);
    EXPECT_EQ(info->notAfter, kNotAfter);
    EXPECT_EQ(info->keyUsage, static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
    EXPECT_FALSE(info->isCa);
    EXPECT_TRUE(certificateMatchesKey(*info, test::spkiOf(key)));
    EXPECT_FALSE(certificateMatchesKey(*info, test::spkiOf(test::ecKey("P-384"))));
    EXPECT_FALSE(certificateMatchesKey(*info, {}));
}

TEST(Certificate, CaAndIssuedCertificate) {
    EVP_PKEY* caKey = test::ecKey("P-384");
    CertSpec caSpec;
    caSpec.cn = "Test CA";
    caSpec.ca = true;
    caSpec.keyUsage = "critical,keyCertSign,cRLSign";
    caSpec.serial = 1;
    ossl::X509Ptr ca = makeCert(caSpec, caKey);
    auto caInfo = parseCertificate(derOf(ca.get()));
    ASSERT_TRUE(caInfo);
    EXPECT_TRUE(caInfo->isCa);
    EXPECT_EQ(caInfo->keyUsage, static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));

    CertSpec leafSpec;
    leafSpec.cn = "Bob";
    leafSpec.serial = 0x7FFFFFFF;
    ossl::X509Ptr leaf = makeCert(leafSpec, test::rsaKey(2048), ca.get(), caKey);
    auto info = parseCertificate(derOf(leaf.get()));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->issuerDer, caInfo->subjectDer);
    EXPECT_EQ(info->issuer, "CN=Test CA,O=MeSign Test,C=DE");
    EXPECT_EQ(info->commonName, "Bob");
    EXPECT_EQ(info->serialDer, hexBytes("02047FFFFFFF"));
    EXPECT_EQ(info->keyUsage, 0u);  // extension absent
    EXPECT_TRUE(info->emails.empty());
    EXPECT_FALSE(info->isCa);
    EXPECT_EQ(info->spki, test::spkiOf(test::rsaKey(2048)));
}

TEST(Certificate, MalformedInputIsRejected) {
    const Bytes der = derOf(makeCert({}, test::ecKey("P-256")).get());
    Bytes trailing = der;
    trailing.push_back(0);
    for (const Bytes& bad :
         {Bytes{}, hexBytes("3000"), hexBytes("DEADBEEF"), Bytes(der.begin(), der.end() - 1),
          Bytes(der.begin(), der.begin() + 20), trailing}) {
        auto info = parseCertificate(bad);
        ASSERT_FALSE(info);
        EXPECT_EQ(info.error().code, Errc::Malformed) << info.error().message;
    }
}

class LoadCertificates : public ::testing::Test {
  protected:
    void SetUp() override {
        CertSpec caSpec;
        caSpec.cn = "Chain CA";
        caSpec.ca = true;
        m_ca = makeCert(caSpec, test::ecKey("P-384"));
        CertSpec leafSpec;
        leafSpec.cn = "Chain Leaf";
        leafSpec.san = "email:leaf@example.com";
        m_leaf = makeCert(leafSpec, test::ecKey("P-256"), m_ca.get(), test::ecKey("P-384"));
    }
    ossl::X509Ptr m_ca;
    ossl::X509Ptr m_leaf;
};

TEST_F(LoadCertificates, PemChainWithSurroundingText) {
    const std::string pem = "leaf:\n" + pemOf(m_leaf.get()) + "\nissuer:\n" + pemOf(m_ca.get()) + "end\n";
    auto certs = loadCertificates(bytesOf(pem));
    ASSERT_TRUE(certs) << certs.error().message;
    EXPECT_EQ(*certs, (std::vector<Bytes>{derOf(m_leaf.get()), derOf(m_ca.get())}));
}

TEST_F(LoadCertificates, SkipsNonCertificatePemBlocks) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), test::ecKey("P-256")), 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    const std::string keyPem(data, static_cast<std::size_t>(len));
    auto certs = loadCertificates(bytesOf(keyPem + pemOf(m_leaf.get())));
    ASSERT_TRUE(certs);
    EXPECT_EQ(*certs, std::vector<Bytes>{derOf(m_leaf.get())});
    auto none = loadCertificates(bytesOf(keyPem));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Errc::Malformed);
}

TEST_F(LoadCertificates, SingleDer) {
    auto certs = loadCertificates(derOf(m_leaf.get()));
    ASSERT_TRUE(certs);
    EXPECT_EQ(*certs, std::vector<Bytes>{derOf(m_leaf.get())});
}

TEST_F(LoadCertificates, Pkcs7DerAndPem) {
    ossl::Pkcs7 p7 = makePkcs7({m_leaf.get(), m_ca.get()});
    const Bytes der = *ossl::toDer(i2d_PKCS7, static_cast<const PKCS7*>(p7.get()), "PKCS#7");
    const std::vector<Bytes> expected{derOf(m_leaf.get()), derOf(m_ca.get())};
    auto fromDer = loadCertificates(der);
    ASSERT_TRUE(fromDer) << fromDer.error().message;
    EXPECT_EQ(*fromDer, expected);

    ossl::Bio bio(BIO_new(BIO_s_mem()));
    ASSERT_EQ(PEM_write_bio_PKCS7(bio.get(), p7.get()), 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    const std::string pem(data, static_cast<std::size_t>(len));
    ASSERT_NE(pem.find("BEGIN PKCS7"), std::string::npos);
    auto fromPem = loadCertificates(bytesOf(pem));
    ASSERT_TRUE(fromPem) << fromPem.error().message;
    EXPECT_EQ(*fromPem, expected);
}

TEST_F(LoadCertificates, RejectsGarbageAndDamagedData) {
    const Bytes der = derOf(m_leaf.get());
    std::string pem = pemOf(m_leaf.get());
    std::string corruptPem = pem;
    corruptPem[40] = '*';  // inside the base64 body
    const Bytes emptyP7 = *ossl::toDer(i2d_PKCS7, static_cast<const PKCS7*>(makePkcs7({}).get()), "PKCS#7");
    const std::vector<Bytes> bad{
        {},
        bytesOf(std::string("hello world")),
        Bytes(der.begin(), der.end() - 5),
        bytesOf(corruptPem),
        bytesOf(pem.substr(0, pem.size() / 2)),
        bytesOf(std::string("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")),
        emptyP7,
        Bytes(4096, 0x30),
    };
    for (std::size_t i = 0; i < bad.size(); ++i) {
        SCOPED_TRACE(i);
        auto certs = loadCertificates(bad[i]);
        ASSERT_FALSE(certs);
        EXPECT_EQ(certs.error().code, Errc::Malformed);
        EXPECT_FALSE(certs.error().message.empty());
    }
}

}  // namespace
}  // namespace crypto
