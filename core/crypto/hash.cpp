#include "core/crypto/hash.h"

#include <openssl/evp.h>

#include "core/crypto/ossl.h"

namespace crypto {

namespace {

// DigestInfo prefixes, RFC 8017 §9.2 note 1 (also pkcs11.md §7).
constexpr uint8_t kSha1Prefix[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E,
                                   0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14};
constexpr uint8_t kSha224Prefix[] = {0x30, 0x2D, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1C};
constexpr uint8_t kSha256Prefix[] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr uint8_t kSha384Prefix[] = {0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
constexpr uint8_t kSha512Prefix[] = {0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

ossl::Md fetchMd(HashAlg alg) {
    return ossl::Md(EVP_MD_fetch(nullptr, hashName(alg), nullptr));
}

}  // namespace

std::size_t hashSize(HashAlg alg) {
    switch (alg) {
        case HashAlg::Sha1:
            return 20;
        case HashAlg::Sha224:
            return 28;
        case HashAlg::Sha256:
            return 32;
        case HashAlg::Sha384:
            return 48;
        case HashAlg::Sha512:
            return 64;
    }
    return 0;
}

const char* hashName(HashAlg alg) {
    switch (alg) {
        case HashAlg::Sha1:
            return "SHA1";
        case HashAlg::Sha224:
            return "SHA224";
        case HashAlg::Sha256:
            return "SHA256";
        case HashAlg::Sha384:
            return "SHA384";
        case HashAlg::Sha512:
            return "SHA512";
    }
    return "";
}

ByteView digestInfoPrefix(HashAlg alg) {
    switch (alg) {
        case HashAlg::Sha1:
            return kSha1Prefix;
        case HashAlg::Sha224:
            return kSha224Prefix;
        case HashAlg::Sha256:
            return kSha256Prefix;
        case HashAlg::Sha384:
            return kSha384Prefix;
        case HashAlg::Sha512:
            return kSha512Prefix;
    }
    return {};
}

std::optional<HashAlg> hashForSize(std::size_t size) {
    for (HashAlg alg : {HashAlg::Sha1, HashAlg::Sha224, HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512})
        if (hashSize(alg) == size) return alg;
    return std::nullopt;
}

// Returns an empty vector only if OpenSSL cannot provide a SHA-1/SHA-2 digest at all (no default
// provider, or out of memory); every caller that must not proceed checks the size.
Bytes digest(HashAlg alg, ByteView data) {
    Bytes out(hashSize(alg));
    std::size_t len = 0;
    if (EVP_Q_digest(nullptr, hashName(alg), nullptr, data.data(), data.size(), out.data(), &len) != 1 ||
        len != out.size()) {
        (void)ossl::error(core::Errc::Crypto, "digest");  // only to empty the error queue
        return {};
    }
    return out;
}

struct Hasher::Impl {
    ossl::MdCtx ctx;
    bool finished = false;
};

Hasher::Hasher(HashAlg alg, std::unique_ptr<Impl> impl) : m_alg(alg), m_impl(std::move(impl)) {}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

core::Result<Hasher> Hasher::create(HashAlg alg) {
    auto impl = std::make_unique<Impl>();
    impl->ctx.reset(EVP_MD_CTX_new());
    ossl::Md md = fetchMd(alg);
    if (!impl->ctx || !md || EVP_DigestInit_ex2(impl->ctx.get(), md.get(), nullptr) != 1)
        return core::fail(ossl::error(core::Errc::Crypto, std::string("cannot start ") + hashName(alg)));
    return Hasher(alg, std::move(impl));
}

core::Status Hasher::update(ByteView data) {
    if (!m_impl || m_impl->finished) return core::fail(core::Errc::InvalidArgument, "hash already finished");
    if (EVP_DigestUpdate(m_impl->ctx.get(), data.data(), data.size()) != 1)
        return core::fail(ossl::error(core::Errc::Crypto, "hash update"));
    return {};
}

core::Result<Bytes> Hasher::finish() {
    if (!m_impl || m_impl->finished) return core::fail(core::Errc::InvalidArgument, "hash already finished");
    m_impl->finished = true;
    Bytes out(hashSize(m_alg));
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(m_impl->ctx.get(), out.data(), &len) != 1 || len != out.size())
        return core::fail(ossl::error(core::Errc::Crypto, "hash final"));
    return out;
}

}  // namespace crypto
