// openCard() for the Windows DLL. card-apps/piv links OpenSSL, which Debian cannot provide for Windows,
// so the DLL has no card driver yet: CardAcquireContext validates its arguments and then reports the
// card as unsupported. Next step: build card-apps/piv without its OpenSSL parts (management key 3DES via
// BCrypt, SPKI from the portable DER reader) and use it here exactly as md_card_open_piv.cpp does.
#include "minidriver/md_context.h"

namespace md {

core::Result<std::unique_ptr<Card>> openCard(SCARDCONTEXT, SCARDHANDLE) {
    return core::fail(core::Errc::NotSupported, "no card driver in the Windows build yet");
}

}  // namespace md
