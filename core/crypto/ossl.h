// unique_ptr owners for the OpenSSL objects core/crypto uses, and the one place OpenSSL's error queue is
// turned into a core::Error. Public so that other layers and tests share one set instead of their own.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace crypto::ossl {

template <auto FreeFn>
struct Deleter {
    template <typename T>
    void operator()(T* p) const {
        FreeFn(p);
    }
};

using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using Md = std::unique_ptr<EVP_MD, Deleter<EVP_MD_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
// Cleared on free: callers may put anything in them, so never leave a value in freed memory.
using Bn = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509Pubkey = std::unique_ptr<X509_PUBKEY, Deleter<X509_PUBKEY_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Asn1Integer = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1Time = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using Pkcs7 = std::unique_ptr<PKCS7, Deleter<PKCS7_free>>;

// OPENSSL_free is a macro, so it cannot be a template argument.
struct OpenSslFree {
    void operator()(void* p) const { OPENSSL_free(p); }
};
using CString = std::unique_ptr<char, OpenSslFree>;
using Buffer = std::unique_ptr<unsigned char, OpenSslFree>;

// Error `code` with "what: <OpenSSL's reason>"; empties the thread's OpenSSL error queue so that a stale
// entry never shows up in an unrelated later message.
core::Error error(core::Errc code, const std::string& what);

// DER of an OpenSSL object through its i2d_* function (two calls: length, then bytes).
template <typename T>
core::Result<core::Bytes> toDer(int (*i2d)(const T*, unsigned char**), const T* obj, const char* what) {
    const int len = i2d(obj, nullptr);
    if (len <= 0) return core::fail(error(core::Errc::Crypto, std::string("cannot encode ") + what));
    core::Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    if (i2d(obj, &p) != len)
        return core::fail(error(core::Errc::Crypto, std::string("cannot encode ") + what));
    return out;
}

}  // namespace crypto::ossl
