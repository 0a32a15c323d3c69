// PKCS#11 URIs (RFC 7512) naming tokens and key slots the way libmesign-pkcs11.so shows them:
// token = label, serial, manufacturer, model; a key by id (CKA_ID: 9A→%01, 9C→%02, 9D→%03, 9E→%04,
// 82..95→%05..%18) or object (label). Query attributes (pin-value, module-path...) are accepted and ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/cli_error.h"
#include "core/base/bytes.h"

namespace cli {

struct P11Uri {
    std::optional<std::string> token, serial, manufacturer, model, object, type;
    std::optional<core::Bytes> id;
};

// Usage error (exit 2) for anything that is not a pkcs11: URI or names an unknown attribute.
CliResult<P11Uri> parseP11Uri(std::string_view text);
std::string percentEncode(std::string_view value);

// PIV key reference ↔ CKA_ID byte (our module's numbering); nullopt for references without an id.
std::optional<uint8_t> ckaIdForKeyRef(uint8_t keyRef);
// OpenPGP card keys as core/token numbers them (and the module's CKA_ID): --slot sig | dec | aut.
inline constexpr uint8_t kOpenPgpSig = 0x01, kOpenPgpDec = 0x02, kOpenPgpAut = 0x03;
std::optional<uint8_t> keyRefForCkaId(uint8_t id);
// "9a", "9c", "82" ↔ key reference; usage error for anything else.
CliResult<uint8_t> parseSlotName(std::string_view name);

// The key slot a token URI names with `id=` (CKA_ID as our module numbers it: PIV %01..%18, OpenPGP %01 sig,
// %02 dec, %03 aut), combined with --slot: nullopt when neither names one; a usage error (exit 2) when the id
// names no key slot of this application or disagrees with --slot.
CliResult<std::optional<uint8_t>> slotFromUriAndOption(const std::optional<std::string>& uriText,
                                                       const std::optional<std::string>& slotOption, bool openPgp);
std::string slotName(uint8_t keyRef);

}  // namespace cli
