#include "cli/timestamp.h"

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "cli/progress.h"

namespace cli {

namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using TsReqPtr = std::unique_ptr<TS_REQ, Deleter<TS_REQ, TS_REQ_free>>;
using TsRespPtr = std::unique_ptr<TS_RESP, Deleter<TS_RESP, TS_RESP_free>>;
using VerifyCtxPtr = std::unique_ptr<TS_VERIFY_CTX, Deleter<TS_VERIFY_CTX, TS_VERIFY_CTX_free>>;
using ImprintPtr = std::unique_ptr<TS_MSG_IMPRINT, Deleter<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>>;
using AlgorPtr = std::unique_ptr<X509_ALGOR, Deleter<X509_ALGOR, X509_ALGOR_free>>;
using IntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using BioChainPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

struct UrlParts {
    char* host = nullptr;
    char* port = nullptr;
    char* path = nullptr;
    int ssl = 0;
    ~UrlParts() {
        OPENSSL_free(host);
        OPENSSL_free(port);
        OPENSSL_free(path);
    }
};

// A request for a SHA-256 imprint of `data`, with a random 64-bit nonce and the TSA's certificate asked for
// (so the token verifies on its own).
CliResult<TsReqPtr> makeRequest(const unsigned char* data, size_t len) {
    unsigned char digest[32];
    unsigned int digestLen = 0;
    if (EVP_Digest(data, len, digest, &digestLen, EVP_sha256(), nullptr) != 1)
        return cliFail(kExitFailed, "cannot hash the signature: " + opensslError());
    TsReqPtr req(TS_REQ_new());
    ImprintPtr imprint(TS_MSG_IMPRINT_new());
    AlgorPtr alg(X509_ALGOR_new());
    BnPtr nonceBn(BN_new());
    if (!req || !imprint || !alg || !nonceBn || BN_rand(nonceBn.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
        return cliFail(kExitFailed, "cannot build the timestamp request: " + opensslError());
    IntPtr nonce(BN_to_ASN1_INTEGER(nonceBn.get(), nullptr));
    X509_ALGOR_set0(alg.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
    if (!nonce || TS_REQ_set_version(req.get(), 1) != 1 || TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(), digest, static_cast<int>(digestLen)) != 1 ||
        TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 || TS_REQ_set_nonce(req.get(), nonce.get()) != 1 ||
        TS_REQ_set_cert_req(req.get(), 1) != 1)
        return cliFail(kExitFailed, "cannot build the timestamp request: " + opensslError());
    return req;
}

// TLS over the open connection to an https:// TSA (as `openssl ts`/`cmp` do with their HTTP client): the
// server's certificate must chain to the system trust store, or to --tsa-tls-ca FILE, and name the URL's
// host name or IP address. The reply itself is still checked as for http (it is signed by the TSA).
CliResult<BioChainPtr> startTls(BioChainPtr conn, const std::string& host, const TsaOptions& tsa) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1)
        return cliFail(kExitFailed, "cannot set up TLS: " + opensslError());
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (tsa.tlsCaFile) {
        if (SSL_CTX_load_verify_locations(ctx.get(), tsa.tlsCaFile->c_str(), nullptr) != 1)
            return cliFail(kExitFailed, "cannot load TLS CA certificates from " + *tsa.tlsCaFile + ": " + opensslError());
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
        return cliFail(kExitFailed, "cannot load the system's trusted certificates: " + opensslError());
    }
    BioChainPtr tls(BIO_new_ssl(ctx.get(), 1));  // its SSL holds its own reference to ctx
    SSL* ssl = nullptr;
    if (!tls || BIO_get_ssl(tls.get(), &ssl) != 1 || !ssl)
        return cliFail(kExitFailed, "cannot set up TLS: " + opensslError());
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str())) {
        ASN1_OCTET_STRING_free(ip);
        X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
        ERR_clear_error();
        SSL_set_tlsext_host_name(ssl, host.c_str());
        X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    }
    BIO_push(tls.get(), conn.release());
    if (BIO_do_handshake(tls.get()) <= 0) {
        const long verdict = SSL_get_verify_result(ssl);
        if (verdict != X509_V_OK) {
            ERR_clear_error();
            return cliFail(kExitFailed, "no timestamp from " + tsa.url + ": its TLS certificate is not trusted (" +
                                            X509_verify_cert_error_string(verdict) + "; --tsa-tls-ca FILE names a CA)");
        }
        return cliFail(kExitFailed, "no timestamp from " + tsa.url + ": TLS handshake failed (" + opensslError() + ")");
    }
    return tls;
}

