// A token's private key as an OpenSSL EVP_PKEY through libp11 loading our PKCS#11 module, so that OpenSSL
// signs a CSR with it while the private-key operation runs on the card. Holds the libp11 context (and the
// PKCS#11 login) for its lifetime only: open it for one operation and drop it.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace client {

// $MESIGN_PKCS11_MODULE, else `fallback` (the build tree's or the installed module).
std::string pkcs11ModulePath(const std::string& fallback);

class P11Signer {
  public:
    // Logs in (user PIN) to the token whose serial is `serial` and finds the private key with CKA_ID `ckaId`.
    static core::Result<std::unique_ptr<P11Signer>> open(const std::string& modulePath,
                                                         const std::string& serial, uint8_t ckaId,
                                                         core::ByteView pin);
    ~P11Signer();
    P11Signer(const P11Signer&) = delete;
    P11Signer& operator=(const P11Signer&) = delete;

    EVP_PKEY* pkey() const { return m_pkey; }

  private:
    struct Handles;
    P11Signer();
    std::unique_ptr<Handles> m_handles;
    EVP_PKEY* m_pkey = nullptr;
};

// The last OpenSSL error as text, clearing the queue.
std::string opensslErrorText();

}  // namespace client
