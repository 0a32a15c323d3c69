// ObjectCache (the file format and what load() refuses) and Token with a cache: a second Token (= a new
// process) lists the same objects with a few probing APDUs, notices certificates changed by someone else,
// and our own writes replace the entry.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/token/object_cache.h"
#include "test_crypto.h"

namespace tokentest {
namespace {

namespace fs = std::filesystem;
using cardapp::KeyAlgorithm;
using token::CacheIdentity;
using token::ObjectCache;
using Clock = std::chrono::system_clock;

class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "mesign-cache-test.XXXXXX").string();
        m_path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

CacheIdentity sampleId() {
    return CacheIdentity{"PIV", Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}, "12345678"};
}

std::vector<cardapp::KeyInfo> sampleKeys() {
    cardapp::KeyInfo k;
    k.ref = 0x9A;
    k.label = "PIV AUTH key";
    k.algorithm = KeyAlgorithm::Rsa2048;
    k.publicKeyInfo = {0x30, 0x03, 0x02, 0x01, 0x00};
    k.usage = cardapp::kUsageSign;
    k.pinPolicy = cardapp::PinPolicy::Once;
    k.generatedOnCard = true;
    k.hasCertificate = true;
    k.certificate = {0x30, 0x82, 0x01, 0x00};
    k.certificateTag = {0x53, 0x82, 0x01, 0x08};
    cardapp::KeyInfo e;
    e.ref = 0x9D;
    e.label = "KEY MAN key";
    e.algorithm = KeyAlgorithm::EcP256;
    e.usage = cardapp::kUsageDecrypt | cardapp::kUsageDerive;
    return {k, e};
}

void writeFile(const fs::path& p, ByteView data, mode_t mode = 0600) {
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
    }
    chmod(p.c_str(), mode);
}

TEST(ObjectCacheTest, StoresAndLoadsPublicDataOnlyInPrivateFiles) {
    TempDir tmp;
    ObjectCache cache(tmp.path() / "mesign-token");
    const auto keys = sampleKeys();
    cache.store(sampleId(), keys);
    const fs::path file = cache.fileFor(sampleId());
    EXPECT_EQ(file.filename(), "piv-0102030405060708.cache");
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(cache.directory().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    auto loaded = cache.load(sampleId());
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->size(), 2u);
    const auto& k = (*loaded)[0];
    EXPECT_EQ(k.ref, 0x9A);
    EXPECT_EQ(k.label, "PIV AUTH key");
    EXPECT_EQ(k.algorithm, KeyAlgorithm::Rsa2048);
    EXPECT_EQ(k.publicKeyInfo, keys[0].publicKeyInfo);
    EXPECT_EQ(k.usage, unsigned(cardapp::kUsageSign));
    EXPECT_EQ(k.generatedOnCard, std::optional<bool>(true));
    EXPECT_TRUE(k.hasCertificate);
    EXPECT_EQ(k.certificate, keys[0].certificate);
    EXPECT_EQ(k.certificateTag, keys[0].certificateTag);
    EXPECT_FALSE((*loaded)[1].generatedOnCard);
    EXPECT_FALSE((*loaded)[1].hasCertificate);

    cache.erase(sampleId());
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(cache.load(sampleId()));
}

