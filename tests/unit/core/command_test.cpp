#include "core/apdu/command.h"

#include <gtest/gtest.h>

using namespace apdu;
using core::Errc;
using core::hexBytes;

TEST(Command, EncodesTheFourShortCases) {
    EXPECT_EQ(*Command(0x00, 0xA4, 0x04, 0x00).encode(), hexBytes("00A40400"));
    EXPECT_EQ(*Command(0x00, 0xC0, 0, 0, {}, 8).encode(), hexBytes("00C0000008"));
    EXPECT_EQ(*Command(0x00, 0xC0, 0, 0, {}, 256).encode(), hexBytes("00C0000000"));
    EXPECT_EQ(*Command(0x00, 0x20, 0, 0x80, {0x31, 0x32}).encode(), hexBytes("002000800231 32"));
    EXPECT_EQ(*Command(0x00, 0xA4, 4, 0, {0xA0}, 256).encode(), hexBytes("00A4040001A000"));
}

TEST(Command, EncodesExtendedCases) {
    EXPECT_EQ(*Command(0x00, 0xCB, 0x3F, 0xFF, {}, 65536).encode(), hexBytes("00CB3FFF000000"));
    Bytes data(300, 0xAB);
    auto raw = *Command(0x00, 0xDB, 0x3F, 0xFF, data, 0).encode();
    ASSERT_EQ(raw.size(), 7u + 300u);
    EXPECT_EQ(raw[4], 0x00);
    EXPECT_EQ(raw[5], 0x01);
    EXPECT_EQ(raw[6], 0x2C);
    auto raw4 = *Command(0x00, 0x87, 0x07, 0x9A, data, 65536).encode();
    ASSERT_EQ(raw4.size(), 9u + 300u);
    EXPECT_EQ(raw4[raw4.size() - 2], 0x00);
    EXPECT_EQ(raw4[raw4.size() - 1], 0x00);
    EXPECT_EQ(Command(0, 0, 0, 0, Bytes(70000)).encode().error().code, Errc::InvalidArgument);
}

TEST(Command, ParsesEveryCaseAndRoundTrips) {
    const std::vector<Command> cmds = {
        Command(0x00, 0xA4, 0x04, 0x00),
        Command(0x00, 0xC0, 0, 0, {}, 256),
        Command(0x00, 0x20, 0, 0x80, Bytes(8, 0x31)),
        Command(0x10, 0x87, 0x07, 0x9C, Bytes(255, 0x01), 256),
        Command(0x00, 0xCB, 0x3F, 0xFF, {}, 65536),
        Command(0x00, 0xDB, 0x3F, 0xFF, Bytes(1000, 0x02)),
        Command(0x00, 0x87, 0x16, 0x9A, Bytes(512, 0x03), 1000),
    };
    for (const auto& c : cmds) {
        auto raw = c.encode();
        ASSERT_TRUE(raw);
        auto back = Command::parse(*raw);
        ASSERT_TRUE(back) << back.error().describe();
        EXPECT_EQ(back->cla, c.cla);
        EXPECT_EQ(back->ins, c.ins);
        EXPECT_EQ(back->data, c.data);
        EXPECT_EQ(back->ne, c.ne);
    }
}

TEST(Command, RejectsMalformedLengths) {
    for (const char* bad : {"", "00", "00A404", "00A4040002A0", "00A4040001A00000", "00A404000000030102",
                            "00A404000000", "00A4040000000201"}) {
        auto r = Command::parse(hexBytes(bad));
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, Errc::WrongLength) << bad;
    }
}

TEST(Response, ParseAndEncode) {
    auto r = Response::parse(hexBytes("01029000"));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok());
    EXPECT_EQ(r->data, hexBytes("0102"));
    EXPECT_EQ(r->encode(), hexBytes("01029000"));
    EXPECT_FALSE(Response::parse(hexBytes("90")));
}

TEST(Describe, RedactsSecretsAndKeepsTheRest) {
    const auto verify = describeCommand(hexBytes("00200080083132333435363738"));
    EXPECT_EQ(verify.find("3132"), std::string::npos);
    EXPECT_NE(verify.find("redacted 8 bytes"), std::string::npos);
    const auto change = describeCommand(hexBytes("002400801031323334353637383837363534333231"));
    EXPECT_EQ(change.find("3132"), std::string::npos);
    const auto reset = describeCommand(hexBytes("002C00801031323334353637383837363534333231"));
    EXPECT_EQ(reset.find("3837"), std::string::npos);
    const auto select = describeCommand(hexBytes("00A4040005A000000308"));
    EXPECT_NE(select.find("A000000308"), std::string::npos);
    const auto ga = describeResponse(0x87, hexBytes("7C0482020102 9000"));
    EXPECT_EQ(ga.find("7C04"), std::string::npos);
    EXPECT_NE(ga.find("9000"), std::string::npos);
}
