// A token's private key as an OpenSSL EVP_PKEY through libp11 loading our PKCS#11 module, so that OpenSSL
// signs a CSR with it while the private-key operation runs on the card. Holds the libp11 context (and the
// PKCS#11 login) for its lifetime only: open it for one operation and drop it.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

    struct Handles;  // the libp11 context and slots (also behind moduleTokenSerials)

  private:
    P11Signer();
    std::unique_ptr<Handles> m_handles;
    EVP_PKEY* m_pkey = nullptr;
};

// The serial numbers of the tokens the module shows through libp11 (the CLI's doctor: does libp11 see what
// core/token sees?). NotFound when the module does not load, NoReader when it lists no slots.
core::Result<std::vector<std::string>> moduleTokenSerials(const std::string& modulePath);

// The last OpenSSL error as text, clearing the queue.
std::string opensslErrorText();

}  // namespace client
