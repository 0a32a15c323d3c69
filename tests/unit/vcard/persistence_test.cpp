// State file: creation, round trip across restarts, atomic writes, refusal of corrupt or foreign files.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "card_test_util.h"
#include "core/apdu/tlv.h"
#include "host_crypto.h"
#include "vcard/open_card.h"

namespace vcard::test {
namespace {

std::unique_ptr<VirtualCard> open(const std::filesystem::path& p, const std::string& apps) {
    auto c = openCard(p, apps);
    EXPECT_TRUE(c) << (c ? "" : c.error().describe());
    return c ? std::move(*c) : nullptr;
}

// A file with a valid header and checksum around `body`.
Bytes wrapBody(ByteView body, uint16_t version = 1) {
    Bytes f = {'M',
               'E',
               'S',
               'I',
               'G',
               'N',
               'V',
               'C',
               static_cast<uint8_t>(version >> 8),
               static_cast<uint8_t>(version)};
    const std::size_t n = body.size();
    for (int s = 24; s >= 0; s -= 8) f.push_back(static_cast<uint8_t>(n >> s));
    core::append(f, body);
    uint8_t d[32];
    SHA256(f.data(), f.size(), d);
    f.insert(f.end(), d, d + 32);
    return f;
}

TEST(Persistence, CreateOnlyWhenAsked) {
    TempDir dir;
    const auto path = dir.path() / "card.vcard";
    auto missing = openCard(path, "");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, core::Errc::Io);
    EXPECT_NE(missing.error().message.find("no such card"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(path));
    auto bad = openCard(path, "gids");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, core::Errc::InvalidArgument);
    EXPECT_FALSE(std::filesystem::exists(path));

    auto card = open(path, "piv");
    ASSERT_TRUE(card);
    EXPECT_EQ(card->describe(), "PIV card, state " + path.string());
    const Bytes file = readFile(path);
    ASSERT_GT(file.size(), 100u);
    EXPECT_EQ(std::string(file.begin(), file.begin() + 8), "MESIGNVC");
    // Opening an existing file with "piv" does not recreate it.
    auto again = open(path, "piv");
    EXPECT_EQ(readFile(path), file);
    EXPECT_EQ(Host(*again).raw("00F8000000").data, Host(*card).raw("00F8000000").data);
}

TEST(Persistence, CreationInAMissingDirectoryFailsCleanly) {
    TempDir dir;
    const auto path = dir.path() / "nope" / "card.vcard";
    auto r = openCard(path, "piv");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::Errc::Io);
    EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "nope"));
}

