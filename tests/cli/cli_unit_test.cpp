// mesign-token's parsers and messages without a card: options, pkcs11 URIs, slot names, secrets from a file
// descriptor, and how core errors become exit codes and sentences.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "cli/cli_error.h"
#include "cli/options.h"
#include "cli/p11_uri.h"
#include "cli/pin_input.h"
#include "cli/progress.h"

namespace cli {
namespace {

TEST(CliOptions, ValuesFlagsPositionalsAndErrors) {
    std::vector<OptionSpec> specs{{"json", false}, {"pin-fd", true}};
    auto a = parseArgs({"--json", "--pin-fd", "3", "pkcs11:token=x", "--", "--json"}, specs);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->has("json"));
    EXPECT_EQ(a->value("pin-fd"), "3");
    EXPECT_EQ(a->positional, (std::vector<std::string>{"pkcs11:token=x", "--json"}));
    EXPECT_EQ(*a->fd("pin-fd"), std::optional<int>(3));
    auto inlineValue = parseArgs({"--pin-fd=4"}, specs);
    ASSERT_TRUE(inlineValue);
    EXPECT_EQ(inlineValue->value("pin-fd"), "4");
    EXPECT_EQ(parseArgs({"--nope"}, specs).error().exitCode, kExitUsage);
    EXPECT_EQ(parseArgs({"--pin-fd"}, specs).error().message, "--pin-fd needs a value");
    EXPECT_EQ(parseArgs({"--json=1"}, specs).error().exitCode, kExitUsage);
    EXPECT_EQ(parseArgs({"--pin-fd", "x"}, specs)->fd("pin-fd").error().exitCode, kExitUsage);
    EXPECT_TRUE(parseArgs({"-h"}, specs)->help);
}

TEST(CliOptions, RepeatedValuesKeepTheirOrder) {
    std::vector<OptionSpec> specs{{"recipient", true}, {"slot", true}};
    auto a = parseArgs({"--recipient", "a.crt", "--slot", "9d", "--recipient=b.crt", "--recipient", "c.crt"}, specs);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->all("recipient"), (std::vector<std::string>{"a.crt", "b.crt", "c.crt"}));
    EXPECT_EQ(a->value("recipient"), "c.crt");  // the single-value view: the last one
    EXPECT_EQ(a->all("slot"), (std::vector<std::string>{"9d"}));
    EXPECT_TRUE(a->all("unknown").empty());
}

// Runs `body` with stderr going into a pipe (not a terminal) and returns what was written there.
template <typename F>
std::string capturedStderr(F body) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    const int saved = ::dup(2);
    ::dup2(fds[1], 2);
    body();
    ::dup2(saved, 2);
    ::close(saved);
    ::close(fds[1]);
    std::string out;
    char buf[256];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    return out;
}

TEST(CliProgress, OneLineForASlowStepOffTheTerminalNothingForFastOrNestedOrQuiet) {
    using namespace std::chrono_literals;
    EXPECT_EQ(capturedStderr([] { Progress p("a fast step"); }), "");
    EXPECT_EQ(capturedStderr([] {
                  Progress outer("generating a key on the token");
                  Progress inner("an inner step");  // silent: the outer one speaks
                  std::this_thread::sleep_for(1300ms);
              }),
              "mesign-token: generating a key on the token…\n");
    setProgressQuiet(true);
    EXPECT_EQ(capturedStderr([] {
                  Progress p("quiet");
                  std::this_thread::sleep_for(1100ms);
              }),
              "");
    setProgressQuiet(false);
}

TEST(CliUri, ParsesRfc7512Attributes) {
    auto u = parseP11Uri("pkcs11:model=PIV;manufacturer=MeSign;serial=123;token=PIV%20Card%20123;id=%01?pin-value=1");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->token, "PIV Card 123");
    EXPECT_EQ(u->serial, "123");
    EXPECT_EQ(u->manufacturer, "MeSign");
    EXPECT_EQ(u->model, "PIV");
    EXPECT_EQ(u->id, core::Bytes{0x01});
    EXPECT_TRUE(parseP11Uri("pkcs11:"));
    EXPECT_TRUE(parseP11Uri("pkcs11:slot-id=1;library-manufacturer=x"));
}

TEST(CliUri, RejectsMalformedUris) {
    EXPECT_EQ(parseP11Uri("token=x").error().exitCode, kExitUsage);
    EXPECT_EQ(parseP11Uri("pkcs11:colour=blue").error().exitCode, kExitUsage);
    EXPECT_EQ(parseP11Uri("pkcs11:token").error().exitCode, kExitUsage);
    EXPECT_EQ(parseP11Uri("pkcs11:token=%4").error().exitCode, kExitUsage);
    EXPECT_EQ(parseP11Uri("pkcs11:token=%zz").error().exitCode, kExitUsage);
}

TEST(CliUri, PercentEncodingRoundTrips) {
    std::string label = "Jane's card; 100%";
    EXPECT_EQ(percentEncode(label), "Jane%27s%20card%3B%20100%25");
    EXPECT_EQ(parseP11Uri("pkcs11:token=" + percentEncode(label))->token, label);
}

