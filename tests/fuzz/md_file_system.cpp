// The minidriver's virtual file system (minidriver/md_files.cpp, md_keys.cpp, md_write.cpp) over a card
// that answers from the fuzz input: a context is set up as CardAcquireContext does (PIV driver over a
// scripted transport, card id from the CHUID), then the CSP's file calls run — ReadFile of every file
// the minidriver serves and of a fuzzed name, EnumFiles, GetFileInfo, QueryFreeSpace, GetContainerInfo
// (public keys parsed from the card's answers), and a WriteFile of fuzzed bytes to cmapfile read back.
// Invariants: no crash, leak or UB (ASan/UBSan); every successful call hands back a buffer of the length
// it reports, allocated through the CSP allocator; a cmapfile written reads back unchanged (when the read
// succeeds: mscp reads need the card's key list).
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "card-apps/piv/piv_application.h"
#include "core/transport/transport.h"
#include "fuzz_input.h"
#include "minidriver/md_context.h"

namespace {

class ScriptedTransport : public transport::Transport {
  public:
    explicit ScriptedTransport(fuzz::Input& in) : m_in(in) {}
    core::Result<core::Bytes> transmit(core::ByteView) override {
        if (m_in.empty()) return core::Bytes{0x6A, 0x82};  // script exhausted: "not found" from here on
        auto answer = m_in.chunk();
        return core::Bytes(answer.begin(), answer.end());
    }
    core::Result<core::Bytes> atr() override { return core::Bytes{0x3B, 0x00}; }
    core::Status reset() override { return {}; }
    core::Status beginTransaction() override { return {}; }
    void endTransaction() override {}
    bool supportsExtendedLength() const override { return false; }
    std::string readerName() const override { return "fuzz"; }

  private:
    fuzz::Input& m_in;
};

class ScriptedCard final : public md::Card {
  public:
    explicit ScriptedCard(fuzz::Input& in) : m_transport(in), m_app(m_transport) {}
    cardapp::CardApplication& app() override { return m_app; }
    transport::Transport& rawTransport() override { return m_transport; }
    LONG lastPcscError() const override { return 0; }

