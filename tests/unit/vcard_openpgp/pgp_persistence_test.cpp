// The OpenPGP section of the state file (round trip, corruption), TERMINATE DF / ACTIVATE FILE, a write
// failure rolling back, and a table of malformed APDUs that must neither crash nor change anything.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <fstream>

#include "core/apdu/tlv.h"
#include "pgp_test_util.h"
#include "vcard/open_card.h"

namespace vcard::pgptest {
namespace {

std::unique_ptr<VirtualCard> open(const std::filesystem::path& p, const std::string& apps) {
    auto c = openCard(p, apps);
    EXPECT_TRUE(c) << (c ? "" : c.error().describe());
    return c ? std::move(*c) : nullptr;
}

TEST(PgpPersistence, EverythingButTheSecurityStatusSurvivesARestart) {
    TempDir dir;
    const auto path = dir.path() / "card.state";
    Bytes aid, pub, app;
    {
        auto card = open(path, "openpgp");
        ASSERT_TRUE(card);
        EXPECT_EQ(card->describe(), "OpenPGP card, state " + path.string());
        Host h(*card);
        h.setAttributes(0, kP256Sign);
        pub = h.generate(0);
        ASSERT_EQ(swHex(h.putData(0x00C7, Bytes(20, 0x11))), "9000");
        ASSERT_EQ(swHex(h.putData(0x005B, ascii("Doe<<Jane"))), "9000");
        ASSERT_EQ(swHex(h.putData(0x00D3, ascii("resetting"))), "9000");
        ASSERT_EQ(swHex(h.putData(0x00C4, hexBytes("01"))), "9000");
        ASSERT_EQ(h.sw("00A5020406 60045C027F21"), "9000");
        ASSERT_EQ(swHex(h.putData(0x7F21, ascii("SIG CERT"))), "9000");
        ASSERT_EQ(swHex(h.transmit(0x24, 0x00, 0x81, ascii("123456654321"), 0).sw), "9000");
        ASSERT_EQ(swHex(h.verify(0x81, "654321")), "9000");
        ASSERT_EQ(swHex(h.transmit(0x2A, 0x9E, 0x9A, Bytes(32, 7)).sw), "9000");
        ASSERT_EQ(swHex(h.verify(0x83, "00000000")), "6982");
        aid = h.getData(0x004F).data;
        app = h.getData(0x006E).data;
    }
    auto card = open(path, "");
    ASSERT_TRUE(card);
    Host h(*card);
    h.select();
    EXPECT_EQ(h.getData(0x004F).data, aid);
    EXPECT_EQ(h.getData(0x006E).data, app);
    EXPECT_EQ(h.getData(0x00C4).data, hexBytes("017F7F7F030302"));
    EXPECT_EQ(h.getData(0x0093).data, hexBytes("000001"));
    EXPECT_EQ(h.getData(0x0065).data, hexBytes("6511 5B09 446F653C3C4A616E65 5F2D00 5F3500"));
    EXPECT_EQ(h.transmit(0x47, 0x81, 0x00, crt(0)).data, apdu::encodeTlv(0x7F49, pub));
    EXPECT_EQ(h.sw("00A5020406 60045C027F21"), "9000");
    EXPECT_EQ(h.getData(0x7F21).data, ascii("SIG CERT"));
    EXPECT_EQ(h.sw("00200081"), "63C3") << "verification is not persisted";
    EXPECT_EQ(swHex(h.verify(0x81, "654321")), "9000");
    EXPECT_EQ(swHex(h.transmit(0x2A, 0x9E, 0x9A, Bytes(32, 7)).sw), "9000");
}

TEST(PgpPersistence, PivAndOpenPgpShareOneFile) {
    TempDir dir;
    const auto path = dir.path() / "both.state";
    Bytes aid;
    {
        auto card = open(path, "piv,openpgp");
        ASSERT_TRUE(card);
        Host h(*card);
        h.select();
        ASSERT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
        ASSERT_EQ(swHex(h.putData(0x5F50, ascii("https://k"))), "9000");
        aid = h.getData(0x004F).data;
    }
    auto card = open(path, "piv");  // an existing file is opened as it is
    ASSERT_TRUE(card);
    EXPECT_EQ(card->describe(), "PIV+OpenPGP card, state " + path.string());
    Host h(*card);
    EXPECT_EQ(h.sw("00FD000000"), "9000");
    h.select();
    EXPECT_EQ(h.getData(0x004F).data, aid);
    EXPECT_EQ(h.getData(0x5F50).data, ascii("https://k"));
}

TEST(PgpPersistence, CorruptOpenPgpSectionsAreRefused) {
    TempDir dir;
    auto wrap = [](ByteView body) {
        Bytes f = {'M', 'E', 'S', 'I', 'G', 'N', 'V', 'C', 0, 1};
        for (int s = 24; s >= 0; s -= 8) f.push_back(static_cast<uint8_t>(body.size() >> s));
        core::append(f, body);
        uint8_t d[32];
        SHA256(f.data(), f.size(), d);
        f.insert(f.end(), d, d + 32);
        return f;
    };
    const struct {
        const char* name;
        const char* body;
    } cases[] = {
        {"empty", "E300"},
        {"bad-serial", "E30E 810400000000 8206313233343536"},
        {"short-pin", "E31C 810412345678 82053132333435 83083132333435363738 8503030003"},
        {"twice", "E300 E300"},
    };
    for (const auto& c : cases) {
        const auto p = dir.path() / c.name;
        const Bytes content = wrap(hexBytes(c.body));
        std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(content.data()),
                                                 static_cast<std::streamsize>(content.size()));
        auto r = openCard(p, "");
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, core::Errc::Malformed) << c.name;
        EXPECT_NE(r.error().message.find("OpenPGP state"), std::string::npos) << c.name << ": " << r.error().message;
        EXPECT_EQ(readFile(p), content) << "left untouched";
    }
}

