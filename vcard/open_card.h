// Ways to obtain a virtual card besides openCard() (declared in virtual_card.h).
#pragma once

#include "vcard/virtual_card.h"

namespace vcard {

// A new card that lives only in memory (unit tests, fuzzers): default credentials, nothing persisted.
// `initApps` as for openCard ("piv", "openpgp", "piv,openpgp"); anything else is InvalidArgument.
core::Result<std::unique_ptr<VirtualCard>> createMemoryCard(const std::string& initApps = "piv");

}  // namespace vcard
