#include "core/token/object_cache.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/apdu/tlv.h"
#include "core/base/log.h"
#include "core/crypto/hash.h"

namespace token {

using core::ByteView;
using core::Errc;
using core::fail;
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

namespace {

// "MESIGNOC" + format version; then the TLV body; then SHA-256 over everything before it.
constexpr char kMagic[8] = {'M', 'E', 'S', 'I', 'G', 'N', 'O', 'C'};
// 2: keys may carry kDeferred (PIN policy and origin not read yet); a version-1 reader would take the
// slot defaults for the card's answer, so it must not read these entries (and we re-read its entries once).
constexpr uint8_t kVersion = 2;
constexpr std::size_t kHeader = sizeof kMagic + 1;
constexpr std::size_t kDigest = 32;
constexpr std::size_t kMaxFile = 1 << 20;  // 24 slots of certificates fit many times over
constexpr std::chrono::minutes kClockSkew{5};
constexpr uint64_t kLatestTime = 32503680000;  // year 3000: keeps the conversion to time_point in range

// Body tags (one byte, private class). Card: 01..04 inside nothing; keys: E5 with 01..0A inside.
enum : apdu::Tag {
    kApplication = 0xC1, kCardId = 0xC2, kSerial = 0xC3, kWritten = 0xC4, kKey = 0xE5, kDataObjects = 0xC6,
    kExtendedLength = 0xC7,
    kRef = 0xC1, kLabel = 0xC2, kAlgorithm = 0xC3, kSpki = 0xC4, kUsage = 0xC5, kPinPolicy = 0xC6,
    kGenerated = 0xC7, kHasCertificate = 0xC8, kCertificate = 0xC9, kCertificateTag = 0xCA, kDeferred = 0xCB,
};

ByteView textView(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string text(ByteView v) {
    return std::string(v.begin(), v.end());
}

core::Bytes be64(int64_t v) {
    core::Bytes b(8);
    for (int i = 7; i >= 0; --i, v >>= 8) b[std::size_t(i)] = uint8_t(v & 0xFF);
    return b;
}

core::Error malformed(const std::string& what) {
    return core::Error{Errc::Malformed, "object cache: " + what};
}

core::Result<uint8_t> oneByte(ByteView v, const char* what, uint8_t max) {
    if (v.size() != 1 || v[0] > max) return fail(malformed(std::string("bad ") + what));
    return v[0];
}

core::Result<cardapp::KeyInfo> decodeKey(ByteView value) {
    auto items = apdu::parseAll(value);
    if (!items) return fail(malformed(items.error().message));
    cardapp::KeyInfo k;
    bool hasRef = false;
    for (const apdu::Tlv& t : *items) {
        switch (t.tag) {
            case kRef:
                if (t.value.size() != 1) return fail(malformed("bad key reference"));
                k.ref = t.value[0];
                hasRef = true;
                break;
            case kLabel: k.label = text(t.value); break;
            case kAlgorithm: {
                auto a = oneByte(t.value, "algorithm", uint8_t(cardapp::KeyAlgorithm::X25519));
                if (!a) return fail(a.error());
                k.algorithm = cardapp::KeyAlgorithm(*a);
                break;
            }
            case kSpki: k.publicKeyInfo.assign(t.value.begin(), t.value.end()); break;
            case kUsage: {
                auto u = oneByte(t.value, "usage", 7);
                if (!u) return fail(u.error());
                k.usage = *u;
                break;
            }
            case kPinPolicy: {
                auto p = oneByte(t.value, "PIN policy", uint8_t(cardapp::PinPolicy::Always));
                if (!p) return fail(p.error());
                k.pinPolicy = cardapp::PinPolicy(*p);
                break;
            }
            case kGenerated: {
                auto g = oneByte(t.value, "origin", 1);
                if (!g) return fail(g.error());
                k.generatedOnCard = *g == 1;
                break;
            }
            case kHasCertificate: {
                auto h = oneByte(t.value, "certificate flag", 1);
                if (!h) return fail(h.error());
                k.hasCertificate = *h == 1;
                break;
            }
            case kCertificate: k.certificate.assign(t.value.begin(), t.value.end()); break;
            case kCertificateTag: k.certificateTag.assign(t.value.begin(), t.value.end()); break;
            case kDeferred: {
                auto f = oneByte(t.value, "deferred flag", 1);
                if (!f) return fail(f.error());
                k.detailsDeferred = *f == 1;
                break;
            }
            default: break;  // a newer writer's addition within the same version: ignore
        }
    }
    if (!hasRef) return fail(malformed("key without reference"));
    return k;
}

// Reads the file only if it is a regular file of ours that nobody else may write, and of sane size.
std::optional<core::Bytes> readOwnFile(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    core::Bytes data;
    struct stat st {};
    const bool usable = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                        (st.st_mode & 022) == 0 && st.st_size > 0 && std::size_t(st.st_size) <= kMaxFile;
    if (usable) {
        data.resize(std::size_t(st.st_size));
        std::size_t got = 0;
        while (got < data.size()) {
            const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += std::size_t(n);
        }
        data.resize(got);
    } else {
        MESIGN_LOG("token", Info, "object cache: ignoring " + path.string() + " (not a private file of ours)");
    }
    ::close(fd);
    if (!usable) return std::nullopt;
    return data;
}

// The directory must be ours and private; created 0700 when missing.
bool ensurePrivateDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) return false;
    if ((st.st_mode & 077) != 0 && chmod(dir.c_str(), 0700) != 0) return false;
    return true;
}

bool writeAll(int fd, ByteView data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += std::size_t(n);
    }
    return true;
}

}  // namespace

