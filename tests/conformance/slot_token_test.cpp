// C_GetSlotList length convention, slot and token info, mechanism list and info (specs/pkcs11.md §3, §4, §7).
#include <algorithm>
#include <set>

#include "fixtures.h"

namespace p11test {
namespace {

using SlotTest = TokenTest;

// A slot ID the module did not report.
CK_SLOT_ID unusedSlotId() {
    CK_ULONG count = 0;
    p11()->C_GetSlotList(CK_FALSE, nullptr, &count);
    std::vector<CK_SLOT_ID> slots(count);
    p11()->C_GetSlotList(CK_FALSE, slots.data(), &count);
    slots.resize(count);
    CK_SLOT_ID id = 0x4D65u;
    while (std::find(slots.begin(), slots.end(), id) != slots.end()) ++id;
    return id;
}

TEST_F(SlotTest, SlotListLengthConvention) {
    for (CK_BBOOL present : {CK_FALSE, CK_TRUE}) {
        SCOPED_TRACE(present ? "tokenPresent=TRUE" : "tokenPresent=FALSE");
        CK_ULONG needed = 0;
        ASSERT_CKR_OK(fl()->C_GetSlotList(present, nullptr, &needed));
        ASSERT_GE(needed, 1u);
        std::vector<CK_SLOT_ID> slots(needed);
        CK_ULONG n = needed - 1;
        EXPECT_CKR(CKR_BUFFER_TOO_SMALL, fl()->C_GetSlotList(present, slots.data(), &n));
        EXPECT_GE(n, needed) << "*pulCount must report the needed count";
        n = needed;
        ASSERT_CKR_OK(fl()->C_GetSlotList(present, slots.data(), &n));
        EXPECT_EQ(n, needed);
        EXPECT_EQ(std::set<CK_SLOT_ID>(slots.begin(), slots.end()).size(), n) << "duplicate slot IDs";
    }
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetSlotList(CK_TRUE, nullptr, nullptr));
}

TEST_F(SlotTest, SlotWithTokenIsInFullList) {
    CK_ULONG n = 0;
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_FALSE, nullptr, &n));
    std::vector<CK_SLOT_ID> all(n);
    ASSERT_CKR_OK(fl()->C_GetSlotList(CK_FALSE, all.data(), &n));
    all.resize(n);
    EXPECT_NE(std::find(all.begin(), all.end(), m_slot), all.end());
}

TEST_F(SlotTest, SlotInfoIsBlankPaddedAndFlagsSane) {
    CK_SLOT_INFO info{};
    ASSERT_CKR_OK(fl()->C_GetSlotInfo(m_slot, &info));
    EXPECT_TRUE(isBlankPaddedText(info.slotDescription, sizeof info.slotDescription));
    EXPECT_TRUE(isBlankPaddedText(info.manufacturerID, sizeof info.manufacturerID));
    EXPECT_TRUE(info.flags & CKF_TOKEN_PRESENT) << "the slot under test has a token";
    EXPECT_EQ(info.flags & ~CK_FLAGS(CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT), 0u)
        << "unknown slot flags 0x" << std::hex << info.flags;
}

TEST_F(SlotTest, SlotInfoErrors) {
    CK_SLOT_INFO info{};
    EXPECT_CKR(CKR_SLOT_ID_INVALID, fl()->C_GetSlotInfo(unusedSlotId(), &info));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetSlotInfo(m_slot, nullptr));
}

TEST_F(SlotTest, TokenInfoIsBlankPaddedAndFlagsSane) {
    CK_TOKEN_INFO info{};
    ASSERT_CKR_OK(fl()->C_GetTokenInfo(m_slot, &info));
    EXPECT_TRUE(isBlankPaddedText(info.label, sizeof info.label));
    EXPECT_TRUE(isBlankPaddedText(info.manufacturerID, sizeof info.manufacturerID));
    EXPECT_TRUE(isBlankPaddedText(info.model, sizeof info.model));
    EXPECT_TRUE(isBlankPaddedText(info.serialNumber, sizeof info.serialNumber));
    EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_TRUE(info.flags & CKF_USER_PIN_INITIALIZED);
    EXPECT_TRUE(info.flags & CKF_LOGIN_REQUIRED);
    EXPECT_FALSE(info.flags & CKF_SECONDARY_AUTHENTICATION) << "deprecated flag";
    EXPECT_FALSE(info.flags & CKF_USER_PIN_LOCKED) << "the suite cannot log in with a locked PIN";
    EXPECT_EQ(info.flags & 0x06000000u, 0u) << "3.2-only flags in a 3.0 module";
    EXPECT_LE(info.ulMinPinLen, info.ulMaxPinLen);
    if (info.ulMaxSessionCount != CK_EFFECTIVELY_INFINITE &&
        info.ulMaxSessionCount != CK_UNAVAILABLE_INFORMATION &&
        info.ulSessionCount != CK_UNAVAILABLE_INFORMATION) {
        EXPECT_LE(info.ulSessionCount, info.ulMaxSessionCount);
    }
    if (info.ulSessionCount != CK_UNAVAILABLE_INFORMATION) {
        EXPECT_EQ(info.ulSessionCount, 0u);
    }
}

