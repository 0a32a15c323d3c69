#include "pkcs11/object_store.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "pkcs11/ckr_map.h"
#include "pkcs11/mechanisms.h"

namespace p11 {
namespace {

void addTokenObject(Module& m, Session& s, const Bytes& cardId, ObjectKind kind, uint8_t ref,
                    const token::KeyObject* key, AttributeSet attrs, bool showPrivate,
                    std::vector<ObjectEntry>& out, uint32_t dataTag = 0) {
    if (attrs.boolean(CKA_PRIVATE) && !showPrivate) return;
    ObjectEntry e;
    e.handle = m.objectHandle(TokenObjectId{s.slot(), cardId, kind, ref, dataTag});
    e.kind = kind;
    e.dataTag = dataTag;
    // CKA_UNIQUE_ID: the card, the kind of object and its slot or tag; the same in every process.
    char where[16];
    if (dataTag) std::snprintf(where, sizeof where, "%06X", unsigned(dataTag));
    else std::snprintf(where, sizeof where, "%02X", unsigned(ref));
    attrs.values[CKA_UNIQUE_ID] = ckString(core::toHex(cardId) + "-" + std::to_string(int(kind)) + "-" + where);
    e.attributes = std::move(attrs);
    if (key) e.key = *key;
    out.push_back(std::move(e));
}

// MESIGN_PKCS11_HIDE_CURVE25519=1: no Ed25519/X25519 key objects (their certificates stay). libp11 0.4.12
// (Debian 12's OpenSSL engine) lists no private key at all on a token that shows an EdDSA key, so programs
// that reach the token through it (mesign-token, openssl with the engine) set this for themselves.
bool hideCurve25519Keys() {
    static const bool hide = [] {
        const char* v = std::getenv("MESIGN_PKCS11_HIDE_CURVE25519");
        return v && *v && std::string_view(v) != "0";
    }();
    return hide;
}

bool isCurve25519(const token::KeyObject& k) {
    return k.key.algorithm == cardapp::KeyAlgorithm::Ed25519 || k.key.algorithm == cardapp::KeyAlgorithm::X25519;
}

// The attributes of one object a key slot shows (its certificate, public key or private key); nullopt when
// the slot shows no such object.
std::optional<AttributeSet> keyObjectAttributes(ObjectKind kind, const token::KeyObject& k, token::AppKind app) {
    switch (kind) {
        case ObjectKind::Certificate:
            if (!k.certificate) return std::nullopt;
            return certificateAttributes(k, app);
        case ObjectKind::PublicKey:
            if (!k.publicKey || (hideCurve25519Keys() && isCurve25519(k))) return std::nullopt;
            return publicKeyAttributes(k, app);
        case ObjectKind::PrivateKey: {
            if (hideCurve25519Keys() && isCurve25519(k)) return std::nullopt;
            AttributeSet priv = privateKeyAttributes(k, app);
            Bytes allowed;
            for (CK_MECHANISM_TYPE mech : allowedMechanisms(k, app)) core::append(allowed, ckUlong(mech));
            priv.values[CKA_ALLOWED_MECHANISMS] = std::move(allowed);
            return priv;
        }
        default:
            return std::nullopt;
    }
}

// One object of a key slot, built alone: what an operation on a handle needs, without the attribute sets of
// every other object (most of C_SignInit's cost before). CKR_OBJECT_HANDLE_INVALID when not visible.
CK_RV keySlotObject(Module& m, Session& s, CK_OBJECT_HANDLE h, const TokenObjectId& id, ObjectEntry& out) {
    token::Token& tok = s.context().token();
    auto cardId = tok.cardId();
    if (!cardId) return toCkr(cardId.error());
    if (id.slot != s.slot() || id.cardId != *cardId) return CKR_OBJECT_HANDLE_INVALID;
    auto k = tok.object(id.keyRef);
    if (!k) return toCkr(k.error());
    if (!*k) return CKR_OBJECT_HANDLE_INVALID;
    auto attrs = keyObjectAttributes(id.kind, **k, tok.kind());
    if (!attrs) return CKR_OBJECT_HANDLE_INVALID;
    std::vector<ObjectEntry> one;
    addTokenObject(m, s, *cardId, id.kind, id.keyRef, &**k, std::move(*attrs), s.login() == LoginState::User, one);
    if (one.empty() || one.front().handle != h) return CKR_OBJECT_HANDLE_INVALID;
    out = std::move(one.front());
    return CKR_OK;
}

}  // namespace

bool needsKeyDetails(std::span<const CK_ATTRIBUTE> tmpl) {
    for (const CK_ATTRIBUTE& a : tmpl)
        switch (a.type) {
            case CKA_ALWAYS_AUTHENTICATE:  // PIN policy
            case CKA_LOCAL:                // origin, and what follows from it
            case CKA_KEY_GEN_MECHANISM:
            case CKA_ALWAYS_SENSITIVE:
            case CKA_NEVER_EXTRACTABLE:
                return true;
            default:
                break;
        }
    return false;
}

CK_RV visibleObjects(Module& m, Session& s, std::vector<ObjectEntry>& out, bool withData, bool withDetails) {
    token::Token& tok = s.context().token();
    auto id = tok.cardId();  // not info(): that would read the PIN status
    if (!id) return toCkr(id.error());
    if (withDetails)
        if (auto st = tok.completeKeys(); !st) return toCkr(st.error());
    auto objects = tok.objects();
    if (!objects) return toCkr(objects.error());
    bool showPrivate = s.login() == LoginState::User;
    const Bytes& cardId = *id;
    const token::AppKind app = tok.kind();
    out.clear();
    addTokenObject(m, s, cardId, ObjectKind::Profile, 0, nullptr, profileAttributes(), showPrivate, out);
    for (const token::KeyObject& k : *objects)
        for (ObjectKind kind : {ObjectKind::Certificate, ObjectKind::PublicKey, ObjectKind::PrivateKey})
            if (auto attrs = keyObjectAttributes(kind, k, app))
                addTokenObject(m, s, cardId, kind, k.key.ref, &k, std::move(*attrs), showPrivate, out);
    if (withData) {
        auto tags = tok.dataObjects();
        if (!tags) return toCkr(tags.error());
        for (uint32_t tag : *tags) {
            const token::DataObjectSpec* spec = token::findDataObject(app, tag);
            if (!spec) continue;
            AttributeSet attrs = dataObjectAttributes(*spec, token::dataObjectApplication(app), token::dataObjectOid(*spec));
            addTokenObject(m, s, cardId, ObjectKind::Data, 0, nullptr, std::move(attrs), showPrivate, out, tag);
        }
    }
    TokenContext& ctx = s.context();
    std::lock_guard lock(ctx.mutex);
    for (const auto& [h, obj] : ctx.sessionObjects) {
        if (obj.attributes.boolean(CKA_PRIVATE) && !showPrivate) continue;
        ObjectEntry e;
        e.handle = h;
        e.kind = ObjectKind::PrivateKey;  // unused for session objects
        e.sessionObject = true;
        e.attributes = obj.attributes;
        out.push_back(std::move(e));
    }
    return CKR_OK;
}

CK_RV lookupObject(Module& m, Session& s, CK_OBJECT_HANDLE h, ObjectEntry& out, bool withDetails) {
    std::vector<ObjectEntry> all;
    std::optional<TokenObjectId> id = m.objectId(h);
    const bool data = id && id->kind == ObjectKind::Data;
    const bool key = id && (id->kind == ObjectKind::PrivateKey || id->kind == ObjectKind::PublicKey);
    // Only for a handle of this token (a stale or foreign handle fails below without an APDU).
    if (withDetails && key && id->slot == s.slot())
        if (auto st = s.context().token().completeKeys(id->keyRef); !st) return toCkr(st.error());
    if (id && id->kind != ObjectKind::Data && id->kind != ObjectKind::Profile) return keySlotObject(m, s, h, *id, out);
    if (CK_RV rv = visibleObjects(m, s, all, data); rv != CKR_OK) return rv;
    for (ObjectEntry& e : all) {
        if (e.handle != h) continue;
        out = std::move(e);
        return CKR_OK;
    }
    return CKR_OBJECT_HANDLE_INVALID;
}

CK_RV loadDataValue(Session& s, ObjectEntry& e) {
    if (e.sessionObject || e.kind != ObjectKind::Data) return CKR_OK;
    auto value = s.context().token().readDataObject(e.dataTag);
    if (!value) return toCkr(value.error());
    if (!*value) return CKR_OBJECT_HANDLE_INVALID;  // deleted by another program since it was listed
    setDataValue(e.attributes, std::move(**value));
    return CKR_OK;
}

CK_RV lookupPrivateKey(Module& m, Session& s, CK_OBJECT_HANDLE h, KeyHandle& out) {
    ObjectEntry e;
    // The PIN policy decides CKA_ALWAYS_AUTHENTICATE: known before any private-key operation starts.
    CK_RV rv = lookupObject(m, s, h, e, true);
    if (rv == CKR_OBJECT_HANDLE_INVALID) return CKR_KEY_HANDLE_INVALID;
    if (rv != CKR_OK) return rv;
    if (e.sessionObject || e.kind != ObjectKind::PrivateKey || !e.key) return CKR_KEY_TYPE_INCONSISTENT;
    out.handle = h;
    out.key = *e.key;
    out.alwaysAuthenticate = e.attributes.boolean(CKA_ALWAYS_AUTHENTICATE);
    if (e.key->publicKey) {
        out.type = e.key->publicKey->type;
        out.bits = e.key->publicKey->bits;
    } else if (auto alg = e.key->key.algorithm) {
        // No public key known: sizes from the algorithm the card reported.
        out.type = cardapp::isRsa(*alg) ? crypto::KeyType::Rsa : crypto::KeyType::Ec;
        out.bits = cardapp::isRsa(*alg) ? cardapp::rsaModulusBytes(*alg) * 8
                                        : (*alg == cardapp::KeyAlgorithm::EcP384 ? 384 : 256);
        if (!cardapp::isRsa(*alg) && !cardapp::isEc(*alg)) return CKR_KEY_TYPE_INCONSISTENT;
    } else {
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    }
    return CKR_OK;
}

CK_RV lookupSessionKey(Module& m, Session& s, CK_OBJECT_HANDLE h, KeyHandle& out) {
    token::Token& tok = s.context().token();
    // Read before the lookup: a change while it runs leaves an entry that the next call does not take.
    const uint64_t generation = tok.generation();
    const LoginState login = s.login();
    if (s.lastKey && s.lastKey->handle == h && s.lastKey->generation == generation && s.lastKey->login == login &&
        !tok.removed()) {
        out = s.lastKey->key;
        return CKR_OK;
    }
    s.lastKey.reset();
    if (CK_RV rv = lookupPrivateKey(m, s, h, out); rv != CKR_OK) return rv;
    s.lastKey = Session::KeyLookup{h, generation, login, out};
    return CKR_OK;
}

}  // namespace p11