  private:
    ScriptedTransport m_transport;
    piv::PivApplication m_app;
};

// The CSP allocator, counting live blocks so a leak of a returned buffer shows as well as ASan's.
int g_live = 0;
LPVOID WINAPI cspAlloc(SIZE_T n) {
    ++g_live;
    return std::malloc(n ? n : 1);
}
LPVOID WINAPI cspReAlloc(LPVOID p, SIZE_T n) {
    if (!p) ++g_live;
    return std::realloc(p, n ? n : 1);
}
void WINAPI cspFree(LPVOID p) {
    if (p) --g_live;
    std::free(p);
}

void readAndFree(PCARD_DATA d, const char* dir, const char* file) {
    PBYTE data = nullptr;
    DWORD len = 0;
    const DWORD rc = d->pfnCardReadFile(d, const_cast<LPSTR>(dir), const_cast<LPSTR>(file), 0, &data, &len);
    if (rc == SCARD_S_SUCCESS) {
        FUZZ_CHECK(data != nullptr || len == 0);
        if (len) {
            volatile BYTE sink = data[0] ^ data[len - 1];  // the whole reported length must be readable
            (void)sink;
        }
        CARD_FILE_INFO info{};
        info.dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
        if (d->pfnCardGetFileInfo(d, const_cast<LPSTR>(dir), const_cast<LPSTR>(file), &info) ==
            SCARD_S_SUCCESS)
            FUZZ_CHECK(info.cbFileSize == len);
    }
    cspFree(data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    fuzz::Input in(bytes, size);
    const auto nameBytes = in.chunk();  // a file name the CSP might ask for
    const auto cmap = in.chunk();       // bytes the CSP writes to cmapfile
    std::string fuzzName(nameBytes.begin(), nameBytes.end());
    fuzzName = fuzzName.substr(0, std::strlen(fuzzName.c_str()));  // C string as the CSP passes it

    static const BYTE atr[] = {0x3B, 0x88, 0x80, 0x01, 'M', 'e', 'S', 'i', 'g', 'n', 'P', 'V', 0x00};
    static wchar_t cardName[] = L"MeSign";
    CARD_DATA data{};
    data.dwVersion = CARD_DATA_CURRENT_VERSION;
    data.pbAtr = const_cast<PBYTE>(atr);
    data.cbAtr = sizeof atr;
    data.pwszCardName = cardName;
    data.pfnCspAlloc = cspAlloc;
    data.pfnCspReAlloc = cspReAlloc;
    data.pfnCspFree = cspFree;
    data.hSCardCtx = 1;
    data.hScard = 1;
    g_live = 0;

    // As md::acquireContext, with the scripted card in place of the caller's SCARDHANDLE.
    void* mem = cspAlloc(sizeof(md::Context));
    auto* ctx = new (mem) md::Context();
    ctx->data = &data;
    ctx->version = CARD_DATA_CURRENT_VERSION;
    auto card = std::make_unique<ScriptedCard>(in);
    const bool usable = card->app().select() && (ctx->card = std::move(card), ctx->loadCardId().has_value());
    if (usable) {
        data.pvVendorSpecific = ctx;
        md::fillFunctionTable(&data, CARD_DATA_CURRENT_VERSION);

        for (const char* f : {"cardid", "cardcf", "cardapps"}) readAndFree(&data, nullptr, f);
        for (const char* f :
             {"cmapfile", "ksc00", "kxc00", "ksc01", "kxc01", "ksc02", "kxc02", "ksc03", "kxc03"})
            readAndFree(&data, "mscp", f);
        readAndFree(&data, nullptr, fuzzName.c_str());
        readAndFree(&data, "mscp", fuzzName.c_str());

        for (const char* dir : {static_cast<const char*>(nullptr), "mscp"}) {
            LPSTR names = nullptr;
            DWORD len = 0;
            if (data.pfnCardEnumFiles(&data, const_cast<LPSTR>(dir), &names, &len, 0) == SCARD_S_SUCCESS) {
                // A multi-string: NUL-separated names ending in an empty one, all inside len.
                FUZZ_CHECK(names && len >= 1 && names[len - 1] == '\0');
            }
            cspFree(names);
        }
        CARD_FREE_SPACE_INFO space{};
        space.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
        (void)data.pfnCardQueryFreeSpace(&data, 0, &space);
        for (BYTE i = 0; i < md::kMaxContainers + 1; ++i) {
            CONTAINER_INFO info{};
            info.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
            if (data.pfnCardGetContainerInfo(&data, i, 0, &info) == SCARD_S_SUCCESS) {
                FUZZ_CHECK(info.pbSigPublicKey || info.pbKeyExPublicKey);
            }
            cspFree(info.pbSigPublicKey);
            cspFree(info.pbKeyExPublicKey);
        }
        core::Bytes written(cmap.begin(), cmap.end());
        if (data.pfnCardWriteFile(&data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("cmapfile"), 0,
                                  written.data(), static_cast<DWORD>(written.size())) == SCARD_S_SUCCESS) {
            PBYTE back = nullptr;
            DWORD len = 0;
            // The read may still fail when the card cannot list its keys (mscp needs them); if it works,
            // it returns what was written.
            if (data.pfnCardReadFile(&data, const_cast<LPSTR>("mscp"), const_cast<LPSTR>("cmapfile"), 0,
                                     &back, &len) == SCARD_S_SUCCESS) {
                FUZZ_CHECK(len == written.size() &&
                           (len == 0 || std::memcmp(back, written.data(), len) == 0));
            }
            cspFree(back);
        }
    }
    ctx->~Context();
    cspFree(mem);
    FUZZ_CHECK(g_live == 0);  // every buffer handed to the CSP was freed above; nothing else kept
    return 0;
}
