// mesign-vcard's fault mode on its own (vcard/tool/fault_injector.*): control-line syntax, scopes, reading
// lines as a test appends them, and which piece of a chained command a fault takes.
#include "vcard/tool/fault_injector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

using vcardtool::FaultKind;
using vcardtool::kDefaultDropAwayMs;
using vcardtool::parseFaultLine;

const core::Bytes kVerify = {0x00, 0x20, 0x00, 0x80, 0x00};
const core::Bytes kGaFirstPiece = {0x10, 0x87, 0x07, 0x9A, 0x01, 0x7C};
const core::Bytes kGaLastPiece = {0x00, 0x87, 0x07, 0x9A, 0x01, 0x00};

TEST(FaultLine, ParsesEveryFaultAndScope) {
    auto p = parseFaultLine("slow 250 ins=87 always");
    ASSERT_TRUE(p.fault) << p.error;
    EXPECT_EQ(FaultKind::Slow, p.fault->kind);
    EXPECT_EQ(250u, p.fault->delayMs);
    ASSERT_TRUE(p.fault->ins);
    EXPECT_EQ(0x87, *p.fault->ins);
    EXPECT_TRUE(p.fault->always);
    for (auto [text, kind] : {std::pair{"drop", FaultKind::Drop},
                              {"garbage", FaultKind::Garbage},
                              {"truncate", FaultKind::Truncate},
                              {"sw6f00", FaultKind::Sw6F00},
                              {"reset", FaultKind::Reset}}) {
        auto q = parseFaultLine(text);
        ASSERT_TRUE(q.fault) << text;
        EXPECT_EQ(kind, q.fault->kind);
        EXPECT_FALSE(q.fault->ins);
        EXPECT_FALSE(q.fault->always);
    }
    // drop: 1000 ms off the reader unless the line says otherwise (100 = the glitch pcscd never sees).
    EXPECT_EQ(kDefaultDropAwayMs, parseFaultLine("drop").fault->delayMs);
    EXPECT_EQ(1000u, kDefaultDropAwayMs);
    auto glitch = parseFaultLine("drop 100 ins=87");
    ASSERT_TRUE(glitch.fault) << glitch.error;
    EXPECT_EQ(FaultKind::Drop, glitch.fault->kind);
    EXPECT_EQ(100u, glitch.fault->delayMs);
    ASSERT_TRUE(glitch.fault->ins);
    EXPECT_EQ(0x87, *glitch.fault->ins);
    auto sw = parseFaultLine("sw 6D00 ins=F6 always");
    ASSERT_TRUE(sw.fault) << sw.error;
    EXPECT_EQ(FaultKind::Sw, sw.fault->kind);
    EXPECT_EQ(0x6D00, sw.fault->sw);
    ASSERT_TRUE(sw.fault->ins);
    EXPECT_EQ(0xF6, *sw.fault->ins);
    EXPECT_TRUE(sw.fault->always);
    EXPECT_EQ(0x6a82, parseFaultLine("sw 6a82").fault->sw);
    EXPECT_TRUE(parseFaultLine("clear").clear);
    EXPECT_FALSE(parseFaultLine("  # comment").fault);
    EXPECT_TRUE(parseFaultLine("").error.empty());
}

TEST(FaultLine, RejectsWhatItDoesNotKnow) {
    for (const char* bad : {"explode", "slow", "slow -1", "slow 600001", "drop ins=", "drop ins=100",
                            "drop later", "drop 600001", "drop 5s", "clear now", "sw", "sw 6D", "sw 6D000",
                            "sw 6DZZ", "sw ins=F6"})
        EXPECT_FALSE(parseFaultLine(bad).error.empty()) << bad;
}