TEST(CliUri, SlotNamesAndIds) {
    EXPECT_EQ(*parseSlotName("9a"), 0x9A);
    EXPECT_EQ(*parseSlotName("9E"), 0x9E);
    EXPECT_EQ(*parseSlotName("95"), 0x95);
    EXPECT_FALSE(parseSlotName("9b"));
    EXPECT_FALSE(parseSlotName("9"));
    EXPECT_EQ(slotName(0x9C), "9c");
    for (uint8_t ref : {0x9A, 0x9C, 0x9D, 0x9E, 0x82, 0x95}) EXPECT_EQ(keyRefForCkaId(*ckaIdForKeyRef(ref)), ref);
    EXPECT_EQ(ckaIdForKeyRef(0x9D), 3);
    EXPECT_EQ(ckaIdForKeyRef(0x82), 5);
    EXPECT_FALSE(ckaIdForKeyRef(0x9B));
}

// A key named by the token URI's id= (our module's CKA_ID numbering per application), by --slot, or by both
// when they agree.
TEST(CliUri, KeySlotFromTheUrisIdAndSlotOption) {
    const std::optional<std::string> none;
    const std::string tok = "pkcs11:serial=42";
    auto slot = [](std::optional<std::string> uri, std::optional<std::string> opt, bool pgp) {
        return slotFromUriAndOption(uri, opt, pgp);
    };
    EXPECT_EQ(*slot(none, none, false), std::nullopt);
    EXPECT_EQ(*slot(tok, none, false), std::nullopt);
    EXPECT_EQ(*slot(tok, std::string("9c"), false), std::optional<uint8_t>(0x9C));
    EXPECT_EQ(*slot(tok + ";id=%03", none, false), std::optional<uint8_t>(0x9D));
    EXPECT_EQ(*slot(tok + ";id=%05", none, false), std::optional<uint8_t>(0x82));
    EXPECT_EQ(*slot(tok + ";id=%02", none, true), std::optional<uint8_t>(kOpenPgpDec));
    EXPECT_EQ(*slot(tok + ";id=%03", std::string("9d"), false), std::optional<uint8_t>(0x9D));
    auto conflict = slot(tok + ";id=%01", std::string("9d"), false);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().exitCode, kExitUsage);
    EXPECT_NE(conflict.error().message.find("different keys"), std::string::npos);
    EXPECT_EQ(slot(tok + ";id=%19", none, false).error().exitCode, kExitUsage);  // no PIV slot has CKA_ID 0x19
    EXPECT_EQ(slot(tok + ";id=%04", none, true).error().exitCode, kExitUsage);   // OpenPGP has three keys
    EXPECT_EQ(slot(tok + ";id=%01%02", none, false).error().exitCode, kExitUsage);
    EXPECT_EQ(slot(tok, std::string("9b"), false).error().exitCode, kExitUsage);
}

TEST(CliSecrets, LinesFromOneFileDescriptor) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::string text = "123456\r\n654321\n";
    ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fds[1]);
    SecretSource src{fds[0], std::nullopt};
    auto first = readSecret(src, "PIN");
    auto second = readSecret(src, "new PIN", true);
    auto third = readSecret(src, "PUK");
    ::close(fds[0]);
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_EQ(std::string(first->begin(), first->end()), "123456");
    EXPECT_EQ(std::string(second->begin(), second->end()), "654321");
    EXPECT_EQ(third.error().exitCode, kExitUsage);  // nothing left: a clear error, not an empty PIN
}

TEST(CliSecrets, FdAndValueAreExclusive) {
    auto a = parseArgs({"--pin-fd", "3", "--pin-value", "1"}, {{"pin-fd", true}, {"pin-value", true}});
    ASSERT_TRUE(a);
    EXPECT_EQ(secretSource(*a, "pin").error().exitCode, kExitUsage);
}

TEST(CliErrors, ExitCodesAndMessages) {
    core::Error wrong(core::Errc::PinIncorrect, "verify");
    wrong.retries = 2;
    EXPECT_EQ(fromCore(wrong, "PIN").exitCode, kExitPin);
    EXPECT_EQ(fromCore(wrong, "PIN").message, "wrong PIN (2 tries left)");
    wrong.retries = 1;
    EXPECT_EQ(fromCore(wrong, "PUK").message, "wrong PUK (1 try left)");
    EXPECT_EQ(fromCore(core::Error(core::Errc::AuthBlocked, ""), "PIN").exitCode, kExitPin);
    EXPECT_EQ(fromCore(core::Error(core::Errc::NoService, ""), "x").exitCode, kExitNoToken);
    EXPECT_EQ(fromCore(core::Error(core::Errc::NoCard, ""), "x").exitCode, kExitNoToken);
    EXPECT_EQ(fromCore(core::Error(core::Errc::CardError, "boom"), "x").exitCode, kExitFailed);
}

}  // namespace
}  // namespace cli
