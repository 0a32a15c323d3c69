#include "core/crypto/ossl.h"

#include <openssl/err.h>

namespace crypto::ossl {

core::Error error(core::Errc code, const std::string& what) {
    std::string message = what;
    // The earliest entry is the root cause; later ones only add context.
    if (const unsigned long e = ERR_get_error(); e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        message += ": ";
        message += buf;
    }
    ERR_clear_error();
    return core::Error(code, std::move(message));
}

}  // namespace crypto::ossl
