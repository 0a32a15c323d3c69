// CardAcquireContext (version negotiation, argument checks), the function table, the virtual file
// system on a fresh card, and card properties.
#include <cstring>

#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

constexpr DWORD kOk = SCARD_S_SUCCESS;
DWORD c(LONG v) { return static_cast<DWORD>(v); }

TEST_F(MinidriverTest, NegotiatesVersionAndFillsTheTable) {
    for (DWORD requested : {4u, 5u, 6u, 7u, 8u}) {
        CARD_DATA d;
        prepare(d, requested);
        ASSERT_EQ(SCardBeginTransaction(m_card), SCARD_S_SUCCESS);
        ASSERT_EQ(CardAcquireContext(&d, 0), kOk) << requested;
        EXPECT_EQ(d.dwVersion, std::min<DWORD>(requested, 7));
        EXPECT_NE(d.pvVendorSpecific, nullptr);
        EXPECT_NE(d.pfnCardReadFile, nullptr);
        EXPECT_NE(d.pfnCardSignData, nullptr);
        EXPECT_EQ(d.pfnCardGetProperty != nullptr, requested >= 6);
        EXPECT_EQ(d.pfnCardCreateContainerEx != nullptr, requested >= 7);
        EXPECT_EQ(d.pfnCspGetDHAgreement, nullptr);  // CSP-owned: untouched
        EXPECT_EQ(d.pfnCardDeleteContext(&d), kOk);
        EXPECT_EQ(d.pvVendorSpecific, nullptr);
        SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
        EXPECT_EQ(liveAllocations(), 0u);
    }
}

TEST_F(MinidriverTest, AcquireRejectsBadArguments) {
    EXPECT_EQ(CardAcquireContext(nullptr, 0), c(SCARD_E_INVALID_PARAMETER));
    struct Case {
        const char* what;
        void (*spoil)(CARD_DATA&);
        DWORD flags;
        LONG expected;
    };
    static BYTE otherAtr[] = {0x3B, 0x02, 0x14, 0x50};
    const Case cases[] = {
        {"unknown flag", [](CARD_DATA&) {}, 0x2, SCARD_E_INVALID_PARAMETER},
        {"no-card mode", [](CARD_DATA&) {}, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE, SCARD_E_UNSUPPORTED_FEATURE},
        {"version 3", [](CARD_DATA& d) { d.dwVersion = 3; }, 0, ERROR_REVISION_MISMATCH},
        {"no ATR", [](CARD_DATA& d) { d.pbAtr = nullptr; }, 0, SCARD_E_INVALID_PARAMETER},
        {"ATR length 0", [](CARD_DATA& d) { d.cbAtr = 0; }, 0, SCARD_E_INVALID_PARAMETER},
        {"no card name", [](CARD_DATA& d) { d.pwszCardName = nullptr; }, 0, SCARD_E_INVALID_PARAMETER},
        {"no alloc", [](CARD_DATA& d) { d.pfnCspAlloc = nullptr; }, 0, SCARD_E_INVALID_PARAMETER},
        {"no realloc", [](CARD_DATA& d) { d.pfnCspReAlloc = nullptr; }, 0, SCARD_E_INVALID_PARAMETER},
        {"no free", [](CARD_DATA& d) { d.pfnCspFree = nullptr; }, 0, SCARD_E_INVALID_PARAMETER},
        {"no context", [](CARD_DATA& d) { d.hSCardCtx = 0; }, 0, SCARD_E_INVALID_HANDLE},
        {"no card handle", [](CARD_DATA& d) { d.hScard = 0; }, 0, SCARD_E_INVALID_HANDLE},
        {"foreign ATR", [](CARD_DATA& d) { d.pbAtr = otherAtr; d.cbAtr = sizeof otherAtr; }, 0, SCARD_E_UNKNOWN_CARD},
    };
    for (const auto& tc : cases) {
        CARD_DATA d;
        prepare(d);
        tc.spoil(d);
        EXPECT_EQ(CardAcquireContext(&d, tc.flags), c(tc.expected)) << tc.what;
        EXPECT_EQ(d.pvVendorSpecific, nullptr) << tc.what;
    }
    EXPECT_EQ(liveAllocations(), 0u);
}

