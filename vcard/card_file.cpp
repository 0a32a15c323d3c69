#include "vcard/card_file.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vcard {

using core::Errc;
using core::fail;

namespace {

constexpr char kMagic[8] = {'M', 'E', 'S', 'I', 'G', 'N', 'V', 'C'};
constexpr std::size_t kHeader = 8 + 2 + 4;
constexpr std::size_t kDigest = SHA256_DIGEST_LENGTH;
constexpr std::size_t kMaxFile = 16 * 1024 * 1024;

std::string where(const std::filesystem::path& p) {
    return "card state file " + p.string() + ": ";
}

std::string sysError(const char* op) {
    return std::string(op) + " failed: " + std::strerror(errno);
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

bool writeAll(int fd, const uint8_t* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

void putTlv(core::SecureBytes& out, uint32_t tag, core::ByteView value) {
    bool started = false;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto b = static_cast<uint8_t>(tag >> shift);
        if (b != 0 || started || shift == 0) {
            out.push_back(b);
            started = true;
        }
    }
    const std::size_t n = value.size();
    if (n < 0x80) {
        out.push_back(static_cast<uint8_t>(n));
    } else if (n <= 0xFF) {
        out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
    } else if (n <= 0xFFFF) {
        out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    } else {
        out.insert(out.end(), {0x84, static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                               static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    }
    out.insert(out.end(), value.begin(), value.end());
}

void putTlvByte(core::SecureBytes& out, uint32_t tag, uint8_t value) {
    putTlv(out, tag, {&value, 1});
}

core::Result<core::SecureBytes> readCardFile(const std::filesystem::path& path) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) {
        if (errno == ENOENT) return fail(Errc::Io, "no such card: " + path.string() + " does not exist");
        return fail(Errc::Io, where(path) + sysError("open"));
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) return fail(Errc::Io, where(path) + sysError("stat"));
    if (!S_ISREG(st.st_mode)) return fail(Errc::Io, where(path) + "not a regular file");
    if (static_cast<std::size_t>(st.st_size) > kMaxFile)
        return fail(Errc::Malformed, where(path) + "too large to be a card state file");
    core::SecureBytes raw(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < raw.size()) {
        const ssize_t r = ::read(f.fd, raw.data() + got, raw.size() - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail(Errc::Io, where(path) + sysError("read"));
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    raw.resize(got);

    if (raw.size() < 8 || std::memcmp(raw.data(), kMagic, 8) != 0)
        return fail(Errc::Malformed, where(path) + "not a MeSign virtual card file (bad magic)");
    if (raw.size() < kHeader + kDigest) return fail(Errc::Malformed, where(path) + "truncated header");
    const uint16_t version = static_cast<uint16_t>(raw[8] << 8 | raw[9]);
    if (version != kCardFileVersion)
        return fail(Errc::Malformed, where(path) + "unsupported format version " + std::to_string(version) +
                                         " (this build reads version " + std::to_string(kCardFileVersion) +
                                         ")");
    const std::size_t bodyLen = static_cast<std::size_t>(raw[10]) << 24 |
                                static_cast<std::size_t>(raw[11]) << 16 |
                                static_cast<std::size_t>(raw[12]) << 8 | raw[13];
    if (raw.size() != kHeader + bodyLen + kDigest)
        return fail(Errc::Malformed, where(path) + (raw.size() < kHeader + bodyLen + kDigest
                                                        ? "truncated (shorter than its header says)"
                                                        : "trailing data after the checksum"));
    uint8_t digest[kDigest];
    SHA256(raw.data(), kHeader + bodyLen, digest);
    if (!core::equalConstantTime({digest, kDigest}, {raw.data() + kHeader + bodyLen, kDigest}))
        return fail(Errc::Malformed, where(path) + "checksum mismatch (file is corrupt)");
    return core::SecureBytes(raw.begin() + kHeader,
                             raw.begin() + static_cast<std::ptrdiff_t>(kHeader + bodyLen));
}

core::Status writeCardFile(const std::filesystem::path& path, core::ByteView body) {
    core::SecureBytes raw(kMagic, kMagic + 8);
    raw.push_back(static_cast<uint8_t>(kCardFileVersion >> 8));
    raw.push_back(static_cast<uint8_t>(kCardFileVersion));
    const std::size_t n = body.size();
    for (int shift = 24; shift >= 0; shift -= 8) raw.push_back(static_cast<uint8_t>(n >> shift));
    raw.insert(raw.end(), body.begin(), body.end());
    uint8_t digest[kDigest];
    SHA256(raw.data(), raw.size(), digest);
    raw.insert(raw.end(), digest, digest + kDigest);

    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    const std::filesystem::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
    {
        Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
        if (f.fd < 0) return fail(Errc::Io, where(path) + sysError("creating the temporary file"));
        if (!writeAll(f.fd, raw.data(), raw.size()) || ::fsync(f.fd) != 0) {
            const std::string err = sysError("writing the temporary file");
            ::unlink(tmp.c_str());
            return fail(Errc::Io, where(path) + err);
        }
        if (::close(f.fd) != 0) {
            f.fd = -1;
            const std::string err = sysError("closing the temporary file");
            ::unlink(tmp.c_str());
            return fail(Errc::Io, where(path) + err);
        }
        f.fd = -1;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = sysError("rename");
        ::unlink(tmp.c_str());
        return fail(Errc::Io, where(path) + err);
    }
    // Make the rename itself durable.
    Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd >= 0) ::fsync(d.fd);
    return {};
}

}  // namespace vcard
