// openOtherCard() of the DLL: no application besides PIV yet. card-apps/openpgp needs OpenSSL (public keys
// from 7F49, ECDSA signature conversion); without a BCrypt seam for those the DLL cannot carry it, so an
// OpenPGP-only card is an unknown card here (README, "Windows build").
#include "minidriver/md_context.h"

namespace md {

core::Result<std::unique_ptr<Card>> openOtherCard(SCARDHANDLE) {
    return core::fail(core::Errc::NotFound, "no PIV application (OpenPGP: native build only)");
}

}  // namespace md
