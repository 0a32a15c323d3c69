// C_GetInfo, C_GetFunctionList, C_GetInterfaceList, C_GetInterface (specs/pkcs11.md §1, §3.1).
#include <cstddef>
#include <cstring>

#include "fixtures.h"

namespace p11test {
namespace {

// Function pointers of a list, i.e. everything after CK_VERSION.
template <typename List>
size_t nullFunctionPointers(const List* list) {
    const auto* base = reinterpret_cast<const unsigned char*>(list) + offsetof(List, C_Initialize);
    const size_t n = (sizeof(List) - offsetof(List, C_Initialize)) / sizeof(void (*)());
    size_t nulls = 0;
    for (size_t i = 0; i < n; ++i) {
        void (*fn)() = nullptr;
        std::memcpy(&fn, base + i * sizeof fn, sizeof fn);
        nulls += fn == nullptr;
    }
    return nulls;
}

using InfoTest = LibraryTest;

TEST_F(InfoTest, FieldsAreBlankPaddedAndFlagsZero) {
    CK_INFO info{};
    ASSERT_CKR_OK(fl()->C_GetInfo(&info));
    EXPECT_TRUE(isBlankPaddedText(info.manufacturerID, sizeof info.manufacturerID));
    EXPECT_TRUE(isBlankPaddedText(info.libraryDescription, sizeof info.libraryDescription));
    EXPECT_EQ(info.flags, 0u);
    EXPECT_TRUE(info.cryptokiVersion.major == 2 || info.cryptokiVersion.major == 3);
    // Kept consistent with the list the caller got (NSS uses C_GetInfo, not the list's version).
    EXPECT_EQ(info.cryptokiVersion.major, fl()->version.major);
    EXPECT_EQ(info.cryptokiVersion.minor, fl()->version.minor);
}

TEST_F(InfoTest, NullArgument) {
    EXPECT_CKR(CKR_ARGUMENTS_BAD, fl()->C_GetInfo(nullptr));
}

// Callable before C_Initialize, so no library fixture.
TEST(FunctionListTest, ReturnsCompleteListBeforeInitialize) {
    ASSERT_NE(module().getFunctionList(), nullptr) << "C_GetFunctionList must be exported by every module";
    CK_FUNCTION_LIST* list = nullptr;
    ASSERT_CKR_OK(module().getFunctionList()(&list));
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->version.major, 2) << "C_GetFunctionList returns the 2.x list";
    EXPECT_EQ(nullFunctionPointers(list), 0u) << "every function pointer must be non-NULL";
}

TEST(FunctionListTest, NullArgument) {
    EXPECT_CKR(CKR_ARGUMENTS_BAD, module().getFunctionList()(nullptr));
}

TEST(LoaderTest, InterfaceExportsMatchProfile) {
    const bool exported = module().getInterface() != nullptr && module().getInterfaceList() != nullptr;
    EXPECT_EQ(exported, profile().v3Interfaces)
        << "C_GetInterface/C_GetInterfaceList exported: " << exported << "; profile '" << profile().name
        << "' says v3Interfaces=" << profile().v3Interfaces;
    EXPECT_EQ(module().functions30() != nullptr, profile().v3Interfaces);
}

class InterfaceTest : public ::testing::Test {
  protected:
    void SetUp() override { REQUIRE_PROFILE_FACT(v3Interfaces); }
    std::vector<CK_INTERFACE> interfaces() {
        CK_ULONG n = 0;
        EXPECT_CKR_OK(module().getInterfaceList()(nullptr, &n));
        std::vector<CK_INTERFACE> list(n);
        EXPECT_CKR_OK(module().getInterfaceList()(list.data(), &n));
        list.resize(n);
        return list;
    }
};

TEST_F(InterfaceTest, ListCountQueryAndFill) {
    const auto list = interfaces();
    ASSERT_FALSE(list.empty());
    bool standard30 = false;
    for (const CK_INTERFACE& ifc : list) {
        ASSERT_NE(ifc.pInterfaceName, nullptr);
        ASSERT_NE(ifc.pFunctionList, nullptr);
        const std::string name = ifc.pInterfaceName;
        EXPECT_TRUE(name == kStandardInterfaceName || name.starts_with("Vendor ")) << name;
        const auto* version = static_cast<const CK_VERSION*>(ifc.pFunctionList);
        if (name == kStandardInterfaceName && version->major == 3) {
            standard30 = true;
            EXPECT_EQ(nullFunctionPointers(static_cast<const CK_FUNCTION_LIST_3_0*>(ifc.pFunctionList)), 0u);
        }
        EXPECT_EQ(ifc.flags & CKF_INTERFACE_FORK_SAFE, 0u) << "a PC/SC module is not fork-safe (§1)";
    }
    EXPECT_TRUE(standard30) << "no \"PKCS 11\" interface with a 3.x function list";
}

TEST_F(InterfaceTest, ListBufferTooSmall) {
    CK_ULONG needed = 0;
    ASSERT_CKR_OK(module().getInterfaceList()(nullptr, &needed));
    ASSERT_GE(needed, 1u);
    std::vector<CK_INTERFACE> list(needed);
    CK_ULONG n = needed - 1;
    EXPECT_CKR(CKR_BUFFER_TOO_SMALL, module().getInterfaceList()(list.data(), &n));
    EXPECT_EQ(n, needed) << "*pulCount must report the needed count";
}

TEST_F(InterfaceTest, ListNullCount) {
    CK_INTERFACE one{};
    EXPECT_CKR(CKR_ARGUMENTS_BAD, module().getInterfaceList()(&one, nullptr));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, module().getInterfaceList()(nullptr, nullptr));
}

TEST_F(InterfaceTest, GetInterfaceNullOutput) {
    EXPECT_CKR(CKR_ARGUMENTS_BAD, module().getInterface()(nullptr, nullptr, nullptr, 0));
}

TEST_F(InterfaceTest, GetDefaultAndByNameAndVersion) {
    CK_INTERFACE* ifc = nullptr;
    ASSERT_CKR_OK(module().getInterface()(nullptr, nullptr, &ifc, 0));
    ASSERT_NE(ifc, nullptr);
    EXPECT_NE(ifc->pFunctionList, nullptr);

    auto* name = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kStandardInterfaceName));
    CK_VERSION v30{3, 0};
    ifc = nullptr;
    ASSERT_CKR_OK(module().getInterface()(name, &v30, &ifc, 0));
    ASSERT_NE(ifc, nullptr);
    const auto* version = static_cast<const CK_VERSION*>(ifc->pFunctionList);
    EXPECT_EQ(version->major, 3);
    EXPECT_EQ(version->minor, 0);
}

TEST_F(InterfaceTest, GetInterfaceNoMatch) {
    // The spec names no code for "no match" (OpenSC: ARGUMENTS_BAD, ykcs11: FUNCTION_FAILED); it must fail.
    CK_INTERFACE* ifc = nullptr;
    char unknown[] = "Vendor NoSuchInterface";
    EXPECT_NE(module().getInterface()(reinterpret_cast<CK_UTF8CHAR*>(unknown), nullptr, &ifc, 0), CKR_OK);
    auto* name = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kStandardInterfaceName));
    CK_VERSION v99{9, 9};
    EXPECT_NE(module().getInterface()(name, &v99, &ifc, 0), CKR_OK);
    // No interface is fork-safe (§1), so requiring the flag matches nothing.
    EXPECT_NE(module().getInterface()(name, nullptr, &ifc, CKF_INTERFACE_FORK_SAFE), CKR_OK);
}

}  // namespace
}  // namespace p11test