TEST(ObjectCacheTest, CorruptTruncatedAndForeignFilesReadAsMisses) {
    TempDir tmp;
    ObjectCache cache(tmp.path());
    const fs::path file = cache.fileFor(sampleId());
    const Bytes good = ObjectCache::encode(sampleId(), sampleKeys(), Clock::now());
    writeFile(file, good);
    ASSERT_TRUE(cache.load(sampleId()));

    for (std::size_t i : {std::size_t(0), std::size_t(8), std::size_t(20), good.size() / 2, good.size() - 1}) {
        Bytes bad = good;
        bad[i] ^= 0x01;
        writeFile(file, bad);
        EXPECT_FALSE(cache.load(sampleId())) << "flipped byte " << i;
    }
    writeFile(file, ByteView(good).first(good.size() - 7));
    EXPECT_FALSE(cache.load(sampleId()));
    writeFile(file, Bytes(100, 0xFF));
    EXPECT_FALSE(cache.load(sampleId()));
    writeFile(file, Bytes{});
    EXPECT_FALSE(cache.load(sampleId()));

    // Well-formed, but another card's content under this card's name, or another serial / application.
    CacheIdentity other = sampleId();
    other.cardId.back() ^= 0xFF;
    writeFile(file, ObjectCache::encode(other, sampleKeys(), Clock::now()));
    EXPECT_FALSE(cache.load(sampleId()));
    other = sampleId();
    other.serial = "87654321";
    writeFile(file, ObjectCache::encode(other, sampleKeys(), Clock::now()));
    EXPECT_FALSE(cache.load(sampleId()));

    // Writable by others, or a symlink to a good file: not ours to trust.
    writeFile(file, good, 0622);
    EXPECT_FALSE(cache.load(sampleId()));
    const fs::path real = tmp.path() / "elsewhere";
    writeFile(real, good);
    fs::remove(file);
    fs::create_symlink(real, file);
    EXPECT_FALSE(cache.load(sampleId()));
}

TEST(ObjectCacheTest, EntriesExpireAndFutureDatesAreRefused) {
    TempDir tmp;
    ObjectCache cache(tmp.path(), ObjectCache::Mode::ReadWrite, std::chrono::seconds(60));
    const fs::path file = cache.fileFor(sampleId());
    writeFile(file, ObjectCache::encode(sampleId(), sampleKeys(), Clock::now() - std::chrono::seconds(30)));
    EXPECT_TRUE(cache.load(sampleId()));
    writeFile(file, ObjectCache::encode(sampleId(), sampleKeys(), Clock::now() - std::chrono::seconds(90)));
    EXPECT_FALSE(cache.load(sampleId()));
    writeFile(file, ObjectCache::encode(sampleId(), sampleKeys(), Clock::now() + std::chrono::hours(2)));
    EXPECT_FALSE(cache.load(sampleId()));
}

TEST(ObjectCacheTest, DecodeRejectsBadFieldsWithoutCrashing) {
    // A valid checksum over nonsense: the body must still be checked field by field.
    Bytes file = ObjectCache::encode(sampleId(), sampleKeys(), Clock::now());
    EXPECT_TRUE(ObjectCache::decode(file));
    for (std::size_t cut = 0; cut < file.size(); cut += 7)
        EXPECT_FALSE(ObjectCache::decode(ByteView(file).first(cut)));
    // No card identity: nothing to match the entry against.
    EXPECT_FALSE(
        ObjectCache::decode(ObjectCache::encode(CacheIdentity{"PIV", {}, "1"}, sampleKeys(), Clock::now())));
}

TEST(ObjectCacheTest, EnvironmentChoosesTheDirectoryOrTurnsItOff) {
    const char* saved[] = {std::getenv("MESIGN_CACHE"), std::getenv("XDG_CACHE_HOME"), std::getenv("HOME")};
    const std::string keep[] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "", saved[2] ? saved[2] : ""};
    setenv("XDG_CACHE_HOME", "/tmp/xdg-cache", 1);
    unsetenv("MESIGN_CACHE");
    auto c = ObjectCache::fromEnvironment();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->directory(), fs::path("/tmp/xdg-cache/mesign-token"));
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    EXPECT_EQ(ObjectCache::fromEnvironment()->directory(), fs::path("/home/someone/.cache/mesign-token"));
    setenv("MESIGN_CACHE", "off", 1);
    EXPECT_FALSE(ObjectCache::fromEnvironment());

    // refresh: written, never read.
    TempDir tmp;
    setenv("XDG_CACHE_HOME", tmp.path().c_str(), 1);
    setenv("MESIGN_CACHE", "refresh", 1);
    auto r = ObjectCache::fromEnvironment();
    ASSERT_TRUE(r);
    r->store(sampleId(), sampleKeys());
    EXPECT_TRUE(fs::exists(r->fileFor(sampleId())));
    EXPECT_FALSE(r->load(sampleId()));
    EXPECT_TRUE(ObjectCache(r->directory()).load(sampleId()));

    const char* names[] = {"MESIGN_CACHE", "XDG_CACHE_HOME", "HOME"};
    for (int i = 0; i < 3; ++i) {
        if (saved[i])
            setenv(names[i], keep[i].c_str(), 1);
        else
            unsetenv(names[i]);
    }
}

