// Token data objects (PIV CKO_DATA): which exist, kept in the disk cache entry without renewing its age, our
// writes and deletes seen at once by a new Token (= a new process), and what is refused.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/token/object_cache.h"
#include "test_crypto.h"

namespace tokentest {
namespace {

namespace fs = std::filesystem;
using token::ObjectCache;

constexpr uint32_t kChuid = 0x5FC102, kCcc = 0x5FC107, kPrinted = 0x5FC109, kVendor1 = 0x5FFF20;

bool has(const std::vector<uint32_t>& tags, uint32_t t) {
    return std::find(tags.begin(), tags.end(), t) != tags.end();
}

class TokenDataTest : public TokenFixture {
protected:
    void SetUp() override {
        TokenFixture::SetUp();
        std::string tmpl = (fs::temp_directory_path() / "mesign-data-test.XXXXXX").string();
        m_dir = mkdtemp(tmpl.data());
        m_cache = std::make_unique<ObjectCache>(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    std::unique_ptr<token::Token> freshToken() {
        return std::make_unique<token::Token>(m_manager->backend(), "Reader A", m_card->atr(), m_cache.get());
    }
    fs::path m_dir;
    std::unique_ptr<ObjectCache> m_cache;
};

TEST_F(TokenDataTest, PublicObjectsListedOnceThenFromTheCacheEntryWithoutRenewingIt) {
    std::vector<uint32_t> first;
    {
        auto t = freshToken();
        auto tags = t->dataObjects();
        ASSERT_TRUE(tags) << describe(tags.error());
        first = *tags;
    }
    EXPECT_TRUE(has(first, kChuid));
    EXPECT_TRUE(has(first, kCcc));
    EXPECT_FALSE(has(first, kPrinted)) << "PIN-protected objects are not probed without a login";
    EXPECT_FALSE(has(first, kVendor1));
    auto id = freshToken()->info();
    ASSERT_TRUE(id);
    auto entry = m_cache->loadEntry({"PIV", id->cardId, id->serial});
    ASSERT_TRUE(entry);
    ASSERT_TRUE(entry->dataObjects);
    EXPECT_EQ(*entry->dataObjects, first);
    const auto written = entry->written;

    auto t = freshToken();
    ASSERT_TRUE(t->objects());
    const uint64_t before = m_card->apduCount();
    auto again = t->dataObjects();
    ASSERT_TRUE(again);
    EXPECT_EQ(m_card->apduCount() - before, 0u) << "a new process takes the list from the cache entry";
    EXPECT_EQ(*again, first);
    auto entry2 = m_cache->loadEntry({"PIV", id->cardId, id->serial});
    ASSERT_TRUE(entry2);
    EXPECT_EQ(entry2->written, written) << "adding the data-object list must not renew the entry";
}

TEST_F(TokenDataTest, WrittenAndDeletedObjectsShowAtOnceInANewProcess) {
    auto t = freshToken();
    ASSERT_TRUE(t->dataObjects());  // the list is in the cache entry before the write
    ASSERT_TRUE(t->loginSo(token::SoCredential::ManagementKey, kMgmtKey));
    const Bytes value = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_TRUE(t->writeDataObject(kVendor1, value));
    auto mine = t->dataObjects();
    ASSERT_TRUE(mine);
    EXPECT_TRUE(has(*mine, kVendor1));

    auto other = freshToken();
    auto tags = other->dataObjects();
    ASSERT_TRUE(tags);
    EXPECT_TRUE(has(*tags, kVendor1));
    auto read = other->readDataObject(kVendor1);
    ASSERT_TRUE(read);
    ASSERT_TRUE(*read);
    EXPECT_EQ(**read, value);

    ASSERT_TRUE(t->deleteDataObject(kVendor1));
    auto after = freshToken()->dataObjects();
    ASSERT_TRUE(after);
    EXPECT_FALSE(has(*after, kVendor1));
    auto gone = freshToken()->readDataObject(kVendor1);
    ASSERT_TRUE(gone);
    EXPECT_FALSE(*gone);
}

TEST_F(TokenDataTest, WritesAreRefusedWithoutTheManagementKeyOrOutsideTheWritableObjects) {
    auto t = freshToken();
    const Bytes value = {1, 2, 3};
    auto st = t->writeDataObject(kVendor1, value);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(t->loginUser(kPin));
    st = t->writeDataObject(kVendor1, value);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(t->logout());
    ASSERT_TRUE(t->loginSo(token::SoCredential::ManagementKey, kMgmtKey));
    st = t->writeDataObject(kChuid, value);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::InvalidArgument) << "the CHUID is the card's identity: read-only";
    st = t->writeDataObject(kVendor1, Bytes());
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::InvalidArgument);
    st = t->writeDataObject(kVendor1, Bytes(3064, 0xAB));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::NoSpace);
}

// (With printed information on the card it appears after login: tests/interop_p11/data_objects_interop.sh.)
TEST_F(TokenDataTest, ALoginProbesThePinProtectedObjectsWithoutInventingAny) {
    auto t = freshToken();
    auto before = t->dataObjects();
    ASSERT_TRUE(before);
    EXPECT_FALSE(has(*before, kPrinted));
    ASSERT_TRUE(t->loginUser(kPin));
    auto during = t->dataObjects();
    ASSERT_TRUE(during);
    // The fresh virtual card has no printed information: a login alone must not invent it.
    EXPECT_FALSE(has(*during, kPrinted));
    EXPECT_EQ(during->size(), before->size());
    ASSERT_TRUE(t->logout());
    auto afterLogout = t->dataObjects();
    ASSERT_TRUE(afterLogout);
    EXPECT_EQ(*afterLogout, *before);
}

TEST(ObjectCacheDataTest, DataObjectListRoundTripsAndOldEntriesHaveNone) {
    const token::CacheIdentity id{"PIV", Bytes{1, 2, 3, 4}, "42"};
    const std::vector<uint32_t> tags = {0x5FC107, 0x00007E, 0x007F61, 0x5FFF23};
    const auto now = std::chrono::system_clock::now();
    auto d = ObjectCache::decode(ObjectCache::encode(id, {}, now, &tags));
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->dataObjects);
    EXPECT_EQ(*d->dataObjects, tags);
    auto old = ObjectCache::decode(ObjectCache::encode(id, {}, now));
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->dataObjects) << "an entry without the list means: not probed yet";
}

}  // namespace
}  // namespace tokentest