ObjectCache::ObjectCache(fs::path directory, Mode mode, std::chrono::seconds lifetime)
    : m_dir(std::move(directory)), m_mode(mode), m_lifetime(lifetime) {}

std::optional<ObjectCache> ObjectCache::fromEnvironment() {
    const char* setting = std::getenv("MESIGN_CACHE");
    const std::string mode = setting ? setting : "";
    if (mode == "off" || mode == "0" || mode == "no") return std::nullopt;
    fs::path base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home == '/') {
        base = fs::path(home) / ".cache";
    } else {
        return std::nullopt;
    }
    return ObjectCache(base / "mesign-token", mode == "refresh" ? Mode::WriteOnly : Mode::ReadWrite);
}

fs::path ObjectCache::fileFor(const CacheIdentity& id) const {
    std::string app = id.application;
    std::transform(app.begin(), app.end(), app.begin(), [](unsigned char c) {
        return std::isalnum(c) ? char(std::tolower(c)) : '_';
    });
    return m_dir / (app + "-" + core::toHex(id.cardId) + ".cache");
}

core::Bytes ObjectCache::encode(const CacheIdentity& id, const std::vector<cardapp::KeyInfo>& keys,
                                Clock::time_point written, const std::vector<uint32_t>* dataObjects,
                                std::optional<bool> extendedLength) {
    apdu::TlvBuilder b;
    b.add(kApplication, textView(id.application)).add(kCardId, id.cardId).add(kSerial, textView(id.serial));
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(written.time_since_epoch()).count();
    b.add(kWritten, be64(secs));
    for (const cardapp::KeyInfo& k : keys) {
        b.begin(kKey).addByte(kRef, k.ref).add(kLabel, textView(k.label));
        if (k.algorithm) b.addByte(kAlgorithm, uint8_t(*k.algorithm));
        if (!k.publicKeyInfo.empty()) b.add(kSpki, k.publicKeyInfo);
        b.addByte(kUsage, uint8_t(k.usage & 7)).addByte(kPinPolicy, uint8_t(k.pinPolicy));
        if (k.generatedOnCard) b.addByte(kGenerated, *k.generatedOnCard ? 1 : 0);
        b.addByte(kHasCertificate, k.hasCertificate ? 1 : 0);
        if (!k.certificate.empty()) b.add(kCertificate, k.certificate);
        if (!k.certificateTag.empty()) b.add(kCertificateTag, k.certificateTag);
        if (k.detailsDeferred) b.addByte(kDeferred, 1);
        b.end();
    }
    if (dataObjects) {  // three bytes per tag
        core::Bytes tags;
        for (uint32_t t : *dataObjects) {
            tags.push_back(uint8_t(t >> 16));
            tags.push_back(uint8_t(t >> 8));
            tags.push_back(uint8_t(t));
        }
        b.add(kDataObjects, tags);
    }
    // Added within format version 1: older readers skip the unknown tag.
    if (extendedLength) b.addByte(kExtendedLength, *extendedLength ? 1 : 0);
    core::Bytes out(kMagic, kMagic + sizeof kMagic);
    out.push_back(kVersion);
    core::append(out, b.take());
    core::append(out, crypto::digest(crypto::HashAlg::Sha256, out));
    return out;
}

