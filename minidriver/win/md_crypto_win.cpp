// md_crypto.h for the Windows DLL. Placeholder until the BCrypt implementation (BCryptHash for MGF1/PSS/
// OAEP, BCryptGenRandom for the PSS salt) lands: the operations report NotSupported, so CardSignData with
// PSS and CardRSADecrypt with PKCS#1/OAEP unpadding would fail cleanly (no card driver exists yet either).
#include "minidriver/md_crypto.h"

namespace md {

core::Result<core::Bytes> pssEncode(core::ByteView, Hash, std::size_t, std::size_t) {
    return core::fail(core::Errc::NotSupported, "PSS not yet available in the Windows build");
}
core::Result<core::Bytes> pkcs1DecryptUnpad(core::ByteView) {
    return core::fail(core::Errc::NotSupported, "PKCS#1 unpadding not yet available in the Windows build");
}
core::Result<core::Bytes> oaepDecode(core::ByteView, Hash, core::ByteView) {
    return core::fail(core::Errc::NotSupported, "OAEP not yet available in the Windows build");
}

}  // namespace md
