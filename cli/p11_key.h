// A token's private key as an OpenSSL EVP_PKEY, through libp11 loading our PKCS#11 module: OpenSSL then
// signs CSRs and CMS with it, and every private-key operation runs on the card.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/options.h"
#include "core/base/bytes.h"

namespace cli {

// --module PATH, else $MESIGN_PKCS11_MODULE, else the installed module relative to this program (bin/ ->
// lib/pkcs11/), else the build tree's, else the install path compiled in.
std::string pkcs11ModulePath(const ParsedArgs& args);
// That lookup for any companion file: relative to this program's directory, the build tree's, the install path.
std::string installedOrBuilt(const char* fromBinDir, const char* buildTree, const char* installed);

class P11Key {
public:
    // Logs in to the token with `serial` and finds the private key with CKA_ID `ckaId`.
    static CliResult<std::unique_ptr<P11Key>> open(const std::string& modulePath, const std::string& serial,
                                                   uint8_t ckaId, const core::SecureBytes& pin);
    ~P11Key();
    P11Key(const P11Key&) = delete;
    P11Key& operator=(const P11Key&) = delete;

    EVP_PKEY* pkey() const { return m_pkey; }

    struct Handles;  // libp11 context and slots (also used by moduleTokenSerials)

private:
    P11Key() = default;
    std::unique_ptr<Handles> m_handles;
    EVP_PKEY* m_pkey = nullptr;
};

// The serial numbers of the tokens the module shows (doctor: does libp11 see what core/token sees?).
CliResult<std::vector<std::string>> moduleTokenSerials(const std::string& modulePath);

// The last OpenSSL error as text (for messages), clearing the queue.
std::string opensslError();

}  // namespace cli
