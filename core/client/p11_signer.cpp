#include "core/client/p11_signer.h"

#include <libp11.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include <cstdlib>

namespace client {

namespace {

// Keys that need the PIN for every use (OpenPGP SIG, PIV 9C) make libp11 ask its UI method for it
// (context-specific login). This method answers with the PIN the signer was opened with, never a prompt.
int answerWithPin(UI* ui, UI_STRING* uis) {
    const auto type = UI_get_string_type(uis);
    if (type != UIT_PROMPT && type != UIT_VERIFY) return 1;
    const auto* pin = static_cast<const core::SecureBytes*>(UI_get0_user_data(ui));
    if (!pin || pin->empty()) return 0;
    return UI_set_result(ui, uis, reinterpret_cast<const char*>(pin->data())) == 0 ? 1 : 0;
}

struct UiMethodFree {
    void operator()(UI_METHOD* m) const { UI_destroy_method(m); }
};

}  // namespace

struct P11Signer::Handles {
    core::SecureBytes pinZ;  // NUL-terminated, for the login and for context-specific logins later
    std::unique_ptr<UI_METHOD, UiMethodFree> ui;
    PKCS11_CTX* ctx = nullptr;
    PKCS11_SLOT* slots = nullptr;
    unsigned int slotCount = 0;
    bool loaded = false;  // PKCS11_CTX_unload must not run on a context whose load failed
    ~Handles() {
        if (slots) PKCS11_release_all_slots(ctx, slots, slotCount);
        if (loaded) PKCS11_CTX_unload(ctx);
        if (ctx) PKCS11_CTX_free(ctx);
    }
};

P11Signer::P11Signer() : m_handles(std::make_unique<Handles>()) {}

P11Signer::~P11Signer() {
    EVP_PKEY_free(m_pkey);  // before the context that backs it
}

std::string pkcs11ModulePath(const std::string& fallback) {
    if (const char* env = std::getenv("MESIGN_PKCS11_MODULE"); env && *env) return env;
    return fallback;
}

std::string opensslErrorText() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

namespace {
// PKCS#11 token fields are blank-padded; libp11 usually trims them.
std::string trimmed(const char* s) {
    std::string t = s ? s : "";
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return t;
}
}  // namespace

namespace {
// Loads the module into `h` and enumerates its slots (libp11 0.4.12 lists no private key on a token that
// shows an Ed25519/X25519 key: our module hides those from this process, pkcs11/object_store.cpp; a
// user's explicit setting wins).
template <typename H>
core::Status loadModule(H& h, const std::string& modulePath) {
    setenv("MESIGN_PKCS11_HIDE_CURVE25519", "1", 0);
    if (PKCS11_CTX_load(h.ctx, modulePath.c_str()) != 0)
        return core::fail(core::Errc::NotFound,
                          "cannot load the PKCS#11 module " + modulePath + ": " + opensslErrorText());
    h.loaded = true;
    if (PKCS11_enumerate_slots(h.ctx, &h.slots, &h.slotCount) != 0)
        return core::fail(core::Errc::NoReader, "the PKCS#11 module lists no slots: " + opensslErrorText());
    return {};
}
}  // namespace

core::Result<std::vector<std::string>> moduleTokenSerials(const std::string& modulePath) {
    P11Signer::Handles h;
    h.ctx = PKCS11_CTX_new();
    if (!h.ctx) return core::fail(core::Errc::Internal, "libp11: out of memory");
    MESIGN_TRY(loadModule(h, modulePath));
    std::vector<std::string> serials;
    for (unsigned int i = 0; i < h.slotCount; ++i)
        if (h.slots[i].token) serials.push_back(trimmed(h.slots[i].token->serialnr));
    return serials;
}

core::Result<std::unique_ptr<P11Signer>> P11Signer::open(const std::string& modulePath,
                                                         const std::string& serial, uint8_t ckaId,
                                                         core::ByteView pin) {
    using core::Errc;
    std::unique_ptr<P11Signer> s(new P11Signer());
    auto& h = *s->m_handles;
    h.ctx = PKCS11_CTX_new();
    if (!h.ctx) return core::fail(Errc::Internal, "libp11: out of memory");
    h.pinZ = core::secureCopy(pin);  // libp11 wants a C string; keep it in wiped memory
    h.pinZ.push_back(0);
    h.ui.reset(UI_create_method("mesign-client"));
    if (!h.ui || UI_method_set_reader(h.ui.get(), answerWithPin) != 0 ||
        PKCS11_set_ui_method(h.ctx, h.ui.get(), &h.pinZ) != 0)
        return core::fail(Errc::Internal, "libp11: cannot set the PIN callback");
    MESIGN_TRY(loadModule(h, modulePath));
    PKCS11_SLOT* slot = nullptr;
    for (unsigned int i = 0; i < h.slotCount; ++i)
        if (h.slots[i].token && trimmed(h.slots[i].token->serialnr) == serial) slot = &h.slots[i];
    if (!slot)
        return core::fail(Errc::NoCard, "the PKCS#11 module does not show the token with serial " + serial);
    if (PKCS11_login(slot, 0, reinterpret_cast<const char*>(h.pinZ.data())) != 0)
        return core::fail(Errc::PinIncorrect,
                          "PIN login through the PKCS#11 module failed: " + opensslErrorText());
    PKCS11_KEY* keys = nullptr;
    unsigned int keyCount = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &keyCount) != 0)
        return core::fail(Errc::NotFound, "cannot list the token's keys: " + opensslErrorText());
    for (unsigned int i = 0; i < keyCount; ++i) {
        if (keys[i].id_len == 1 && keys[i].id[0] == ckaId) {
            s->m_pkey = PKCS11_get_private_key(&keys[i]);
            break;
        }
    }
    if (!s->m_pkey) return core::fail(Errc::NotFound, "the PKCS#11 module shows no private key with that id");
    return s;
}

}  // namespace client