// POSTs the request (application/timestamp-query) over http or https and parses the reply.
CliResult<TsRespPtr> postRequest(const TS_REQ* req, const TsaOptions& tsa) {
    const std::string& url = tsa.url;
    UrlParts u;
    if (OSSL_HTTP_parse_url(url.c_str(), &u.ssl, nullptr, &u.host, &u.port, nullptr, &u.path, nullptr, nullptr) != 1)
        return cliFail(kExitUsage, "--tsa: not a URL: " + url);
    BioPtr reqBio(BIO_new(BIO_s_mem()));
    if (!reqBio || i2d_TS_REQ_bio(reqBio.get(), const_cast<TS_REQ*>(req)) != 1)
        return cliFail(kExitFailed, "cannot encode the timestamp request: " + opensslError());
    Progress progress("asking the time-stamping authority " + url);
    // Connect once ourselves: OSSL_HTTP_transfer would retry a refused connection until its timeout.
    BioChainPtr conn(BIO_new_connect(u.host));
    if (!conn || BIO_set_conn_port(conn.get(), u.port) != 1 || BIO_do_connect(conn.get()) <= 0)
        return cliFail(kExitFailed, "no timestamp from " + url + ": cannot connect (" + opensslError() + ")");
    if (u.ssl) {
        auto tls = startTls(std::move(conn), u.host, tsa);
        if (!tls) return std::unexpected(tls.error());
        conn = std::move(*tls);
    }
    BioPtr resp(OSSL_HTTP_transfer(nullptr, u.host, u.port, u.path, 0, nullptr, nullptr, conn.get(), nullptr,
                                   nullptr, nullptr, 0, nullptr, "application/timestamp-query", reqBio.get(),
                                   "application/timestamp-reply", 1, 0, 30, 0));
    if (!resp) return cliFail(kExitFailed, "no timestamp from " + url + ": " + opensslError());
    TsRespPtr reply(d2i_TS_RESP_bio(resp.get(), nullptr));
    if (!reply) return cliFail(kExitFailed, "the TSA at " + url + " sent no RFC 3161 reply: " + opensslError());
    return reply;
}

// The reply answers our request (version, imprint, nonce), was granted, and, with --tsa-ca, is signed by a
// TSA certificate that chains to it (with the timeStamping extended key usage, which OpenSSL checks).
CliStatus checkReply(TS_REQ* req, TS_RESP* reply, const TsaOptions& tsa) {
    VerifyCtxPtr ctx(TS_REQ_to_TS_VERIFY_CTX(req, nullptr));
    if (!ctx) return cliFail(kExitFailed, "cannot check the timestamp: " + opensslError());
    int flags = TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE;
    if (tsa.caFile) {
        X509_STORE* store = X509_STORE_new();
        if (!store || X509_STORE_load_file(store, tsa.caFile->c_str()) != 1) {
            X509_STORE_free(store);
            return cliFail(kExitFailed, "cannot load TSA CA certificates from " + *tsa.caFile + ": " + opensslError());
        }
        TS_VERIFY_CTX_set_store(ctx.get(), store);  // the context owns it now
        flags |= TS_VFY_SIGNATURE;
    }
    TS_VERIFY_CTX_set_flags(ctx.get(), flags);
    if (TS_RESP_verify_response(ctx.get(), reply) != 1)
        return cliFail(kExitFailed, "the TSA's reply does not check out: " + opensslError());
    return {};
}

}  // namespace

CliStatus addSignatureTimestamp(CMS_SignerInfo* si, const TsaOptions& tsa) {
    const ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
    auto req = makeRequest(ASN1_STRING_get0_data(sig), static_cast<size_t>(ASN1_STRING_length(sig)));
    if (!req) return std::unexpected(req.error());
    auto reply = postRequest(req->get(), tsa);
    if (!reply) return std::unexpected(reply.error());
    if (auto s = checkReply(req->get(), reply->get(), tsa); !s) return s;
    PKCS7* token = TS_RESP_get_token(reply->get());
    unsigned char* der = nullptr;
    int derLen = i2d_PKCS7(token, &der);
    if (derLen <= 0) return cliFail(kExitFailed, "cannot encode the timestamp token: " + opensslError());
    int ok = CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, der, derLen);
    OPENSSL_free(der);
    if (ok != 1) return cliFail(kExitFailed, "cannot add the timestamp to the signature: " + opensslError());
    return {};
}

}  // namespace cli