// The ATRs of supported tokens (supported_cards.cpp) pass the check; the card behind the handle (here the
// virtual PIV card) is what the minidriver then talks to. One byte off is a foreign card.
TEST_F(MinidriverTest, AcquireAcceptsTheAtrsOfSupportedTokens) {
    static BYTE yubiKey5[] = {0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x80, 0x73, 0xC0,
                              0x21, 0xC0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4B, 0x65, 0x79, 0x40};
    static BYTE yubiKey5Nfc[] = {0x3B, 0x8D, 0x80, 0x01, 0x80, 0x73, 0xC0, 0x21, 0xC0,
                                 0x57, 0x59, 0x75, 0x62, 0x69, 0x4B, 0x65, 0x79, 0xF9};
    static BYTE yubiKey4[] = {0x3B, 0xF8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15,
                              0x59, 0x75, 0x62, 0x69, 0x6B, 0x65, 0x79, 0x34, 0xD4};
    for (auto [atr, len] : {std::pair{yubiKey5, sizeof yubiKey5}, {yubiKey5Nfc, sizeof yubiKey5Nfc},
                            {yubiKey4, sizeof yubiKey4}}) {
        CARD_DATA d;
        prepare(d);
        d.pbAtr = atr;
        d.cbAtr = DWORD(len);
        ASSERT_EQ(SCardBeginTransaction(m_card), SCARD_S_SUCCESS);
        ASSERT_EQ(CardAcquireContext(&d, 0), kOk);
        EXPECT_EQ(d.pfnCardDeleteContext(&d), kOk);
        SCardEndTransaction(m_card, SCARD_LEAVE_CARD);
        Bytes off(atr, atr + len);
        off[len - 1] ^= 0x01;
        d = CARD_DATA{};
        prepare(d);
        d.pbAtr = off.data();
        d.cbAtr = DWORD(off.size());
        EXPECT_EQ(CardAcquireContext(&d, 0), c(SCARD_E_UNKNOWN_CARD));
    }
    EXPECT_EQ(liveAllocations(), 0u);
}

TEST_F(MinidriverTest, PresentsTheFileSystemOfAFreshCard) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cardid, again, cardcf, cardapps, cmap;
    ASSERT_EQ(readCardFile(nullptr, "cardid", cardid), kOk);
    EXPECT_EQ(cardid.size(), 16u);
    EXPECT_EQ(readCardFile("", "CARDID", again), kOk);  // names are case-insensitive, "" is the root
    EXPECT_EQ(again, cardid);
    ASSERT_EQ(readCardFile(nullptr, "cardcf", cardcf), kOk);
    ASSERT_EQ(cardcf.size(), 6u);
    EXPECT_EQ(cardcf[0], 1);
    ASSERT_EQ(readCardFile(nullptr, "cardapps", cardapps), kOk);
    EXPECT_EQ(cardapps, (Bytes{'m', 's', 'c', 'p', 0, 0, 0, 0}));
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    EXPECT_EQ(cmap, Bytes(4 * 86, 0));  // no keys yet: four empty records
    Bytes none;
    EXPECT_EQ(readCardFile(nullptr, "nofile", none), c(SCARD_E_FILE_NOT_FOUND));
    EXPECT_EQ(readCardFile("mscp", "kxc00", none), c(SCARD_E_FILE_NOT_FOUND));
    EXPECT_EQ(readCardFile("nodir", "cardid", none), c(SCARD_E_DIR_NOT_FOUND));

    LPSTR names = nullptr;
    DWORD len = 0;
    ASSERT_EQ(m_data.pfnCardEnumFiles(&m_data, nullptr, &names, &len, 0), kOk);
    EXPECT_EQ(std::string(names, len), std::string("cardid\0cardcf\0cardapps\0\0", 24));
    m_data.pfnCspFree(names);
    ASSERT_EQ(m_data.pfnCardEnumFiles(&m_data, const_cast<LPSTR>("mscp"), &names, &len, 0), kOk);
    EXPECT_EQ(std::string(names, len), std::string("cmapfile\0\0", 10));
    m_data.pfnCspFree(names);
    EXPECT_EQ(m_data.pfnCardEnumFiles(&m_data, const_cast<LPSTR>("x"), &names, &len, 0), c(SCARD_E_DIR_NOT_FOUND));
    EXPECT_EQ(names, nullptr);

    CARD_FILE_INFO info{};
    info.dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetFileInfo(&m_data, nullptr, const_cast<LPSTR>("cardid"), &info), kOk);
    EXPECT_EQ(info.cbFileSize, 16u);
    EXPECT_EQ(info.AccessCondition, EveryoneReadAdminWriteAc);
    ASSERT_EQ(m_data.pfnCardGetFileInfo(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("cmapfile"), &info), kOk);
    EXPECT_EQ(info.AccessCondition, EveryoneReadUserWriteAc);

    // cardid is stable: a second context (as another process would create) reads the same bytes.
    CARD_DATA other;
    prepare(other);
    ASSERT_EQ(CardAcquireContext(&other, 0), kOk);
    PBYTE p = nullptr;
    DWORD n = 0;
    ASSERT_EQ(other.pfnCardReadFile(&other, nullptr, const_cast<LPSTR>("cardid"), 0, &p, &n), kOk);
    EXPECT_EQ(Bytes(p, p + n), cardid);
    other.pfnCspFree(p);
    EXPECT_EQ(other.pfnCardDeleteContext(&other), kOk);
}

