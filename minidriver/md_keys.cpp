// CardGetContainerInfo: public keys as CAPI PUBLICKEYBLOB (RSA, modulus little-endian) or
// BCRYPT_ECCKEY_BLOB (EC, X and Y big-endian), parsed from the key's SubjectPublicKeyInfo.
#include <algorithm>

#include "minidriver/md_functions.h"

namespace md {
namespace {

// Minimal DER reader: enough for SubjectPublicKeyInfo (definite lengths, <= 4 length bytes).
struct Der {
    ByteView rest;
    bool next(uint8_t& tag, ByteView& value) {
        if (rest.size() < 2) return false;
        tag = rest[0];
        std::size_t len = rest[1], hdr = 2;
        if (len & 0x80) {
            const std::size_t n = len & 0x7F;
            if (n == 0 || n > 4 || rest.size() < 2 + n) return false;
            len = 0;
            for (std::size_t i = 0; i < n; ++i) len = (len << 8) | rest[2 + i];
            hdr += n;
        }
        if (rest.size() - hdr < len) return false;
        value = rest.subspan(hdr, len);
        rest = rest.subspan(hdr + len);
        return true;
    }
};

Bytes stripLeadingZeros(ByteView v) {
    std::size_t i = 0;
    while (i + 1 < v.size() && v[i] == 0) ++i;
    return Bytes(v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
}

void putLe32(Bytes& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

core::Result<PublicKeyParts> parseSpki(ByteView spki) {
    const auto bad = [] { return core::fail(core::Errc::Malformed, "bad SubjectPublicKeyInfo"); };
    uint8_t tag = 0;
    ByteView seq, algId, bits;
    Der top{spki};
    if (!top.next(tag, seq) || tag != 0x30) return bad();
    Der inner{seq};
    if (!inner.next(tag, algId) || tag != 0x30 || !inner.next(tag, bits) || tag != 0x03 || bits.empty()) return bad();
    ByteView key = bits.subspan(1);  // skip the unused-bits byte
    PublicKeyParts parts;
    if (!key.empty() && key[0] == 0x04) {  // uncompressed EC point
        const std::size_t half = (key.size() - 1) / 2;
        parts.x.assign(key.begin() + 1, key.begin() + 1 + static_cast<std::ptrdiff_t>(half));
        parts.y.assign(key.begin() + 1 + static_cast<std::ptrdiff_t>(half), key.end());
        return parts;
    }
    Der rsa{key};
    ByteView rsaSeq, n, e;
    if (!rsa.next(tag, rsaSeq) || tag != 0x30) return bad();
    Der ints{rsaSeq};
    if (!ints.next(tag, n) || tag != 0x02 || !ints.next(tag, e) || tag != 0x02) return bad();
    parts.modulus = stripLeadingZeros(n);
    parts.exponent = stripLeadingZeros(e);
    return parts;
}

core::Result<Bytes> publicKeyBlob(const Container& c) {
    if (c.key.publicKeyInfo.empty()) return core::fail(core::Errc::NotFound, "public key unknown");
    auto parts = parseSpki(c.key.publicKeyInfo);
    if (!parts) return std::unexpected(parts.error());
    Bytes blob;
    if (c.keySpec == AT_SIGNATURE || c.keySpec == AT_KEYEXCHANGE) {
        if (parts->modulus.empty() || parts->exponent.size() > 4)
            return core::fail(core::Errc::Malformed, "not an RSA key");
        const uint32_t alg = c.keySpec == AT_SIGNATURE ? CALG_RSA_SIGN : CALG_RSA_KEYX;
        blob = {PUBLICKEYBLOB, CUR_BLOB_VERSION, 0, 0};  // BLOBHEADER: bType, bVersion, reserved (WORD)
        putLe32(blob, alg);
        putLe32(blob, 0x31415352);  // RSAPUBKEY.magic "RSA1"
        putLe32(blob, static_cast<uint32_t>(parts->modulus.size() * 8));
        uint32_t exp = 0;
        for (uint8_t b : parts->exponent) exp = (exp << 8) | b;
        putLe32(blob, exp);
        blob.insert(blob.end(), parts->modulus.rbegin(), parts->modulus.rend());
        return blob;
    }
    const bool ecdh = c.keySpec >= AT_ECDHE_P256 && c.keySpec <= AT_ECDHE_P521;
    uint32_t magic = 0;
    switch (c.bits) {
        case 256: magic = ecdh ? BCRYPT_ECDH_PUBLIC_P256_MAGIC : BCRYPT_ECDSA_PUBLIC_P256_MAGIC; break;
        case 384: magic = ecdh ? BCRYPT_ECDH_PUBLIC_P384_MAGIC : BCRYPT_ECDSA_PUBLIC_P384_MAGIC; break;
        case 521: magic = ecdh ? BCRYPT_ECDH_PUBLIC_P521_MAGIC : BCRYPT_ECDSA_PUBLIC_P521_MAGIC; break;
        default: return core::fail(core::Errc::NotSupported, "curve");
    }
    if (parts->x.empty() || parts->x.size() != (c.bits + 7) / 8) return core::fail(core::Errc::Malformed, "EC point");
    putLe32(blob, magic);
    putLe32(blob, static_cast<uint32_t>(parts->x.size()));
    core::append(blob, parts->x);
    core::append(blob, parts->y);
    return blob;
}

core::Result<Bytes> ecdsaDerToRaw(ByteView der, std::size_t field) {
    const auto bad = [] { return core::fail(core::Errc::Malformed, "bad ECDSA signature"); };
    uint8_t tag = 0;
    ByteView seq, r, s;
    Der top{der};
    if (!top.next(tag, seq) || tag != 0x30) return bad();
    Der ints{seq};
    if (!ints.next(tag, r) || tag != 0x02 || !ints.next(tag, s) || tag != 0x02) return bad();
    Bytes out(2 * field, 0);
    for (auto [v, off] : {std::pair{r, std::size_t(0)}, std::pair{s, field}}) {
        Bytes t = stripLeadingZeros(v);
        if (t.size() > field) return bad();
        std::copy(t.begin(), t.end(), out.begin() + static_cast<std::ptrdiff_t>(off + field - t.size()));
    }
    return out;
}

DWORD WINAPI cardGetContainerInfo(PCARD_DATA pCardData, BYTE bContainerIndex, DWORD dwFlags, PCONTAINER_INFO pInfo) {
    return guarded(pCardData, [&](Context& ctx) -> DWORD {
        if (!pInfo || dwFlags != 0) return code(SCARD_E_INVALID_PARAMETER);
        if (pInfo->dwVersion > CONTAINER_INFO_CURRENT_VERSION) return code(ERROR_REVISION_MISMATCH);
        if (bContainerIndex >= ctx.maxContainers()) return code(SCARD_E_NO_KEY_CONTAINER);
        auto list = ctx.loadContainers();
        if (!list) return toScard(ctx, list.error());
        const Container* c = ctx.findContainer(bContainerIndex);
        if (!c) return code(SCARD_E_NO_KEY_CONTAINER);
        auto blob = publicKeyBlob(*c);
        if (!blob) return code(SCARD_E_UNEXPECTED);
        PBYTE p = allocCopy(ctx, *blob);
        if (!p) return code(SCARD_E_NO_MEMORY);
        pInfo->dwVersion = CONTAINER_INFO_CURRENT_VERSION;
        pInfo->dwReserved = 0;
        const bool sig = c->keySpec == AT_SIGNATURE || (c->keySpec >= AT_ECDSA_P256 && c->keySpec <= AT_ECDSA_P521);
        pInfo->cbSigPublicKey = sig ? static_cast<DWORD>(blob->size()) : 0;
        pInfo->pbSigPublicKey = sig ? p : nullptr;
        pInfo->cbKeyExPublicKey = sig ? 0 : static_cast<DWORD>(blob->size());
        pInfo->pbKeyExPublicKey = sig ? nullptr : p;
        return SCARD_S_SUCCESS;
    });
}

}  // namespace md
