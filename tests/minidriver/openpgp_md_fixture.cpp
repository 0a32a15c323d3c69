#include "tests/minidriver/openpgp_md_fixture.h"

#include <openssl/evp.h>

#include "card-apps/openpgp/openpgp_constants.h"
#include "core/transport/pcsc_transport.h"

namespace mdtest {

namespace {

// `f(app)` with PW3 verified on an own connection to `reader`; PW3 is card-wide, so nothing stays verified.
template <typename F>
void withDriver(const std::string& reader, F&& f) {
    auto ctx = transport::PcscContext::establish();
    ASSERT_TRUE(ctx);
    auto t = transport::PcscTransport::connect(*ctx, reader);
    ASSERT_TRUE(t);
    openpgp::OpenPgpApplication app(**t);
    auto admin = app.authenticateAdmin(ByteView(reinterpret_cast<const uint8_t*>(kPw3), 8));
    ASSERT_TRUE(admin) << admin.error().describe();
    f(app);
    auto out = app.logout();
    EXPECT_TRUE(out) << out.error().describe();
}

}  // namespace

Bytes provisionOpenPgpKey(const std::string& reader, uint8_t keyRef, cardapp::KeyAlgorithm alg,
                          const std::function<Bytes(ByteView)>& certify) {
    Bytes spki;
    withDriver(reader, [&](openpgp::OpenPgpApplication& app) {
        auto info = app.generateKey(keyRef, alg);
        ASSERT_TRUE(info) << info.error().describe();
        spki = info->publicKeyInfo;
        if (!certify) return;
        auto w = app.writeCertificate(keyRef, certify(spki));
        ASSERT_TRUE(w) << w.error().describe();
    });
    return spki;
}

void logoutOpenPgp(const std::string& reader) {
    auto ctx = transport::PcscContext::establish();
    ASSERT_TRUE(ctx);
    auto t = transport::PcscTransport::connect(*ctx, reader);
    ASSERT_TRUE(t);
    openpgp::OpenPgpApplication app(**t);
    auto out = app.logout();
    EXPECT_TRUE(out) << out.error().describe();
}

Bytes OpenPgpMinidriverTest::provisionPgp(uint8_t keyRef, cardapp::KeyAlgorithm alg,
                                          const std::string& name) {
    if (name.empty()) return provisionOpenPgpKey(reader(), keyRef, alg, {});
    return provisionOpenPgpKey(reader(), keyRef, alg, [&](ByteView spki) { return certify(spki, name); });
}

void OpenPgpMinidriverTest::setSeveralSignatures(bool several) {
    withDriver(reader(), [&](openpgp::OpenPgpApplication& app) {
        auto st = app.card().putData(openpgp::tag::kPwStatus, Bytes{uint8_t(several ? 0x01 : 0x00)});
        ASSERT_TRUE(st) << st.error().describe();
    });
}

DWORD OpenPgpMinidriverTest::authRole(PIN_ID role, const std::string& pin, DWORD* attempts) {
    std::string s(pin);
    return m_data.pfnCardAuthenticateEx(&m_data, role, 0, reinterpret_cast<PBYTE>(s.data()), DWORD(s.size()),
                                        nullptr, nullptr, attempts);
}

DWORD OpenPgpMinidriverTest::sign(CARD_SIGNING_INFO& info, Bytes& sig) {
    DWORD rc = m_data.pfnCardSignData(&m_data, &info);
    if (rc == kOk && info.pbSignedData) {
        sig.assign(info.pbSignedData, info.pbSignedData + info.cbSignedData);
        m_data.pfnCspFree(info.pbSignedData);
        info.pbSignedData = nullptr;
    }
    return rc;
}

DWORD OpenPgpMinidriverTest::pinInfo(PIN_ID role, PIN_INFO& info) {
    info = {};
    info.dwVersion = PIN_INFO_CURRENT_VERSION;
    DWORD n = 0;
    return m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&info), sizeof info,
                                     &n, role);
}

DWORD OpenPgpMinidriverTest::authenticatedState(PIN_SET& set) {
    DWORD n = 0;
    return m_data.pfnCardGetProperty(&m_data, CP_CARD_AUTHENTICATED_STATE, reinterpret_cast<PBYTE>(&set),
                                     sizeof set, &n, 0);
}

Bytes digest(const char* md, ByteView data) {
    Bytes h(EVP_MAX_MD_SIZE);
    unsigned n = 0;
    EVP_Digest(data.data(), data.size(), h.data(), &n, EVP_get_digestbyname(md), nullptr);
    h.resize(n);
    return h;
}

}  // namespace mdtest
