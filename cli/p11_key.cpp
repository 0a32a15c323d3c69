#include "cli/p11_key.h"

#include <libp11.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include <cstdlib>
#include <filesystem>
#include <cstring>

#include "cli/text_util.h"

namespace cli {

struct P11Key::Handles {
    PKCS11_CTX* ctx = nullptr;
    PKCS11_SLOT* slots = nullptr;
    unsigned int slotCount = 0;
    bool loaded = false;  // PKCS11_CTX_unload crashes on a context whose load failed
    // A key with CKA_ALWAYS_AUTHENTICATE (PIV 9C) needs the PIN again before each signature: libp11 asks
    // its UI method, which answers with the PIN given for this command (no second prompt).
    UI_METHOD* ui = nullptr;
    core::SecureBytes pin;
    ~Handles() {
        if (slots) PKCS11_release_all_slots(ctx, slots, slotCount);
        if (loaded) PKCS11_CTX_unload(ctx);
        if (ctx) PKCS11_CTX_free(ctx);
        if (ui) UI_destroy_method(ui);
    }
};

std::string pkcs11ModulePath(const ParsedArgs& args) {
    if (auto m = args.value("module")) return *m;
    if (const char* env = std::getenv("MESIGN_PKCS11_MODULE"); env && *env) return env;
    return installedOrBuilt(MESIGN_PKCS11_MODULE_FROM_BINDIR, MESIGN_PKCS11_MODULE_DEFAULT,
                            MESIGN_PKCS11_MODULE_INSTALLED);
}

std::string installedOrBuilt(const char* fromBinDir, const char* buildTree, const char* installed) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // An installed mesign-token finds its module beside it, wherever the tree was installed (or staged).
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path candidate = (self.parent_path() / fromBinDir).lexically_normal();
        if (fs::exists(candidate, ec)) return candidate.string();
    }
    if (fs::exists(buildTree, ec)) return buildTree;
    return installed;
}

std::string opensslError() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

namespace {

// PKCS#11 pads token fields with blanks; libp11 usually trims them, but compare safely either way.
std::string trimmed(const char* s) {
    std::string t = s ? s : "";
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return t;
}

// libp11's UI reader for the context-specific login: the PIN held in the Handles (its user data).
int answerWithPin(UI* ui, UI_STRING* uis) {
    if (UI_get_string_type(uis) != UIT_PROMPT && UI_get_string_type(uis) != UIT_VERIFY) return 1;
    const auto* pin = static_cast<const core::SecureBytes*>(UI_get0_user_data(ui));
    if (!pin || pin->empty()) return 0;
    return UI_set_result_ex(ui, uis, reinterpret_cast<const char*>(pin->data()), static_cast<int>(pin->size())) >= 0;
}

}  // namespace

CliResult<std::unique_ptr<P11Key>> P11Key::open(const std::string& modulePath, const std::string& serial,
                                                uint8_t ckaId, const core::SecureBytes& pin) {
    SlowNote note("opening the token through the PKCS#11 module");
    std::unique_ptr<P11Key> key(new P11Key());
    key->m_handles = std::make_unique<Handles>();
    auto& h = *key->m_handles;
    h.ctx = PKCS11_CTX_new();
    if (!h.ctx) return cliFail(kExitFailed, "libp11: out of memory");
    h.pin = pin;
    h.ui = UI_create_method("mesign-token context-specific PIN");
    if (!h.ui || UI_method_set_reader(h.ui, answerWithPin) != 0 || PKCS11_set_ui_method(h.ctx, h.ui, &h.pin) != 0)
        return cliFail(kExitFailed, "libp11: cannot set the PIN callback: " + opensslError());
    // libp11 0.4.12 lists no private key on a token that shows an Ed25519/X25519 key: our module hides
    // those from this process (pkcs11/object_store.cpp); a user's explicit setting wins.
    setenv("MESIGN_PKCS11_HIDE_CURVE25519", "1", 0);
    if (PKCS11_CTX_load(h.ctx, modulePath.c_str()) != 0)
        return cliFail(kExitFailed, "cannot load the PKCS#11 module " + modulePath + ": " + opensslError());
    h.loaded = true;
    if (PKCS11_enumerate_slots(h.ctx, &h.slots, &h.slotCount) != 0)
        return cliFail(kExitFailed, "the PKCS#11 module lists no slots: " + opensslError());
    PKCS11_SLOT* slot = nullptr;
    for (unsigned int i = 0; i < h.slotCount; ++i)
        if (h.slots[i].token && trimmed(h.slots[i].token->serialnr) == serial) slot = &h.slots[i];
    if (!slot) return cliFail(kExitNoToken, "the PKCS#11 module does not show the token with serial " + serial);
    // libp11 wants a C string; keep it in wiped memory.
    core::SecureBytes pinZ = pin;
    pinZ.push_back(0);
    if (PKCS11_login(slot, 0, reinterpret_cast<const char*>(pinZ.data())) != 0)
        return cliFail(kExitPin, "PIN login through the PKCS#11 module failed: " + opensslError());
    PKCS11_KEY* keys = nullptr;
    unsigned int keyCount = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &keyCount) != 0)
        return cliFail(kExitFailed, "cannot list the token's keys: " + opensslError());
    for (unsigned int i = 0; i < keyCount; ++i) {
        if (keys[i].id_len == 1 && keys[i].id[0] == ckaId) {
            key->m_pkey = PKCS11_get_private_key(&keys[i]);
            break;
        }
    }
    if (!key->m_pkey) return cliFail(kExitFailed, "the PKCS#11 module shows no private key with that id");
    return key;
}

CliResult<std::vector<std::string>> moduleTokenSerials(const std::string& modulePath) {
    P11Key::Handles h;
    h.ctx = PKCS11_CTX_new();
    if (!h.ctx) return cliFail(kExitFailed, "libp11: out of memory");
    // libp11 0.4.12 lists no private key on a token that shows an Ed25519/X25519 key: our module hides
    // those from this process (pkcs11/object_store.cpp); a user's explicit setting wins.
    setenv("MESIGN_PKCS11_HIDE_CURVE25519", "1", 0);
    if (PKCS11_CTX_load(h.ctx, modulePath.c_str()) != 0)
        return cliFail(kExitFailed, "cannot load " + modulePath + ": " + opensslError());
    h.loaded = true;
    if (PKCS11_enumerate_slots(h.ctx, &h.slots, &h.slotCount) != 0)
        return cliFail(kExitFailed, "the module lists no slots: " + opensslError());
    std::vector<std::string> serials;
    for (unsigned int i = 0; i < h.slotCount; ++i)
        if (h.slots[i].token) serials.push_back(trimmed(h.slots[i].token->serialnr));
    return serials;
}

P11Key::~P11Key() {
    EVP_PKEY_free(m_pkey);
}

}  // namespace cli