TEST_F(MinidriverTest, FileFunctionsRejectBadArguments) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    PBYTE p = nullptr;
    DWORD n = 0;
    auto file = const_cast<LPSTR>("cardid");
    EXPECT_EQ(m_data.pfnCardReadFile(&m_data, nullptr, nullptr, 0, &p, &n), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardReadFile(&m_data, nullptr, file, 0, nullptr, &n), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardReadFile(&m_data, nullptr, file, 0, &p, nullptr), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardReadFile(&m_data, nullptr, file, 1, &p, &n), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardReadFile(nullptr, nullptr, file, 0, &p, &n), c(SCARD_E_INVALID_PARAMETER));
    CARD_DATA noState = m_data;  // a CARD_DATA without our state (never acquired)
    noState.pvVendorSpecific = nullptr;
    EXPECT_EQ(m_data.pfnCardReadFile(&noState, nullptr, file, 0, &p, &n), c(SCARD_E_INVALID_PARAMETER));
    LPSTR names = nullptr;
    EXPECT_EQ(m_data.pfnCardEnumFiles(&m_data, nullptr, nullptr, &n, 0), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardEnumFiles(&m_data, nullptr, &names, nullptr, 0), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardEnumFiles(&m_data, nullptr, &names, &n, 1), c(SCARD_E_INVALID_PARAMETER));
    CARD_FILE_INFO info{};
    EXPECT_EQ(m_data.pfnCardGetFileInfo(&m_data, nullptr, file, nullptr), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardGetFileInfo(&m_data, nullptr, nullptr, &info), c(SCARD_E_INVALID_PARAMETER));
    info.dwVersion = 2;
    EXPECT_EQ(m_data.pfnCardGetFileInfo(&m_data, nullptr, file, &info), c(ERROR_REVISION_MISMATCH));
    info.dwVersion = 0;  // version 0 is treated as 1
    EXPECT_EQ(m_data.pfnCardGetFileInfo(&m_data, nullptr, file, &info), kOk);
    EXPECT_EQ(m_data.pfnCardGetFileInfo(&m_data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("ksc00"), &info),
              c(SCARD_E_FILE_NOT_FOUND));
    EXPECT_EQ(m_data.pfnCardDeleteContext(nullptr), c(SCARD_E_INVALID_PARAMETER));
}

