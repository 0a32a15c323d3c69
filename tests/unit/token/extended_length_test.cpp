// Extended length at the token level: the PIV channel decides from the ATR when it says, else probes with
// the first certificate read and the disk cache keeps the card's answer, so a new process (a new Token)
// neither probes again nor wastes an APDU on a card that refuses. Over the fake PC/SC world, behind a
// reader that carries extended APDUs (the fake's own connections do not) and optionally refuses them
// at the card (6700), as a short-only card does.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/token/object_cache.h"
#include "test_crypto.h"

namespace tokentest {
namespace {

namespace fs = std::filesystem;
using token::ObjectCache;

bool isExtended(const Bytes& c) {
    return c.size() > 5 && c[4] == 0x00;
}

struct Wire {
    std::vector<Bytes> sent;
    bool cardRefusesExtended = false;
    std::size_t count(const std::function<bool(const Bytes&)>& f) const {
        return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), f));
    }
};

class ExtendedReaderTransport final : public transport::Transport {
  public:
    ExtendedReaderTransport(std::unique_ptr<transport::Transport> inner, Wire& wire)
        : m_inner(std::move(inner)), m_wire(wire) {}
    core::Result<Bytes> transmit(ByteView command) override {
        m_wire.sent.emplace_back(command.begin(), command.end());
        if (m_wire.cardRefusesExtended && isExtended(m_wire.sent.back())) return Bytes{0x67, 0x00};
        return m_inner->transmit(command);
    }
    core::Result<Bytes> atr() override { return m_inner->atr(); }
    core::Status reset() override { return m_inner->reset(); }
    core::Status beginTransaction() override { return m_inner->beginTransaction(); }
    void endTransaction() override { m_inner->endTransaction(); }
    bool supportsExtendedLength() const override { return true; }
    std::string readerName() const override { return m_inner->readerName(); }

  private:
    std::unique_ptr<transport::Transport> m_inner;
    Wire& m_wire;
};

class ExtendedReaderBackend final : public token::ReaderBackend {
  public:
    ExtendedReaderBackend(std::shared_ptr<testsupport::FakeReaders> world, Wire& wire)
        : m_inner(std::move(world)), m_wire(wire) {}
    core::Result<std::vector<token::ReaderState>> readers() override { return m_inner.readers(); }
    core::Result<std::vector<token::ReaderState>> waitForChange(const std::vector<token::ReaderState>& known,
                                                                int timeoutMs) override {
        return m_inner.waitForChange(known, timeoutMs);
    }
    void cancel() override { m_inner.cancel(); }
    core::Result<std::unique_ptr<transport::Transport>> connect(const std::string& reader) override {
        auto t = m_inner.connect(reader);
        if (!t) return t;
        return std::unique_ptr<transport::Transport>(new ExtendedReaderTransport(std::move(*t), m_wire));
    }

  private:
    testsupport::FakeReaderBackend m_inner;
    Wire& m_wire;
};

constexpr uint8_t kInsGeneralAuthenticate = 0x87, kInsGetResponse = 0xC0, kInsGetData = 0xCB;
const Bytes kYubiKey5Atr = core::hexBytes("3BFD1300008131FE158073C021C057597562694B657940");
const Bytes kNoExtendedAtr = core::hexBytes("3B058073C02180");  // capabilities: chaining, no extended length

