// RSA encodings around the card's raw operation (RFC 8017): EMSA-PSS encoding, and EME-PKCS1-v1_5 /
// EME-OAEP decoding. Decoding is constant-time with respect to the padding checks and all failures
// give one undistinguished error, so no padding oracle leaks (the "Marvin" lesson).
#include <cstring>

#include "minidriver/md_crypto.h"

namespace md {
namespace {

using core::Bytes;
using core::ByteView;

core::Result<Bytes> mgf1(Hash h, ByteView seed, std::size_t len) {
    Bytes out;
    Bytes in(seed.begin(), seed.end());
    in.resize(seed.size() + 4);
    for (uint32_t counter = 0; out.size() < len; ++counter) {
        for (int i = 0; i < 4; ++i) in[seed.size() + std::size_t(i)] = uint8_t(counter >> (24 - 8 * i));
        auto d = digest(h, in);
        if (!d) return d;
        out.insert(out.end(), d->begin(), d->end());
    }
    out.resize(len);
    return out;
}

// All-ones byte mask when a == b, else 0 (no branches).
uint8_t eqMask(unsigned a, unsigned b) {
    unsigned x = a ^ b;
    return uint8_t(((x | (0u - x)) >> 31) - 1u);
}

core::Result<Bytes> decodeError() { return core::fail(core::Errc::Malformed, "decryption error"); }

}  // namespace

core::Result<Bytes> pssEncode(ByteView hash, Hash h, std::size_t saltLen, std::size_t modulusBits) {
    const std::size_t hLen = hashSize(h);
    const std::size_t emBits = modulusBits - 1, emLen = (emBits + 7) / 8, k = (modulusBits + 7) / 8;
    if (hash.size() != hLen || emLen < hLen + saltLen + 2) return core::fail(core::Errc::InvalidArgument, "PSS sizes");
    Bytes salt(saltLen);
    if (saltLen) MESIGN_TRY(randomBytes(salt));
    Bytes mPrime(8, 0);
    mPrime.insert(mPrime.end(), hash.begin(), hash.end());
    mPrime.insert(mPrime.end(), salt.begin(), salt.end());
    auto H = digest(h, mPrime);
    if (!H) return H;
    Bytes db(emLen - saltLen - hLen - 2, 0);
    db.push_back(0x01);
    db.insert(db.end(), salt.begin(), salt.end());
    auto mask = mgf1(h, *H, db.size());
    if (!mask) return mask;
    for (std::size_t i = 0; i < db.size(); ++i) db[i] ^= (*mask)[i];
    db[0] &= uint8_t(0xFF >> (8 * emLen - emBits));
    Bytes em(k - emLen, 0);  // the card wants a k-byte block
    em.insert(em.end(), db.begin(), db.end());
    em.insert(em.end(), H->begin(), H->end());
    em.push_back(0xBC);
    return em;
}

core::Result<Bytes> pkcs1DecryptUnpad(ByteView block) {
    const std::size_t k = block.size();
    if (k < 11) return decodeError();
    uint8_t good = eqMask(block[0], 0) & eqMask(block[1], 2);
    std::size_t zeroIndex = 0;
    uint8_t lookingForZero = 0xFF;
    for (std::size_t i = 2; i < k; ++i) {
        const uint8_t isZero = eqMask(block[i], 0);
        const uint8_t take = isZero & lookingForZero;
        zeroIndex = (zeroIndex & ~std::size_t(int8_t(take))) | (i & std::size_t(int8_t(take)));
        lookingForZero &= uint8_t(~isZero);
    }
    good &= uint8_t(~lookingForZero);            // a separator exists
    good &= uint8_t(-(uint8_t)(zeroIndex >= 10));  // at least 8 bytes of PS
    if (good != 0xFF) return decodeError();
    return Bytes(block.begin() + std::ptrdiff_t(zeroIndex + 1), block.end());
}

core::Result<Bytes> oaepDecode(ByteView block, Hash h, ByteView label) {
    const std::size_t k = block.size(), hLen = hashSize(h);
    if (k < 2 * hLen + 2) return decodeError();
    auto lHash = digest(h, label);
    if (!lHash) return lHash;
    ByteView maskedSeed = block.subspan(1, hLen), maskedDb = block.subspan(1 + hLen);
    auto seedMask = mgf1(h, maskedDb, hLen);
    if (!seedMask) return seedMask;
    Bytes seed(hLen);
    for (std::size_t i = 0; i < hLen; ++i) seed[i] = maskedSeed[i] ^ (*seedMask)[i];
    auto dbMask = mgf1(h, seed, maskedDb.size());
    if (!dbMask) return dbMask;
    Bytes db(maskedDb.size());
    for (std::size_t i = 0; i < db.size(); ++i) db[i] = maskedDb[i] ^ (*dbMask)[i];

    uint8_t good = eqMask(block[0], 0);
    for (std::size_t i = 0; i < hLen; ++i) good &= eqMask(db[i], (*lHash)[i]);
    std::size_t oneIndex = 0;
    uint8_t looking = 0xFF;
    for (std::size_t i = hLen; i < db.size(); ++i) {
        const uint8_t isOne = eqMask(db[i], 1), isZero = eqMask(db[i], 0);
        const uint8_t take = isOne & looking;
        oneIndex = (oneIndex & ~std::size_t(int8_t(take))) | (i & std::size_t(int8_t(take)));
        good &= uint8_t(~looking | isOne | isZero);  // before the 01 only zeros are allowed
        looking &= uint8_t(~isOne);
    }
    good &= uint8_t(~looking);
    if (good != 0xFF) {
        wipe(db);
        return decodeError();
    }
    Bytes m(db.begin() + std::ptrdiff_t(oneIndex + 1), db.end());
    wipe(db);
    return m;
}

}  // namespace md
