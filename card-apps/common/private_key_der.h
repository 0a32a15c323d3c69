// DER / OpenSSL private keys → PrivateKeyComponents, for hosts that hold a key file (the CLI's
// import-p12, tests). Its own library, mesign_key_der: the PKCS#11 module must not link it (it parses
// private keys with OpenSSL; tests/secrets checks the module's imports).
#pragma once

#include "card-apps/common/private_key.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace cardapp {

// RSA 1024..4096 with its CRT values, P-256, P-384, Ed25519, X25519; the public half is filled too.
// NotSupported for other keys and sizes, InvalidArgument when `der` is not a private key.
core::Result<PrivateKeyComponents> componentsFromPrivateKey(const EVP_PKEY* key);
// DER PKCS#8 or traditional RSA / EC.
core::Result<PrivateKeyComponents> componentsFromDer(ByteView der);

}  // namespace cardapp