core::Result<ObjectCache::Decoded> ObjectCache::decode(ByteView file) {
    if (file.size() < kHeader + kDigest || file.size() > kMaxFile) return fail(malformed("bad size"));
    if (!std::equal(kMagic, kMagic + sizeof kMagic, file.begin())) return fail(malformed("not a cache file"));
    if (file[sizeof kMagic] != kVersion) return fail(malformed("other format version"));
    const ByteView signedPart = file.first(file.size() - kDigest);
    const core::Bytes want = crypto::digest(crypto::HashAlg::Sha256, signedPart);
    if (!std::equal(want.begin(), want.end(), file.end() - kDigest)) return fail(malformed("checksum mismatch"));
    auto items = apdu::parseAll(signedPart.subspan(kHeader));
    if (!items) return fail(malformed(items.error().message));
    Decoded d;
    bool hasWritten = false;
    for (const apdu::Tlv& t : *items) {
        switch (t.tag) {
            case kApplication: d.id.application = text(t.value); break;
            case kCardId: d.id.cardId.assign(t.value.begin(), t.value.end()); break;
            case kSerial: d.id.serial = text(t.value); break;
            case kWritten: {
                if (t.value.size() != 8) return fail(malformed("bad time"));
                uint64_t s = 0;
                for (uint8_t byte : t.value) s = s << 8 | byte;
                if (s > kLatestTime) return fail(malformed("bad time"));
                d.written = Clock::time_point(std::chrono::seconds(s));
                hasWritten = true;
                break;
            }
            case kKey: {
                auto k = decodeKey(t.value);
                if (!k) return fail(k.error());
                d.keys.push_back(std::move(*k));
                break;
            }
            case kDataObjects: {
                if (t.value.size() % 3) return fail(malformed("bad data object list"));
                std::vector<uint32_t> tags;
                for (std::size_t i = 0; i < t.value.size(); i += 3)
                    tags.push_back(uint32_t(t.value[i]) << 16 | uint32_t(t.value[i + 1]) << 8 | t.value[i + 2]);
                d.dataObjects = std::move(tags);
                break;
            }
            case kExtendedLength: {
                if (t.value.size() != 1 || t.value[0] > 1) return fail(malformed("bad extended-length flag"));
                d.extendedLength = t.value[0] == 1;
                break;
            }
            default: break;
        }
    }
    if (d.id.cardId.empty() || !hasWritten) return fail(malformed("no card identity"));
    return d;
}

std::optional<std::vector<cardapp::KeyInfo>> ObjectCache::load(const CacheIdentity& id) const {
    auto d = loadEntry(id);
    if (!d) return std::nullopt;
    return std::move(d->keys);
}

std::optional<ObjectCache::Decoded> ObjectCache::loadEntry(const CacheIdentity& id) const {
    if (m_mode == Mode::WriteOnly || id.cardId.empty()) return std::nullopt;
    const fs::path path = fileFor(id);
    auto data = readOwnFile(path);
    if (!data) return std::nullopt;
    auto d = decode(*data);
    if (!d) {
        MESIGN_LOG("token", Info, "object cache: ignoring " + path.string() + ": " + d.error().message);
        return std::nullopt;
    }
    if (d->id.application != id.application || d->id.cardId != id.cardId || d->id.serial != id.serial) {
        MESIGN_LOG("token", Info, "object cache: " + path.string() + " belongs to another card");
        return std::nullopt;
    }
    const auto now = Clock::now();
    if (d->written > now + kClockSkew || now - d->written > m_lifetime) return std::nullopt;  // stale
    return std::move(*d);
}

void ObjectCache::store(const CacheIdentity& id, const std::vector<cardapp::KeyInfo>& keys,
                        const std::vector<uint32_t>* dataObjects,
                        std::optional<Clock::time_point> written, std::optional<bool> extendedLength) const {
    if (id.cardId.empty()) return;
    if (!ensurePrivateDirectory(m_dir)) {
        MESIGN_LOG("token", Info, "object cache: directory " + m_dir.string() + " unusable; not cached");
        return;
    }
    const fs::path path = fileFor(id);
    std::string tmpl = (m_dir / ("." + path.filename().string() + ".XXXXXX")).string();
    const int fd = mkostemp(tmpl.data(), O_CLOEXEC);  // 0600
    if (fd < 0) {
        MESIGN_LOG("token", Info, "object cache: cannot create a file in " + m_dir.string());
        return;
    }
    const core::Bytes data = encode(id, keys, written.value_or(Clock::now()), dataObjects, extendedLength);
    const bool ok = writeAll(fd, data) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmpl.c_str(), path.c_str()) != 0) {
        MESIGN_LOG("token", Info, "object cache: writing " + path.string() + " failed: " + std::strerror(errno));
        ::unlink(tmpl.c_str());
    }
}

void ObjectCache::erase(const CacheIdentity& id) const {
    if (id.cardId.empty()) return;
    std::error_code ec;
    fs::remove(fileFor(id), ec);
}

}  // namespace token