TEST_F(SlotTest, TokenInfoErrors) {
    CK_TOKEN_INFO info{};
    EXPECT_CKR(CKR_SLOT_ID_INVALID, fl()->C_GetTokenInfo(unusedSlotId(), &info));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetTokenInfo(m_slot, nullptr));
}

class MechanismTest : public TokenTest {
  protected:
    std::vector<CK_MECHANISM_TYPE> mechanisms() {
        CK_ULONG n = 0;
        EXPECT_CKR_OK(fl()->C_GetMechanismList(m_slot, nullptr, &n));
        std::vector<CK_MECHANISM_TYPE> list(n);
        EXPECT_CKR_OK(fl()->C_GetMechanismList(m_slot, list.data(), &n));
        list.resize(n);
        return list;
    }
    void expectFlags(CK_MECHANISM_TYPE mech, CK_FLAGS flags) {
        CK_MECHANISM_INFO info{};
        EXPECT_CKR_OK(fl()->C_GetMechanismInfo(m_slot, mech, &info)) << "mechanism 0x" << std::hex << mech;
        EXPECT_EQ(info.flags & flags, flags)
            << "mechanism 0x" << std::hex << mech << " flags 0x" << info.flags;
    }
};

TEST_F(MechanismTest, ListLengthConvention) {
    CK_ULONG needed = 0;
    ASSERT_CKR_OK(fl()->C_GetMechanismList(m_slot, nullptr, &needed));
    ASSERT_GE(needed, 1u);
    std::vector<CK_MECHANISM_TYPE> list(needed);
    CK_ULONG n = needed - 1;
    EXPECT_CKR(CKR_BUFFER_TOO_SMALL, fl()->C_GetMechanismList(m_slot, list.data(), &n));
    EXPECT_GE(n, needed);
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetMechanismList(m_slot, nullptr, nullptr));
    CK_ULONG dummy = 0;
    EXPECT_CKR(CKR_SLOT_ID_INVALID, fl()->C_GetMechanismList(unusedSlotId(), nullptr, &dummy));
}

TEST_F(MechanismTest, EveryListedMechanismHasSaneInfo) {
    const auto list = mechanisms();
    EXPECT_EQ(std::set<CK_MECHANISM_TYPE>(list.begin(), list.end()).size(), list.size()) << "duplicates";
    for (CK_MECHANISM_TYPE mech : list) {
        CK_MECHANISM_INFO info{};
        ASSERT_CKR_OK(fl()->C_GetMechanismInfo(m_slot, mech, &info)) << "mechanism 0x" << std::hex << mech;
        EXPECT_LE(info.ulMinKeySize, info.ulMaxKeySize) << "mechanism 0x" << std::hex << mech;
    }
}

TEST_F(MechanismTest, SuiteMechanismsAreOffered) {
    const auto list = mechanisms();
    std::vector<std::pair<CK_MECHANISM_TYPE, CK_FLAGS>> wanted{{CKM_RSA_PKCS, CKF_SIGN | CKF_DECRYPT},
                                                               {CKM_SHA256_RSA_PKCS, CKF_SIGN},
                                                               {CKM_RSA_PKCS_PSS, CKF_SIGN},
                                                               {CKM_RSA_PKCS_OAEP, CKF_DECRYPT},
                                                               {CKM_ECDSA, CKF_SIGN},
                                                               {CKM_ECDH1_DERIVE, CKF_DERIVE}};
    if (profile().ecdsaSha256) wanted.emplace_back(CKM_ECDSA_SHA256, CKF_SIGN);
    for (const auto& [mech, flags] : wanted) {
        EXPECT_NE(std::find(list.begin(), list.end(), mech), list.end())
            << "mechanism 0x" << std::hex << mech;
        expectFlags(mech, flags);
    }
    if (!profile().ecdsaSha256) {
        EXPECT_EQ(std::find(list.begin(), list.end(), CKM_ECDSA_SHA256), list.end())
            << "profile says no CKM_ECDSA_SHA256 but the module offers it: update the profile";
    }
}

TEST_F(MechanismTest, InfoErrors) {
    CK_MECHANISM_INFO info{};
    EXPECT_CKR(CKR_MECHANISM_INVALID, fl()->C_GetMechanismInfo(m_slot, CKM_VENDOR_DEFINED | 0x4D65u, &info));
    EXPECT_CKR(CKR_SLOT_ID_INVALID, fl()->C_GetMechanismInfo(unusedSlotId(), CKM_RSA_PKCS, &info));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetMechanismInfo(m_slot, CKM_RSA_PKCS, nullptr));
}

}  // namespace
}  // namespace p11test