class Injector : public ::testing::Test {
  protected:
    void SetUp() override {
        m_file = std::filesystem::temp_directory_path() /
                 ("fault-injector-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove(m_file);
        std::string error;
        ASSERT_TRUE(m_faults.open(m_file, error)) << error;
        ASSERT_TRUE(std::filesystem::exists(m_file));  // created for the test to append to
    }
    void TearDown() override { std::filesystem::remove(m_file); }
    void append(const std::string& text) { std::ofstream(m_file, std::ios::app) << text; }
    std::filesystem::path m_file;
    vcardtool::FaultInjector m_faults;
};

TEST_F(Injector, OneShotFiresOnceOnTheNextApdu) {
    EXPECT_FALSE(m_faults.take(kVerify));
    append("sw6f00\n");
    auto f = m_faults.take(kVerify);
    ASSERT_TRUE(f);
    EXPECT_EQ(FaultKind::Sw6F00, f->kind);
    EXPECT_FALSE(m_faults.take(kVerify));
}

TEST_F(Injector, InsScopeWaitsForItsInstructionAndAlwaysStaysUntilClear) {
    append("garbage ins=87 always\n");
    EXPECT_FALSE(m_faults.take(kVerify));
    EXPECT_TRUE(m_faults.take(kGaLastPiece));
    EXPECT_TRUE(m_faults.take(kGaLastPiece));
    append("clear\n");
    EXPECT_FALSE(m_faults.take(kGaLastPiece));
}

TEST_F(Injector, ALineIsReadOnlyOnceItsNewlineIsThere) {
    append("dro");
    EXPECT_FALSE(m_faults.take(kVerify));
    append("p\n");
    auto f = m_faults.take(kVerify);
    ASSERT_TRUE(f);
    EXPECT_EQ(FaultKind::Drop, f->kind);
    EXPECT_EQ(kDefaultDropAwayMs, m_faults.dropAwayMs());
    append("drop 250\n");
    ASSERT_TRUE(m_faults.take(kVerify));
    EXPECT_EQ(250u, m_faults.dropAwayMs()) << "the card stays out as long as the fired line says";
}

TEST_F(Injector, ChainedCommandAnswerPieceForFaultsFirstPieceForReset) {
    append("truncate ins=87\n");
    EXPECT_FALSE(m_faults.take(kGaFirstPiece)) << "a fault on the answer must skip non-final pieces";
    EXPECT_TRUE(m_faults.take(kGaLastPiece));
    append("reset ins=87\n");
    auto f = m_faults.take(kGaFirstPiece);
    ASSERT_TRUE(f) << "a reset hits the command's first piece";
    EXPECT_EQ(FaultKind::Reset, f->kind);
    append("reset ins=87\n");
    EXPECT_FALSE(m_faults.take(kGaLastPiece)) << "not in the middle of the chain that started above";
    EXPECT_TRUE(m_faults.take(kVerify) == std::nullopt);
    EXPECT_TRUE(m_faults.take(kGaFirstPiece));
}

TEST(FaultResponses, GarbageHasNoStatusWordAndTruncationBreaksTheTlv) {
    const core::Bytes garbage = vcardtool::garbageResponse();
    ASSERT_GE(garbage.size(), 2u);
    const uint8_t sw1 = garbage[garbage.size() - 2];
    EXPECT_TRUE((sw1 & 0xF0) != 0x60 && (sw1 & 0xF0) != 0x90) << "SW1 must not be a valid ISO 7816 status";
    // 7C 06 82 04 01 02 03 04 9000 -> the first 4 data bytes + 9000: the outer TLV promises 6, 2 follow.
    const core::Bytes answer = {0x7C, 0x06, 0x82, 0x04, 0x01, 0x02, 0x03, 0x04, 0x90, 0x00};
    const core::Bytes cut = vcardtool::truncatedResponse(answer);
    EXPECT_EQ((core::Bytes{0x7C, 0x06, 0x82, 0x04, 0x90, 0x00}), cut);
    const core::Bytes ok = {0x90, 0x00};
    EXPECT_EQ((core::Bytes{0x7C, 0x82, 0x01, 0x00, 0x90, 0x00}), vcardtool::truncatedResponse(ok));
}

}  // namespace