TEST(PgpLifeCycle, TerminateAndActivateResetTheApplication) {
    TempDir dir;
    const auto path = dir.path() / "card.state";
    auto card = open(path, "openpgp");
    Host h(*card);
    h.setAttributes(0, kEd25519);
    h.generate(0);
    ASSERT_EQ(swHex(h.putData(0x005B, ascii("Name"))), "9000");
    const Bytes aid = h.getData(0x004F).data;
    h.select();
    EXPECT_EQ(h.sw("00E60000"), "6982") << "PW3 neither verified nor blocked";
    EXPECT_EQ(h.sw("0044000001 00"), "6700");
    EXPECT_EQ(h.sw("00440000"), "9000") << "ACTIVATE on an operational card does nothing";
    EXPECT_EQ(h.getData(0x005B).data, ascii("Name"));
    // OpenSC's recipe for a lost admin PIN: block PW3, then TERMINATE without verification.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(h.sw("0020008308 4040404040404040"), "6982");
    EXPECT_EQ(h.sw("00E60100"), "6A86");
    EXPECT_EQ(h.sw("00E60000"), "9000");
    EXPECT_EQ(h.sw("00CA004F00"), "6D00") << "terminated: only ACTIVATE";
    EXPECT_EQ(h.sw("00A4040006D27600012401 00"), "6285");
    {
        auto reopened = open(path, "");  // the terminated state is persistent
        Host h2(*reopened);
        EXPECT_EQ(h2.sw("00A4040006D27600012401 00"), "6285");
    }
    EXPECT_EQ(h.sw("00200083"), "6D00");
    EXPECT_EQ(h.sw("00440000"), "9000");
    h.select();
    EXPECT_EQ(h.getData(0x004F).data, aid) << "the serial belongs to the card";
    EXPECT_EQ(h.getData(0x005B).data, Bytes{});
    EXPECT_EQ(h.getData(0x00C4).data, hexBytes("007F7F7F030003"));
    EXPECT_EQ(h.getData(0x00C1).data, hexBytes(kRsa2048));
    EXPECT_EQ(h.getData(0x00DE).data, hexBytes("010002000300"));
    EXPECT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
    EXPECT_EQ(h.sw("00E60000"), "9000") << "after PW3";
    EXPECT_EQ(h.sw("00440000"), "9000");
}

