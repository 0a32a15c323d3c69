// A CSP speaking CARD_DATA version 6 (Windows 7's Base CSP): its CARD_DATA ends before the v7 members
// (offset 416), so the minidriver must neither fill nor touch them; the v6 entry points work as usual.
#include <cstring>

#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;
constexpr std::size_t kV6Size = offsetof(CARD_DATA, pfnCspUnpadData);
constexpr BYTE kGuard = 0xA5;

TEST_F(MinidriverTest, Version6ContextLeavesTheV7MembersAlone) {
    const Bytes spki = provision(0x9A, cardapp::KeyAlgorithm::EcP256, "v6");
    ASSERT_FALSE(spki.empty());
    // The CSP's v6 structure followed by bytes that are not ours: they must stay as they are.
    CARD_DATA prepared;
    prepare(prepared, CARD_DATA_VERSION_SIX);
    alignas(CARD_DATA) BYTE buffer[sizeof(CARD_DATA)];
    std::memset(buffer, kGuard, sizeof buffer);
    std::memcpy(buffer, &prepared, kV6Size);
    auto* d = reinterpret_cast<CARD_DATA*>(buffer);
    ASSERT_EQ(SCardBeginTransaction(m_card), SCARD_S_SUCCESS);
    m_inTransaction = true;
    ASSERT_EQ(CardAcquireContext(d, 0), kOk);
    EXPECT_EQ(d->dwVersion, DWORD(CARD_DATA_VERSION_SIX));
    for (std::size_t i = kV6Size; i < sizeof buffer; ++i) ASSERT_EQ(buffer[i], kGuard) << "byte " << i;
    ASSERT_NE(d->pfnCardGetProperty, nullptr);
    ASSERT_NE(d->pfnCardAuthenticateEx, nullptr);
    ASSERT_NE(d->pfnCardDeleteContainer, nullptr);

    // v6 calls: PIN info, user PIN through CardAuthenticateEx, an ECDSA signature checked by OpenSSL.
    PIN_INFO pin{};
    pin.dwVersion = PIN_INFO_CURRENT_VERSION;
    DWORD got = 0;
    ASSERT_EQ(d->pfnCardGetProperty(d, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pin), sizeof pin, &got, ROLE_USER),
              kOk);
    EXPECT_EQ(pin.PinType, AlphaNumericPinType);
    BYTE pinBytes[] = {'1', '2', '3', '4', '5', '6'};
    DWORD left = 0;
    ASSERT_EQ(d->pfnCardAuthenticateEx(d, ROLE_USER, 0, pinBytes, sizeof pinBytes, nullptr, nullptr, &left), kOk);
    Bytes hash = sha256(Bytes{'v', '6'});
    CARD_SIGNING_INFO info{};
    info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    info.bContainerIndex = 0;
    info.dwKeySpec = AT_ECDSA_P256;
    info.aiHashAlg = CALG_SHA_256;
    info.pbData = hash.data();
    info.cbData = DWORD(hash.size());
    ASSERT_EQ(d->pfnCardSignData(d, &info), kOk);
    Bytes sig(info.pbSignedData, info.pbSignedData + info.cbSignedData);
    d->pfnCspFree(info.pbSignedData);
    EXPECT_TRUE(verifyEcdsaRaw(spki, hash, sig));
    for (std::size_t i = kV6Size; i < sizeof buffer; ++i) ASSERT_EQ(buffer[i], kGuard) << "byte " << i;
    EXPECT_EQ(d->pfnCardDeleteContext(d), kOk);
}

}  // namespace
}  // namespace mdtest
