#include "tests/integration_openpgp/openpgp_driver_fixture.h"

#include <stdexcept>

namespace itest {

void OpenPgpDriverFixture::SetUp() {
    VcardFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(insertCard({"--init", "openpgp", "--once"}));
    auto ctx = transport::PcscContext::establish();
    ASSERT_TRUE(ctx) << ctx.error().describe();
    m_context = *ctx;
    auto t = transport::PcscTransport::connect(m_context, reader());
    ASSERT_TRUE(t) << t.error().describe();
    m_transport = std::move(*t);
    m_app = std::make_unique<openpgp::OpenPgpApplication>(*m_transport);
}

void OpenPgpDriverFixture::TearDown() {
    m_app.reset();
    m_otherApps.clear();
    m_transport.reset();
    m_otherTransports.clear();
    m_context.reset();
    VcardFixture::TearDown();
}

openpgp::OpenPgpApplication& OpenPgpDriverFixture::freshDriver() {
    auto t = transport::PcscTransport::connect(m_context, reader());
    if (!t) throw std::runtime_error("second PC/SC connection: " + t.error().describe());
    m_otherTransports.push_back(std::move(*t));
    m_otherApps.push_back(std::make_unique<openpgp::OpenPgpApplication>(*m_otherTransports.back()));
    return *m_otherApps.back();
}

Bytes OpenPgpDriverFixture::generate(uint8_t keyRef, KeyAlgorithm alg) {
    auto admin = app().authenticateAdmin(kPw3);
    EXPECT_TRUE(admin) << admin.error().describe();
    auto info = app().generateKey(keyRef, alg);
    EXPECT_TRUE(info) << cardapp::keyAlgorithmName(alg) << ": " << info.error().describe();
    if (!info) return {};
    EXPECT_EQ(info->algorithm, alg);
    EXPECT_FALSE(info->publicKeyInfo.empty());
    return info->publicKeyInfo;
}

openpgp::ApplicationData OpenPgpDriverFixture::appData() {
    // GET DATA 6E again (the driver's copy is a cache); no SELECT, so the card keeps its PIN states.
    if (auto st = app().applicationData(); !st) ADD_FAILURE() << st.error().describe();
    auto d = app().card().readApplicationData();
    EXPECT_TRUE(d) << d.error().describe();
    return d ? *d : openpgp::ApplicationData{};
}

}  // namespace itest
