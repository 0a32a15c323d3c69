// Key import (PUT DATA odd 3FFF): the extended header list 4D { CRT, 7F48 template, 5F48 values }.
#pragma once

#include <map>
#include <optional>

#include "core/base/result.h"
#include "vcard/openpgp/openpgp_algo.h"

namespace vcard::openpgp {

struct ImportParts {
    Slot slot = Slot::Sig;
    std::map<uint32_t, ByteView> values;  // template tag (91–99) -> its bytes inside 5F48
};

// nullopt unless `data` is exactly one 4D holding a CRT, a 7F48 of (tag, length) pairs without
// duplicates, and a 5F48 whose length is the sum of the template's lengths.
std::optional<ImportParts> parseImport(ByteView data);

// The key the parts describe for the slot's algorithm attributes: RSA needs 91 (e), 92 (p), 93 (q) and
// checks 94–97 when present; ECC needs 92 (private key) and checks 99 (public key) when present. Anything
// else in the template is IncorrectData.
core::Result<KeyPtr> importFromParts(const AlgoSpec& spec, const ImportParts& parts);

}  // namespace vcard::openpgp