TEST_F(MinidriverTest, CapabilitiesFreeSpaceKeySizes) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    CARD_CAPABILITIES caps{};
    ASSERT_EQ(m_data.pfnCardQueryCapabilities(&m_data, &caps), kOk);
    EXPECT_EQ(caps.dwVersion, 1u);
    EXPECT_TRUE(caps.fCertificateCompression);
    caps.dwVersion = 2;
    EXPECT_EQ(m_data.pfnCardQueryCapabilities(&m_data, &caps), c(ERROR_REVISION_MISMATCH));
    CARD_FREE_SPACE_INFO fs{};
    ASSERT_EQ(m_data.pfnCardQueryFreeSpace(&m_data, 0, &fs), kOk);
    EXPECT_EQ(fs.dwMaxKeyContainers, 4u);
    EXPECT_EQ(fs.dwKeyContainersAvailable, 4u);
    EXPECT_EQ(m_data.pfnCardQueryFreeSpace(&m_data, 1, &fs), c(SCARD_E_INVALID_PARAMETER));
    CARD_KEY_SIZES ks{};
    ASSERT_EQ(m_data.pfnCardQueryKeySizes(&m_data, AT_KEYEXCHANGE, 0, &ks), kOk);
    EXPECT_EQ(ks.dwMinimumBitlen, 1024u);
    EXPECT_EQ(ks.dwDefaultBitlen, 2048u);
    EXPECT_EQ(ks.dwMaximumBitlen, 4096u);
    ASSERT_EQ(m_data.pfnCardQueryKeySizes(&m_data, AT_ECDSA_P384, 0, &ks), kOk);
    EXPECT_EQ(ks.dwMaximumBitlen, 384u);
    EXPECT_EQ(m_data.pfnCardQueryKeySizes(&m_data, AT_ECDSA_P521, 0, &ks), c(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(m_data.pfnCardQueryKeySizes(&m_data, AT_KEYEXCHANGE, 0, nullptr), c(SCARD_E_INVALID_PARAMETER));
}

TEST_F(MinidriverTest, Properties) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes cardid;
    ASSERT_EQ(readCardFile(nullptr, "cardid", cardid), kOk);
    BYTE buf[64];
    DWORD len = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_GUID, buf, sizeof buf, &len, 0), kOk);
    EXPECT_EQ(Bytes(buf, buf + len), cardid);
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_GUID, buf, 4, &len, 0), c(ERROR_INSUFFICIENT_BUFFER));
    EXPECT_EQ(len, 16u);
    DWORD mode = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_CACHE_MODE, reinterpret_cast<PBYTE>(&mode), sizeof mode,
                                        &len, 0), kOk);
    EXPECT_EQ(mode, DWORD(CP_CACHE_MODE_NO_CACHE));
    PIN_SET pins = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_LIST_PINS, reinterpret_cast<PBYTE>(&pins), sizeof pins,
                                        &len, 0), kOk);
    EXPECT_EQ(pins, 0xFu);  // everyone, user, admin, PUK (role 3)
    PIN_INFO pin{};
    pin.dwVersion = PIN_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pin), sizeof pin, &len,
                                        ROLE_USER), kOk);
    EXPECT_EQ(pin.PinType, AlphaNumericPinType);
    EXPECT_EQ(pin.dwUnblockPermission, DWORD(CREATE_PIN_SET(3)));
    pin.dwVersion = 1;
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pin), sizeof pin, &len,
                                        ROLE_USER), c(ERROR_REVISION_MISMATCH));
    pin.dwVersion = PIN_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pin), sizeof pin, &len, 3),
              kOk);
    EXPECT_EQ(pin.PinPurpose, UnblockOnlyPin);
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pin), sizeof pin, &len, 5),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, L"No Such Property", buf, sizeof buf, &len, 0),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_GUID, buf, sizeof buf, &len, 1), c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_GUID, buf, sizeof buf, nullptr, 0),
              c(SCARD_E_INVALID_PARAMETER));
    HWND parent = nullptr;
    EXPECT_EQ(m_data.pfnCardSetProperty(&m_data, CP_PARENT_WINDOW, reinterpret_cast<PBYTE>(&parent), sizeof parent, 0),
              kOk);
    EXPECT_EQ(m_data.pfnCardSetProperty(&m_data, CP_PARENT_WINDOW, reinterpret_cast<PBYTE>(&parent), 2, 0),
              c(SCARD_E_INVALID_PARAMETER));
    EXPECT_EQ(m_data.pfnCardSetProperty(&m_data, CP_CARD_FREE_SPACE, buf, 16, 0), c(SCARD_E_UNSUPPORTED_FEATURE));
}

TEST_F(MinidriverTest, UnimplementedEntryPointsSayUnsupported) {
    ASSERT_NO_FATAL_FAILURE(acquire());
    EXPECT_EQ(m_data.pfnCardCreateContainerEx(&m_data, 0, CARD_CREATE_CONTAINER_KEY_IMPORT, AT_KEYEXCHANGE, 2048,
                                              nullptr, ROLE_USER), c(SCARD_E_UNSUPPORTED_FEATURE));
    BYTE response[8] = {}, pin[6] = {'1', '2', '3', '4', '5', '6'};
    EXPECT_EQ(m_data.pfnCardUnblockPin(&m_data, const_cast<LPWSTR>(wszCARD_USER_USER), response, 8, pin, 6, 0,
                                       CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE),
              c(SCARD_E_UNSUPPORTED_FEATURE));  // PIV: only the PUK unblocks
    EXPECT_EQ(m_data.pfnCardSetContainerProperty(&m_data, 0, CCP_PIN_IDENTIFIER, nullptr, 0, 0),
              c(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(m_data.pfnCardCreateDirectory(&m_data, const_cast<LPSTR>("x"), UserCreateDeleteDirAc),
              c(SCARD_E_UNSUPPORTED_FEATURE));
    EXPECT_EQ(m_data.pfnCardDestroyKey(&m_data, 0), c(SCARD_E_UNSUPPORTED_FEATURE));
}

}  // namespace
}  // namespace mdtest