class ExtendedLengthTest : public TokenFixture {
  protected:
    void SetUp() override {
        TokenFixture::SetUp();
        std::string tmpl = (fs::temp_directory_path() / "mesign-ext-test.XXXXXX").string();
        m_dir = mkdtemp(tmpl.data());
        m_cache = std::make_unique<ObjectCache>(m_dir);
        auto t = tokenIn(1);
        ASSERT_TRUE(t);
        m_rsa = enrol(*t, 0x9A, cardapp::KeyAlgorithm::Rsa2048);
        ASSERT_FALSE(m_rsa.empty());
        ASSERT_TRUE(t->logout());
        m_backend = std::make_unique<ExtendedReaderBackend>(m_world, m_wire);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    // A new process: a new Token over the extended-length reader.
    std::unique_ptr<token::Token> process(const Bytes& atr, bool withCache = true) {
        return std::make_unique<token::Token>(*m_backend, "Reader A", atr,
                                              withCache ? m_cache.get() : nullptr);
    }
    std::optional<bool> cachedExtendedLength() {
        auto t = process(m_card->atr(), false);
        auto id = t->info();
        EXPECT_TRUE(id);
        if (!id) return std::nullopt;
        auto entry = m_cache->loadEntry({"PIV", id->cardId, id->serial});
        EXPECT_TRUE(entry);
        return entry ? entry->extendedLength : std::nullopt;
    }
    // Signs with 9A in a fresh process whose object list comes from the cache; the APDUs on the wire.
    void warmSign() {
        m_wire.sent.clear();
        auto t = process(m_card->atr());
        ASSERT_TRUE(t->objects());
        ASSERT_TRUE(t->loginUser(kPin));
        EXPECT_EQ(signAndVerify(*t, 0x9A, m_rsa), "");
    }

    fs::path m_dir;
    std::unique_ptr<ObjectCache> m_cache;
    Wire m_wire;
    std::unique_ptr<ExtendedReaderBackend> m_backend;
    Bytes m_rsa;
};

TEST_F(ExtendedLengthTest, SilentAtrProbesWithTheFirstCertificateReadAndTheCacheRemembersYes) {
    {
        auto t = process(m_card->atr());
        auto objs = t->objects();
        ASSERT_TRUE(objs) << describe(objs.error());
    }
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGetResponse; }), 0u)
        << "certificates come in one extended APDU each";
    EXPECT_GE(m_wire.count([](const Bytes& c) { return c[1] == kInsGetData && isExtended(c); }), 1u);
    EXPECT_EQ(cachedExtendedLength(), std::optional<bool>(true));

    warmSign();
    ASSERT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGeneralAuthenticate; }), 1u)
        << "an RSA-2048 signature is one APDU, not a chain";
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGeneralAuthenticate && isExtended(c); }),
              1u);
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGetResponse; }), 0u);
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGetData && isExtended(c); }), 0u)
        << "no probe: the cache knew";
}

TEST_F(ExtendedLengthTest, CardRefusingExtendedFallsBackOnceAndTheNextProcessDoesNotProbe) {
    m_wire.cardRefusesExtended = true;
    {
        auto t = process(m_card->atr());
        auto objs = t->objects();
        ASSERT_TRUE(objs) << describe(objs.error());
        auto cert = std::find_if(objs->begin(), objs->end(), [](const auto& o) { return o.key.ref == 0x9A; });
        ASSERT_NE(cert, objs->end());
        EXPECT_FALSE(cert->key.certificate.empty()) << "the certificate was read again with short APDUs";
    }
    EXPECT_EQ(m_wire.count(isExtended), 1u) << "one probe, then short APDUs only";
    EXPECT_EQ(cachedExtendedLength(), std::optional<bool>(false));

    warmSign();
    EXPECT_EQ(m_wire.count(isExtended), 0u) << "the cache said no: not even a probe";
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGeneralAuthenticate && (c[0] & 0x10); }),
              1u)
        << "the signature input goes chained";
}

TEST_F(ExtendedLengthTest, AtrThatSaysYesIsBelievedOverTheCache) {
    m_wire.cardRefusesExtended = true;
    {
        auto t = process(m_card->atr());  // the silent ATR: the probe is refused, the cache keeps "no"
        ASSERT_TRUE(t->objects());
    }
    ASSERT_EQ(cachedExtendedLength(), std::optional<bool>(false));
    m_wire.cardRefusesExtended = false;
    m_wire.sent.clear();
    auto t = process(kYubiKey5Atr);
    ASSERT_TRUE(t->objects());
    ASSERT_TRUE(t->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*t, 0x9A, m_rsa), "");
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGeneralAuthenticate && isExtended(c); }),
              1u);
    EXPECT_EQ(m_wire.count([](const Bytes& c) { return c[1] == kInsGetResponse; }), 0u);
}

TEST_F(ExtendedLengthTest, AtrThatSaysNoIsBelievedOverReaderAndCache) {
    {
        auto t = process(m_card->atr());  // the silent ATR: the probe answers yes, the cache keeps it
        ASSERT_TRUE(t->objects());
    }
    ASSERT_EQ(cachedExtendedLength(), std::optional<bool>(true));
    m_wire.sent.clear();
    auto t = process(kNoExtendedAtr);
    ASSERT_TRUE(t->objects());
    ASSERT_TRUE(t->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*t, 0x9A, m_rsa), "");
    EXPECT_EQ(m_wire.count(isExtended), 0u);
}

}  // namespace
}  // namespace tokentest
