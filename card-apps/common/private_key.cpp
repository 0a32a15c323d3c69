// Size checks of a private key's components before any of them goes into an import APDU.
#include "card-apps/common/private_key.h"

#include <algorithm>

namespace cardapp {

using core::Errc;
using core::fail;

ByteView stripLeadingZeros(ByteView v) {
    while (!v.empty() && v.front() == 0) v = v.subspan(1);
    return v;
}

namespace {

bool allZero(ByteView v) {
    return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

std::size_t ecFieldSize(KeyAlgorithm a) {
    return a == KeyAlgorithm::EcP256 ? 32 : a == KeyAlgorithm::EcP384 ? 48 : 32;
}

}  // namespace

core::Status checkComponents(const PrivateKeyComponents& k) {
    if (isRsa(k.algorithm)) {
        const std::size_t nBytes = rsaModulusBytes(k.algorithm), half = nBytes / 2;
        const ByteView n = stripLeadingZeros(k.modulus);
        if (n.size() != nBytes || !(n.front() & 0x80))
            return fail(Errc::InvalidArgument,
                        std::string("modulus is not ") + keyAlgorithmName(k.algorithm));
        const ByteView e = stripLeadingZeros(k.publicExponent);
        if (e.empty() || e.size() > 4 || !(e.back() & 1))
            return fail(Errc::InvalidArgument, "bad public exponent");
        const core::SecureBytes* parts[] = {&k.p, &k.q, &k.dp, &k.dq, &k.qinv};
        for (const core::SecureBytes* part : parts) {
            const ByteView v = stripLeadingZeros(core::view(*part));
            if (v.empty() || v.size() > half)
                return fail(Errc::InvalidArgument,
                            "an RSA CRT component is empty or larger than half the modulus");
        }
        return {};
    }
    const ByteView s = core::view(k.scalar);
    if (isEc(k.algorithm)) {
        if (stripLeadingZeros(s).size() > ecFieldSize(k.algorithm) || allZero(s))
            return fail(Errc::InvalidArgument, "EC private value does not fit the curve");
        if (!k.publicPoint.empty() &&
            (k.publicPoint.size() != 1 + 2 * ecFieldSize(k.algorithm) || k.publicPoint[0] != 0x04))
            return fail(Errc::InvalidArgument, "EC public point is not an uncompressed point of the curve");
        return {};
    }
    if (s.size() != 32 || allZero(s)) return fail(Errc::InvalidArgument, "a 25519 private key has 32 bytes");
    if (!k.publicPoint.empty() && k.publicPoint.size() != 32)
        return fail(Errc::InvalidArgument, "a 25519 public key has 32 bytes");
    return {};
}

}  // namespace cardapp
