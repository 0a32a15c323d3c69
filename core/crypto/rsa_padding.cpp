// RSA block encodings written with EVP digests rather than OpenSSL's RSA_padding_* functions: those are
// deprecated in OpenSSL 3 and only reachable through the RSA object, while the card gives us a raw block.
#include "core/crypto/rsa_padding.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>

#include "core/crypto/ossl.h"

namespace crypto {

namespace {

using core::Errc;
using core::SecureBytes;

// Constant-time helpers on word-sized masks (all ones = true, zero = false): the decoders below
// evaluate every check without branching on secret data and branch once, on the combined result.
using Mask = std::size_t;
constexpr unsigned kTopBit = sizeof(Mask) * CHAR_BIT - 1;
inline Mask ctMsb(Mask a) {
    return Mask{0} - (a >> kTopBit);
}
inline Mask ctIsZero(Mask a) {
    return ctMsb(~a & (a - 1));
}
inline Mask ctEq(Mask a, Mask b) {
    return ctIsZero(a ^ b);
}
inline Mask ctLt(Mask a, Mask b) {
    return ctMsb(a ^ ((a ^ b) | ((a - b) ^ b)));
}
inline Mask ctSelect(Mask m, Mask a, Mask b) {
    return (m & a) | (~m & b);
}
inline Mask ctEqBytes(ByteView a, ByteView b) {  // a.size() == b.size() (public lengths)
    Mask diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<Mask>(a[i] ^ b[i]);
    return ctIsZero(diff);
}

// Deliberately one message for every decoding failure (no padding oracle).
std::unexpected<core::Error> decryptionFailed() {
    return core::fail(Errc::Malformed, "decryption failed");
}

core::Result<ossl::Md> fetchMd(HashAlg alg) {
    ossl::Md md(EVP_MD_fetch(nullptr, hashName(alg), nullptr));
    if (!md) return core::fail(ossl::error(Errc::Crypto, std::string("no digest ") + hashName(alg)));
    return md;
}

// MGF1 (RFC 8017 B.2.1). Output is secret-derived in OAEP, hence SecureBytes.
core::Result<SecureBytes> mgf1(HashAlg alg, ByteView seed, std::size_t len) {
    auto md = fetchMd(alg);
    if (!md) return core::fail(md.error());
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx) return core::fail(ossl::error(Errc::Crypto, "MGF1"));
    const std::size_t hLen = hashSize(alg);
    SecureBytes out;
    out.reserve(len + hLen);
    SecureBytes block(hLen);
    for (uint32_t counter = 0; out.size() < len; ++counter) {
        const uint8_t c[4] = {static_cast<uint8_t>(counter >> 24), static_cast<uint8_t>(counter >> 16),
                              static_cast<uint8_t>(counter >> 8), static_cast<uint8_t>(counter)};
        unsigned int got = 0;
        if (EVP_DigestInit_ex2(ctx.get(), md->get(), nullptr) != 1 ||
            EVP_DigestUpdate(ctx.get(), seed.data(), seed.size()) != 1 ||
            EVP_DigestUpdate(ctx.get(), c, sizeof c) != 1 ||
            EVP_DigestFinal_ex(ctx.get(), block.data(), &got) != 1 || got != hLen)
            return core::fail(ossl::error(Errc::Crypto, "MGF1"));
        out.insert(out.end(), block.begin(), block.end());
    }
    out.resize(len);
    return out;
}

}  // namespace

core::Result<Bytes> pkcs1v15SignBlock(ByteView input, std::size_t k) {
    if (k < 11 || input.size() > k - 11)
        return core::fail(Errc::InvalidArgument,
                          "input too long for a PKCS#1 v1.5 block of " + std::to_string(k) + " bytes");
    Bytes block(k, 0xFF);
    block[0] = 0x00;
    block[1] = 0x01;
    block[k - input.size() - 1] = 0x00;
    std::copy(input.begin(), input.end(), block.end() - static_cast<std::ptrdiff_t>(input.size()));
    return block;
}

core::Result<Bytes> pkcs1v15DigestInfoBlock(HashAlg alg, ByteView hash, std::size_t k) {
    if (hash.size() != hashSize(alg))
        return core::fail(Errc::InvalidArgument, std::string("hash length does not match ") + hashName(alg));
    Bytes info(digestInfoPrefix(alg).begin(), digestInfoPrefix(alg).end());
    core::append(info, hash);
    return pkcs1v15SignBlock(info, k);
}

core::Result<Bytes> pkcs1v15DecryptUnpad(ByteView block) {
    const std::size_t k = block.size();
    if (k < 11) return decryptionFailed();  // public: the block length is the modulus length
    Mask good = ctIsZero(block[0]) & ctEq(block[1], 2);
    Mask found = 0;
    Mask zeroIndex = 0;
    for (std::size_t i = 2; i < k; ++i) {
        const Mask isZero = ctIsZero(block[i]);
        zeroIndex = ctSelect(~found & isZero, i, zeroIndex);
        found |= isZero;
    }
    good &= found;
    good &= ~ctLt(zeroIndex, 2 + 8);  // PS is at least 8 bytes
    if (good == 0) return decryptionFailed();
    return Bytes(block.begin() + static_cast<std::ptrdiff_t>(zeroIndex + 1), block.end());
}

