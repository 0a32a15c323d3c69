// OpenPgpApplication: the private use DOs 0101..0104 (the PKCS#11 module's OpenPGP CKO_DATA objects).
// The card enforces the access rules (read: 0101/0102 always, 0103 PW1/82, 0104 PW3; write: 0101/0103
// PW1/82, 0102/0104 PW3); here only one transaction per call. The value is returned as the card sends it:
// a simple DO, never wrapped in its own tag by the cards we know, and arbitrary bytes we must not reinterpret.
#include "card-apps/openpgp/openpgp_application_run.h"

namespace openpgp {

core::Result<std::optional<Bytes>> OpenPgpApplication::readPrivateDo(int n) {
    if (n < 1 || n > 4) return core::fail(core::Errc::InvalidArgument, "private DOs are 0101..0104");
    return run(Retry::IfReset, [&]() -> core::Result<std::optional<Bytes>> {
        auto v = m_card.getDataIfPresent(tag::kPrivateDo1 + uint32_t(n - 1));
        if (!v) return core::fail(v.error());
        if (*v && (*v)->empty()) return std::optional<Bytes>();  // empty: never written or cleared
        return v;
    });
}

core::Status OpenPgpApplication::writePrivateDo(int n, ByteView value) {
    if (n < 1 || n > 4) return core::fail(core::Errc::InvalidArgument, "private DOs are 0101..0104");
    return run(Retry::Never, [&] { return m_card.putData(tag::kPrivateDo1 + uint32_t(n - 1), value); });
}

}  // namespace openpgp
