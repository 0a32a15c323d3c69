// card-apps/openpgp's host crypto seams (openpgp_crypto.h and spkiFromCardKey) for the Windows DLL, which
// has no OpenSSL: the RNG and SHA-1 from CNG (bcrypt.dll), the SubjectPublicKeyInfo and the certificate
// check from the PIV driver's DER code of this DLL (md_piv_public_key_win.cpp): OpenPGP's 7F49 uses PIV's
// tags (81 n, 82 e, 86 point) and the SPKI of a key is the same DER whichever card holds it.
#include "card-apps/openpgp/openpgp_crypto.h"
#include "card-apps/openpgp/openpgp_public_key.h"
#include "card-apps/piv/piv_public_key.h"
#include "core/apdu/tlv.h"
#include "minidriver/md_crypto.h"
#include "minidriver/win_compat.h"

namespace openpgp {

using core::Errc;
using core::fail;

core::Status systemRandom(std::span<uint8_t> out) {
    if (out.empty()) return {};
    if (BCryptGenRandom(nullptr, out.data(), ULONG(out.size()), BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
        return fail(Errc::Crypto, "BCryptGenRandom failed");
    return {};
}

core::Result<Bytes> sha1(ByteView data) {
    return md::digest(md::Hash::Sha1, data);  // md_crypto_win.cpp: BCrypt
}

// Structure only (OpenSSL's d2i_X509 also decodes every field): Certificate ::= SEQUENCE { tbsCertificate
// SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING } and nothing after it, with a SPKI where
// X.509 puts it inside tbsCertificate. Padding bytes between the parts, which BER-TLV tolerates, go
// unnoticed here.
core::Status checkCertificate(ByteView der) {
    const auto bad = [] { return fail(Errc::InvalidArgument, "not a DER X.509 certificate"); };
    // Not apdu::unwrap: ISO 7816 BER-TLV skips 00/FF padding, DER has none, so the one object must span it all.
    apdu::TlvReader reader(der);
    auto cert = reader.next();
    if (!cert || cert->tag != 0x30 || cert->raw.size() != der.size()) return bad();
    auto parts = apdu::parseAll(cert->value);
    if (!parts || parts->size() != 3 || (*parts)[0].tag != 0x30 || (*parts)[1].tag != 0x30 ||
        (*parts)[2].tag != 0x03 || (*parts)[2].value.empty() || !piv::spkiFromCertificate(der))
        return bad();
    return {};
}

core::Result<Bytes> spkiFromCardKey(const CardPublicKey& key, const AlgorithmAttributes& attrs) {
    const auto alg = attrs.keyAlgorithm();
    if (!alg) {
        if (!attrs.isRsa()) MESIGN_TRY(curveOf(attrs));  // the same NotSupported reason as on Linux
        return fail(Errc::NotSupported, "the minidriver DLL builds no public key of this size or curve");
    }
    apdu::TlvBuilder content;
    if (attrs.isRsa())
        content.add(0x81, key.modulus).add(0x82, key.exponent);
    else
        content.add(0x86, key.point);
    return piv::spkiFromPublicKeyTemplate(content.take(), *alg);
}

}  // namespace openpgp