TEST(Persistence, KeysObjectsAndCountersSurviveRestartPinStatusDoesNot) {
    TempDir dir;
    const auto path = dir.path() / "card.vcard";
    Bytes tmpl, serial, chuid;
    {
        auto card = open(path, "piv");
        Host h(*card);
        ASSERT_EQ(h.authenticateDefault(), 0x9000);
        tmpl = h.generate(0x9A, 0x11);
        Bytes put = hexBytes("5C035FC105 5306 7001AA 710100");
        ASSERT_EQ(swHex(h.transmit(0xDB, 0x3F, 0xFF, put).sw), "9000");
        Bytes k = hexBytes("00112233445566778899AABBCCDDEEFF");
        Bytes setKey = {0x08, 0x9B, 0x10};
        core::append(setKey, k);
        ASSERT_EQ(swHex(h.transmit(0xFF, 0xFF, 0xFF, setKey).sw), "9000");
        ASSERT_EQ(h.verify("123456"), 0x9000);
        ASSERT_EQ(swHex(h.verify("999999")), "63C2");
        serial = h.raw("00F8000000").data;
        chuid = h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC102")).data;
    }
    auto card = open(path, "");
    ASSERT_TRUE(card);
    Host h(*card);
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C2") << "counter persisted, PIN not verified";
    EXPECT_EQ(h.raw("00F8000000").data, serial);
    EXPECT_EQ(h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC102")).data, chuid);
    EXPECT_EQ(h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC105")).data, hexBytes("5306 7001AA 710100"));
    Rsp md = h.raw("00F7009A00");
    ASSERT_EQ(swHex(md.sw), "9000");
    EXPECT_EQ(Bytes(apdu::find(md.data, 0x04)->begin(), apdu::find(md.data, 0x04)->end()), tmpl);
    EXPECT_EQ(swHex(h.authenticateDefault()), "6A86");
    EXPECT_EQ(swHex(h.authenticate(0x08, hexBytes("00112233445566778899AABBCCDDEEFF"))), "9000");
    ASSERT_EQ(h.verify("123456"), 0x9000);
    const Bytes digest = sha256(hexBytes("0A"));
    uint16_t sw = 0;
    Bytes sig = h.generalAuth(0x11, 0x9A, 0x81, digest, &sw);
    ASSERT_EQ(swHex(sw), "9000");
    EXPECT_TRUE(verifyEcdsa(publicFromTemplate(0x11, tmpl).get(), digest, sig));
}

TEST(Persistence, WrongPinIsCountedEvenIfTheProcessDiesRightAfter) {
    TempDir dir;
    const auto path = dir.path() / "c";
    auto card = open(path, "piv");
    Host h(*card);
    ASSERT_EQ(swHex(h.verify("000000")), "63C2");
    // No orderly shutdown: a second process opens the file while the first still holds the card.
    auto other = open(path, "");
    EXPECT_EQ(swHex(Host(*other).raw("00200080").sw), "63C2");
}

TEST(Persistence, WritesAreAtomicAndLeaveNoTemporaryFiles) {
    TempDir dir;
    const auto path = dir.path() / "card.vcard";
    auto card = open(path, "piv");
    Host h(*card);
    const Bytes before = readFile(path);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    ASSERT_EQ(swHex(h.raw("00DB3FFF09 5C035FC10C 5302C100").sw), "9000");
    EXPECT_NE(readFile(path), before);
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 1);
}

TEST(Persistence, FailedWriteRollsBackAndAnswers6581) {
    TempDir dir;
    const auto sub = dir.path() / "sub";
    std::filesystem::create_directory(sub);
    const auto path = sub / "card.vcard";
    auto card = open(path, "piv");
    Host h(*card);
    ASSERT_EQ(h.authenticateDefault(), 0x9000);
    std::filesystem::remove_all(sub);  // the directory vanishes: the next save cannot write
    EXPECT_EQ(swHex(h.raw("00DB3FFF09 5C035FC10C 5302C100").sw), "6581");
    EXPECT_EQ(swHex(h.transmit(0xCB, 0x3F, 0xFF, hexBytes("5C035FC10C")).sw), "6A82");
    EXPECT_EQ(swHex(h.verify("000000")), "6581") << "an attempt that cannot be recorded is not compared";
    EXPECT_EQ(swHex(h.raw("00200080").sw), "63C3");
}

TEST(Persistence, CorruptForeignTruncatedAndWrongVersionFilesAreRefusedAndUntouched) {
    TempDir dir;
    const auto good = dir.path() / "good";
    { auto c = open(good, "piv"); }
    const Bytes original = readFile(good);

    struct Case {
        const char* name;
        Bytes content;
        const char* expect;
    };
    Bytes flipped = original;
    flipped[flipped.size() / 2] ^= 0x40;
    Bytes wrongVersion = original;
    wrongVersion[9] = 0x02;
    const std::vector<Case> cases = {
        {"flipped", flipped, "checksum mismatch"},
        {"truncated", Bytes(original.begin(), original.end() - 1), "truncated"},
        {"short", Bytes(original.begin(), original.begin() + 12), "truncated"},
        {"trailing",
         [&] {
             Bytes b = original;
             b.push_back(0);
             return b;
         }(),
         "trailing data"},
        {"foreign", hexBytes("7B2276657273696F6E223A317D"), "bad magic"},
        {"empty", {}, "bad magic"},
        {"version", wrongVersion, "unsupported format version 2"},
        {"garbage-body", wrapBody(hexBytes("E103 8101")), "corrupt"},
        {"no-apps", wrapBody({}), "no card application"},
        {"other-section", wrapBody(hexBytes("E200")), "unexpected application section"},
        {"bad-piv", wrapBody(hexBytes("E104 81020102")), "PIV state"},
    };
    for (const auto& c : cases) {
        const auto p = dir.path() / c.name;
        writeFile(p, c.content);
        auto r = openCard(p, "piv");
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, core::Errc::Malformed) << c.name;
        EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.name << ": " << r.error().message;
        EXPECT_NE(r.error().message.find(p.string()), std::string::npos)
            << c.name << ": " << r.error().message;
        EXPECT_EQ(readFile(p), c.content) << c.name << " must be left untouched";
    }
    // A directory in place of the file.
    const auto d = dir.path() / "adir";
    std::filesystem::create_directory(d);
    auto r = openCard(d, "piv");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::Errc::Io);
}

}  // namespace
}  // namespace vcard::test