// --- Token with a cache: a new Token object stands for a new process. ---

class TokenCacheTest : public TokenFixture {
protected:
    std::unique_ptr<token::Token> freshToken() {
        return std::make_unique<token::Token>(m_manager->backend(), "Reader A", m_card->atr(), &m_cache);
    }
    // Lists the objects with a new token; returns the APDUs it took.
    uint64_t listWithFreshToken(std::vector<token::KeyObject>* out = nullptr) {
        auto t = freshToken();
        const uint64_t before = m_card->apduCount();
        auto objs = t->objects();
        EXPECT_TRUE(objs) << (objs ? "" : objs.error().describe());
        if (out && objs) *out = *objs;
        return m_card->apduCount() - before;
    }
    static const token::KeyObject* find(const std::vector<token::KeyObject>& objs, uint8_t ref) {
        for (const auto& o : objs)
            if (o.key.ref == ref) return &o;
        return nullptr;
    }

    TempDir m_tmp;
    ObjectCache m_cache{m_tmp.path()};
};

TEST_F(TokenCacheTest, SecondProcessListsFromTheCacheWithFewApdus) {
    {
        auto t = freshToken();
        enrol(*t, 0x9A, KeyAlgorithm::Rsa2048);
        enrol(*t, 0x9D, KeyAlgorithm::EcP256);
        enrol(*t, 0x82, KeyAlgorithm::EcP256);
    }
    std::vector<token::KeyObject> cold, warm;
    const uint64_t coldApdus = listWithFreshToken(&cold);
    const uint64_t warmApdus = listWithFreshToken(&warm);
    EXPECT_LT(warmApdus, coldApdus);
    EXPECT_LE(warmApdus, 3u + 5u + 2u) << "SELECT, serial, CHUID + 4 main slots + one cached retired "
                                           "certificate + metadata of the 2 main slots without a certificate";
    ASSERT_EQ(warm.size(), cold.size());
    for (std::size_t i = 0; i < cold.size(); ++i) {
        EXPECT_EQ(warm[i].key.ref, cold[i].key.ref);
        EXPECT_EQ(warm[i].key.publicKeyInfo, cold[i].key.publicKeyInfo);
        EXPECT_EQ(warm[i].key.pinPolicy, cold[i].key.pinPolicy);
        ASSERT_EQ(warm[i].certificate.has_value(), cold[i].certificate.has_value());
        if (cold[i].certificate) {
            EXPECT_EQ(warm[i].certificate->der, cold[i].certificate->der);
        }
    }
    // A cached key signs without probing the slot first.
    auto t = freshToken();
    ASSERT_TRUE(t->objects());
    ASSERT_TRUE(t->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*t, 0x9A, find(warm, 0x9A)->key.publicKeyInfo), "");
}