core::Result<Bytes> pssEncode(ByteView hash, HashAlg hashAlg, HashAlg mgfHash, std::size_t saltLen,
                              std::size_t modulusBits) {
    const std::size_t hLen = hashSize(hashAlg);
    if (hash.size() != hLen)
        return core::fail(Errc::InvalidArgument,
                          std::string("hash length does not match ") + hashName(hashAlg));
    if (modulusBits < 9 || modulusBits > 16384) return core::fail(Errc::InvalidArgument, "bad modulus size");
    // RFC 8017 §9.1.1 with emBits = modBits - 1; when emBits is a multiple of 8, EM is one byte shorter
    // than k and the signature input gets a leading zero.
    const std::size_t emBits = modulusBits - 1;
    const std::size_t emLen = (emBits + 7) / 8;
    const std::size_t k = (modulusBits + 7) / 8;
    if (saltLen > emLen || emLen < hLen + saltLen + 2)
        return core::fail(Errc::InvalidArgument, "salt too long for the modulus");

    Bytes salt(saltLen);
    if (saltLen > 0 && RAND_bytes(salt.data(), static_cast<int>(saltLen)) != 1)
        return core::fail(ossl::error(Errc::Crypto, "RAND_bytes"));
    Bytes mPrime(8, 0);
    core::append(mPrime, hash);
    core::append(mPrime, salt);
    const Bytes h = digest(hashAlg, mPrime);
    if (h.size() != hLen) return core::fail(Errc::Crypto, "PSS digest failed");

    const std::size_t dbLen = emLen - hLen - 1;
    auto dbMask = mgf1(mgfHash, h, dbLen);
    if (!dbMask) return core::fail(dbMask.error());
    Bytes out(k - emLen, 0);  // leading zero byte when emLen < k
    out.reserve(k);
    const std::size_t psLen = dbLen - saltLen - 1;
    for (std::size_t i = 0; i < dbLen; ++i) {
        uint8_t db = 0;
        if (i == psLen)
            db = 0x01;
        else if (i > psLen)
            db = salt[i - psLen - 1];
        out.push_back(static_cast<uint8_t>(db ^ (*dbMask)[i]));
    }
    out[k - emLen] &= static_cast<uint8_t>(0xFF >> (8 * emLen - emBits));
    core::append(out, h);
    out.push_back(0xBC);
    return out;
}

core::Result<Bytes> oaepDecode(ByteView block, HashAlg hashAlg, HashAlg mgfHash, ByteView label) {
    const std::size_t hLen = hashSize(hashAlg);
    const std::size_t k = block.size();
    if (k < 2 * hLen + 2) return decryptionFailed();  // public: lengths only
    const Bytes lHash = digest(hashAlg, label);
    if (lHash.size() != hLen) return core::fail(Errc::Crypto, "OAEP digest failed");

    const ByteView maskedSeed = block.subspan(1, hLen);
    const ByteView maskedDb = block.subspan(1 + hLen);
    auto seedMask = mgf1(mgfHash, maskedDb, hLen);
    if (!seedMask) return core::fail(seedMask.error());
    SecureBytes seed(hLen);
    for (std::size_t i = 0; i < hLen; ++i) seed[i] = maskedSeed[i] ^ (*seedMask)[i];
    auto db = mgf1(mgfHash, core::view(seed), maskedDb.size());
    if (!db) return core::fail(db.error());
    for (std::size_t i = 0; i < db->size(); ++i) (*db)[i] ^= maskedDb[i];

    // Y == 0, lHash' == lHash, then PS (zeros) up to the first 0x01; any other byte before it is an error.
    Mask good = ctIsZero(block[0]) & ctEqBytes(ByteView(db->data(), hLen), lHash);
    Mask found = 0;
    Mask oneIndex = 0;
    for (std::size_t i = hLen; i < db->size(); ++i) {
        const Mask isOne = ctEq((*db)[i], 1);
        const Mask isZero = ctIsZero((*db)[i]);
        good &= found | isZero | isOne;
        oneIndex = ctSelect(~found & isOne, i, oneIndex);
        found |= isOne;
    }
    good &= found;
    if (good == 0) return decryptionFailed();
    return Bytes(db->begin() + static_cast<std::ptrdiff_t>(oneIndex + 1), db->end());
}

core::Result<Bytes> leftPad(ByteView input, std::size_t k) {
    if (input.size() > k)
        return core::fail(Errc::InvalidArgument,
                          "input longer than the modulus (" + std::to_string(k) + " bytes)");
    Bytes out(k - input.size(), 0);
    core::append(out, input);
    return out;
}

}  // namespace crypto