TEST(PgpPersistence, FailedWriteRollsBackAndAnswers6581) {
    TempDir dir;
    const auto sub = dir.path() / "sub";
    std::filesystem::create_directory(sub);
    auto card = open(sub / "card.state", "openpgp");
    Host h(*card);
    h.select();
    ASSERT_EQ(swHex(h.verify(0x83, "12345678")), "9000");
    std::filesystem::remove_all(sub);
    EXPECT_EQ(swHex(h.putData(0x005B, ascii("x"))), "6581");
    EXPECT_EQ(h.getData(0x005B).data, Bytes{});
    EXPECT_EQ(swHex(h.verify(0x81, "000000")), "6581") << "an attempt that cannot be recorded is not compared";
    EXPECT_EQ(h.getData(0x00C4).data, hexBytes("007F7F7F030003"));
}

TEST(PgpMalformed, TableNeverChangesState) {
    TempDir dir;
    const auto path = dir.path() / "card.state";
    auto card = open(path, "openpgp");
    Host h(*card);
    h.setAttributes(0, kP256Sign);
    h.generate(0);
    h.select();
    ASSERT_EQ(swHex(h.verify(0x81, "123456")), "9000");
    const Bytes fileBefore = readFile(path);
    const Bytes appBefore = h.getData(0x006E).data;
    const struct {
        const char* apdu;
        const char* sw;
    } cases[] = {
        {"00", "6700"},
        {"00CA00", "6700"},
        {"00CA004F05 00", "6700"},          // Lc larger than the data
        {"80CA004F00", "6E00"},             // proprietary class
        {"0CCA004F00", "6E00"},             // secure messaging
        {"00FF000000", "6D00"},
        {"00DA005B03 414243", "6982"},      // PUT DATA without PW3
        {"00DB3FFF02 4D00", "6982"},
        {"0047800002B600", "6982"},
        {"00E60000", "6982"},
        {"002A9E9A00", "6A80"},             // no data (00 is Le here); keeps PW1 (81)
        {"002A9E9A05 0102030405 00", "6A80"},  // hash of impossible length; keeps PW1 (81)
        {"002A808602 0000 00", "6982"},
        {"0088000002 0102 00", "6982"},
        {"00A5000406 60045C027F21 00", "9000"},
        {"00A50004 FF", "6A80"},
        {"0020008102 3132", "6A80"},
        {"0020008300", "63C3"},            // a status query with Le
        {"00240081", "6A80"},
        {"002C0281", "6982"},
        {"10CA004F00", "6884"},            // GET DATA cannot be chained
        {"1047800002B600", "6884"},
        {"00C0000000", "6985"},            // nothing to get
        {"002241B802 8301", "6A80"},
        {"0084000000", "6700"},
    };
    for (const auto& c : cases) EXPECT_EQ(h.sw(c.apdu), c.sw) << c.apdu;
    EXPECT_EQ(readFile(path), fileBefore);
    EXPECT_EQ(h.getData(0x006E).data, appBefore);
    EXPECT_EQ(h.sw("00200081"), "9000") << "PW1 (81) still verified";
    // Random garbage: a status word every time, never a crash.
    uint32_t x = 12345;
    for (int i = 0; i < 2000; ++i) {
        Bytes apdu(4 + (x % 40));
        for (auto& b : apdu) {
            x = x * 1103515245u + 12345u;
            b = static_cast<uint8_t>(x >> 16);
        }
        apdu[0] = 0x00;
        if (apdu[1] == 0xE6 || apdu[1] == 0x44 || apdu[1] == 0xA4) apdu[1] = 0xCA;  // keep the life cycle
        const Bytes r = card->process(apdu);
        ASSERT_GE(r.size(), 2u);
    }
    h.select();
    EXPECT_EQ(h.getData(0x004F).data.size(), 16u);
}

}  // namespace
}  // namespace vcard::pgptest
