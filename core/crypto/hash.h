// Hashing on the host (digests never need the card) and the PKCS#1 DigestInfo prefixes.
#pragma once

#include <memory>
#include <optional>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace crypto {

using core::ByteView;
using core::Bytes;

enum class HashAlg { Sha1, Sha224, Sha256, Sha384, Sha512 };

std::size_t hashSize(HashAlg alg);
const char* hashName(HashAlg alg);  // "SHA256": the OpenSSL fetch name
// DER prefix of DigestInfo for `alg` (RFC 8017 §9.2 note 1); the hash value follows it.
ByteView digestInfoPrefix(HashAlg alg);
// The hash algorithm whose output length is `size` bytes (PSS/ECDSA inputs), if any.
std::optional<HashAlg> hashForSize(std::size_t size);

Bytes digest(HashAlg alg, ByteView data);

// Incremental hashing for multi-part C_SignUpdate.
class Hasher {
public:
    static core::Result<Hasher> create(HashAlg alg);
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    ~Hasher();
    core::Status update(ByteView data);
    core::Result<Bytes> finish();  // the hasher cannot be updated afterwards
    HashAlg algorithm() const { return m_alg; }

private:
    struct Impl;
    Hasher(HashAlg alg, std::unique_ptr<Impl> impl);
    HashAlg m_alg;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace crypto
