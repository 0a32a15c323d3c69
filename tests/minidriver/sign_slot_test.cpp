// The PIV signature key (9C, PIN policy "always"): the CSP authenticates right before each signature;
// nothing may come between that VERIFY and the signature.
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;

TEST_F(MinidriverTest, SignsWithThePinAlwaysSignatureKey) {
    const Bytes spki = provision(0x9C, cardapp::KeyAlgorithm::Rsa2048, "sign");
    ASSERT_FALSE(spki.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes hash = sha256(Bytes{'9', 'c'});
    CARD_SIGNING_INFO info{};
    info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    info.bContainerIndex = 1;
    info.dwKeySpec = AT_SIGNATURE;
    info.aiHashAlg = CALG_SHA_256;
    info.pbData = hash.data();
    info.cbData = DWORD(hash.size());
    for (int round = 0; round < 2; ++round) {
        ASSERT_EQ(authenticate("123456"), kOk);
        ASSERT_EQ(m_data.pfnCardSignData(&m_data, &info), kOk) << "round " << round;
        Bytes sig(info.pbSignedData, info.pbSignedData + info.cbSignedData);
        m_data.pfnCspFree(info.pbSignedData);
        info.pbSignedData = nullptr;
        EXPECT_TRUE(verifyRsa(spki, hash, reversed(sig), "SHA256", false, 0));
    }
    // Without a fresh PIN the card refuses.
    EXPECT_EQ(m_data.pfnCardSignData(&m_data, &info), static_cast<DWORD>(SCARD_W_SECURITY_VIOLATION));
}

}  // namespace
}  // namespace mdtest
