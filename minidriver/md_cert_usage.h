// What a key's certificate says it is for, read without OpenSSL (the DLL has none): the key spec of an
// RSA container whose slot allows both (PIV 9A, 9D, 9E, retired) follows the certificate, so that a key
// the CSP created as AT_SIGNATURE and certified for signatures only is AT_SIGNATURE again in a later
// context, when the spec it asked for is no longer known (neither card has room for the CSP's cmapfile).
#pragma once

#include <optional>

#include "core/base/bytes.h"

namespace md {

// True when the certificate has a keyUsage extension (RFC 5280 4.2.1.3) without keyEncipherment and
// dataEncipherment: the key may only sign. False when keyUsage allows encryption; nullopt when there is no
// keyUsage extension or the DER does not parse (the caller keeps its default).
std::optional<bool> certificateSignsOnly(core::ByteView certDer);

}  // namespace md
