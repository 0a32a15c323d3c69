#include "core/base/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/apdu/channel.h"
#include "core/transport/in_process_transport.h"

using core::hexBytes;

// The redacting logger: with every category at debug level, the APDU trace of PIN operations carries
// no PIN or PUK byte, while ordinary commands stay readable.
TEST(Log, ApduTraceNeverContainsPinsOrPuks) {
    std::vector<std::string> lines;
    core::log::configure("all,debug", [&](std::string_view l) { lines.emplace_back(l); });
    transport::InProcessTransport t({[](core::ByteView) { return hexBytes("9000"); },
                                     [] { return hexBytes("3B00"); }, [] {}});
    apdu::Channel ch(t);
    const auto pin = hexBytes("313233343536FFFF");
    const auto pinAndNew = hexBytes("3132333435363738 3837363534333231");
    ASSERT_TRUE(ch.transmit(apdu::Command(0x00, 0x20, 0x00, 0x80, pin)));
    ASSERT_TRUE(ch.transmit(apdu::Command(0x00, 0x24, 0x00, 0x80, pinAndNew)));
    ASSERT_TRUE(ch.transmit(apdu::Command(0x00, 0x2C, 0x00, 0x80, pinAndNew)));
    ASSERT_TRUE(ch.transmit(apdu::Command(0x00, 0xA4, 0x04, 0x00, hexBytes("A000000308"))));
    core::log::configure("", {});

    ASSERT_GE(lines.size(), 8u);
    std::string all;
    for (auto& l : lines) all += l + "\n";
    for (const char* secret : {"313233343536", "3837363534333231", "123456", "87654321"})
        EXPECT_EQ(all.find(secret), std::string::npos) << secret << " leaked:\n" << all;
    EXPECT_NE(all.find("A000000308"), std::string::npos);  // non-secret data stays visible
    EXPECT_NE(all.find("redacted"), std::string::npos);
}

TEST(Log, CategoriesSelectWhatIsWritten) {
    std::vector<std::string> lines;
    core::log::configure("piv", [&](std::string_view l) { lines.emplace_back(l); });
    EXPECT_TRUE(core::log::enabled("piv"));
    EXPECT_FALSE(core::log::enabled("apdu"));
    EXPECT_FALSE(core::log::enabled("piv", core::log::Level::Debug));
    EXPECT_TRUE(core::log::enabled("apdu", core::log::Level::Error));
    MESIGN_LOG("piv", Info, "hello");
    MESIGN_LOG("apdu", Info, "hidden");
    core::log::configure("", {});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("piv info: hello"), std::string::npos);
    EXPECT_FALSE(core::log::enabled("piv"));
}