TEST_F(TokenCacheTest, CertificateReplacedByAnotherProgramIsNoticed) {
    Bytes spki;
    {
        auto t = freshToken();
        spki = enrol(*t, 0x9A, KeyAlgorithm::Rsa2048);
    }
    std::vector<token::KeyObject> objs;
    listWithFreshToken(&objs);
    ASSERT_TRUE(find(objs, 0x9A) && find(objs, 0x9A)->certificate);
    EXPECT_NE(find(objs, 0x9A)->certificate->commonName, "renewed");

    {  // "another program": a token without our cache writes a renewed certificate for the same key
        token::Token other(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
        ASSERT_TRUE(other.loginSo(token::SoCredential::ManagementKey, kMgmtKey));
        ASSERT_TRUE(other.writeCertificate(0x9A, makeCertificate(spki, "renewed")));
    }
    listWithFreshToken(&objs);
    ASSERT_TRUE(find(objs, 0x9A) && find(objs, 0x9A)->certificate);
    EXPECT_EQ(find(objs, 0x9A)->certificate->commonName, "renewed");

    {  // ... and adds one to an empty main slot
        token::Token other(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
        ASSERT_TRUE(other.loginSo(token::SoCredential::ManagementKey, kMgmtKey));
        ASSERT_TRUE(other.generateKey(0x9E, KeyAlgorithm::EcP256));
        auto k = other.objects();
        ASSERT_TRUE(k);
        ASSERT_TRUE(other.writeCertificate(0x9E, makeCertificate(find(*k, 0x9E)->key.publicKeyInfo, "card auth")));
    }
    listWithFreshToken(&objs);
    ASSERT_TRUE(find(objs, 0x9E));
    EXPECT_TRUE(find(objs, 0x9E)->certificate);
}

TEST_F(TokenCacheTest, KeyGeneratedByAnotherProgramWithoutCertificateIsNoticed) {
    {
        auto t = freshToken();
        enrol(*t, 0x9A, KeyAlgorithm::Rsa2048);
    }
    std::vector<token::KeyObject> objs;
    listWithFreshToken(&objs);
    ASSERT_FALSE(find(objs, 0x9D));

    {  // "another program" generates a key in 9D and writes no certificate (yubico-piv-tool generate)
        token::Token other(m_manager->backend(), "Reader A", m_card->atr(), nullptr);
        ASSERT_TRUE(other.loginSo(token::SoCredential::ManagementKey, kMgmtKey));
        ASSERT_TRUE(other.generateKey(0x9D, KeyAlgorithm::EcP256));
    }
    listWithFreshToken(&objs);
    ASSERT_TRUE(find(objs, 0x9D)) << "a cached list served a stale view of slot 9D";
    EXPECT_FALSE(find(objs, 0x9D)->certificate);
}

TEST_F(TokenCacheTest, OurOwnWritesReplaceTheEntry) {
    auto t = freshToken();
    ASSERT_TRUE(t->objects());
    ASSERT_TRUE(fs::exists(m_tmp.path()));
    const Bytes spki = enrol(*t, 0x9C, KeyAlgorithm::EcP256);
    std::vector<token::KeyObject> objs;
    listWithFreshToken(&objs);
    ASSERT_TRUE(find(objs, 0x9C));
    EXPECT_EQ(find(objs, 0x9C)->key.publicKeyInfo, spki);
    EXPECT_TRUE(find(objs, 0x9C)->certificate);

    ASSERT_TRUE(t->deleteCertificate(0x9C));
    listWithFreshToken(&objs);
    ASSERT_TRUE(find(objs, 0x9C));
    EXPECT_FALSE(find(objs, 0x9C)->certificate);
}

TEST(ObjectCacheFormat, ExtendedLengthAnswerRoundTripsAndIsAbsentUnlessLearned) {
    for (bool on : {false, true}) {
        auto d =
            ObjectCache::decode(ObjectCache::encode(sampleId(), sampleKeys(), Clock::now(), nullptr, on));
        ASSERT_TRUE(d) << d.error().describe();
        EXPECT_EQ(d->extendedLength, std::optional<bool>(on));
        EXPECT_EQ(d->keys.size(), sampleKeys().size());
    }
    auto none = ObjectCache::decode(ObjectCache::encode(sampleId(), sampleKeys(), Clock::now()));
    ASSERT_TRUE(none);
    EXPECT_EQ(none->extendedLength, std::nullopt);
}

}  // namespace
}  // namespace tokentest
