// C_DeriveKey with CKM_ECDH1_DERIVE (CKD_NULL): Z from the card becomes a session secret-key object.
// C_GenerateRandom / C_SeedRandom: CKR_RANDOM_NO_RNG — PIV offers no card RNG and a host RNG would
// add nothing the application does not already have (README.md); CKF_RNG is therefore clear.
#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/global_state.h"
#include "pkcs11/key_ops.h"
#include "pkcs11/object_store.h"

namespace p11 {
namespace {

// X25519 peer: the 32-byte u-coordinate, raw or in a DER OCTET STRING (04 20 ...).
std::optional<Bytes> x25519Peer(core::ByteView data) {
    if (data.size() == 32) return Bytes(data.begin(), data.end());
    if (data.size() == 34 && data[0] == 0x04 && data[1] == 0x20) return Bytes(data.begin() + 2, data.end());
    return std::nullopt;
}

// The peer point: raw 04||X||Y (MUST) or its DER OCTET STRING (MAY).
std::optional<Bytes> peerPoint(core::ByteView data, std::size_t fieldBytes) {
    std::size_t rawLen = 2 * fieldBytes + 1;
    if (data.size() == rawLen && data[0] == 0x04) return Bytes(data.begin(), data.end());
    if (data.size() <= rawLen) return std::nullopt;
    core::ByteView raw = data.subspan(data.size() - rawLen);
    Bytes wrapped = derOctetString(raw);
    if (raw[0] == 0x04 && std::equal(wrapped.begin(), wrapped.end(), data.begin(), data.end()))
        return Bytes(raw.begin(), raw.end());
    return std::nullopt;
}

// Template of the new key: what we accept and store; `opt` gets the policy values.
CK_RV readTemplate(std::span<CK_ATTRIBUTE> tmpl, SecretKeyOptions& opt, std::optional<CK_ULONG>& valueLen) {
    for (const CK_ATTRIBUTE& a : tmpl) {
        switch (a.type) {
            case CKA_CLASS: {
                auto v = readUlong(a);
                if (!v) return CKR_ATTRIBUTE_VALUE_INVALID;
                if (*v != CKO_SECRET_KEY) return CKR_TEMPLATE_INCONSISTENT;
                break;
            }
            case CKA_KEY_TYPE: {
                auto v = readUlong(a);
                if (!v) return CKR_ATTRIBUTE_VALUE_INVALID;
                if (*v != CKK_GENERIC_SECRET && *v != CKK_AES) return CKR_TEMPLATE_INCONSISTENT;
                opt.keyType = *v;
                break;
            }
            case CKA_VALUE_LEN: {
                auto v = readUlong(a);
                if (!v) return CKR_ATTRIBUTE_VALUE_INVALID;
                valueLen = *v;
                break;
            }
            case CKA_TOKEN: {
                auto v = readBool(a);
                if (!v) return CKR_ATTRIBUTE_VALUE_INVALID;
                if (*v) return CKR_TEMPLATE_INCONSISTENT;  // the card stores no secret keys
                break;
            }
            case CKA_SENSITIVE:
            case CKA_EXTRACTABLE:
            case CKA_PRIVATE:
            case CKA_ENCRYPT:
            case CKA_DECRYPT:
            case CKA_SIGN:
            case CKA_VERIFY:
            case CKA_WRAP:
            case CKA_UNWRAP:
            case CKA_DERIVE: {
                auto v = readBool(a);
                if (!v) return CKR_ATTRIBUTE_VALUE_INVALID;
                if (a.type == CKA_SENSITIVE) opt.sensitive = *v;
                else if (a.type == CKA_EXTRACTABLE) opt.extractable = *v;
                else opt.fromTemplate[a.type] = ckBool(*v);
                break;
            }
            case CKA_LABEL:
            case CKA_ID: {
                core::ByteView v = bytesOf(a.pValue, a.ulValueLen);
                opt.fromTemplate[a.type] = Bytes(v.begin(), v.end());
                break;
            }
            case CKA_UNIQUE_ID: return CKR_ATTRIBUTE_READ_ONLY;  // the token assigns it (3.0 §4.4.1)
            default: return CKR_ATTRIBUTE_TYPE_INVALID;
        }
    }
    return CKR_OK;
}

}  // namespace

CK_RV deriveKey(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE base,
                CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!mech || !out || (!t && n)) return CKR_ARGUMENTS_BAD;
    if (mech->mechanism != CKM_ECDH1_DERIVE) return CKR_MECHANISM_INVALID;
    if (!mech->pParameter || mech->ulParameterLen != sizeof(CK_ECDH1_DERIVE_PARAMS))
        return CKR_MECHANISM_PARAM_INVALID;
    const auto* p = static_cast<const CK_ECDH1_DERIVE_PARAMS*>(mech->pParameter);
    if (p->kdf != CKD_NULL || p->ulSharedDataLen != 0 || !p->pPublicData) return CKR_MECHANISM_PARAM_INVALID;

    KeyOperation op;
    op.mechanism = CKM_ECDH1_DERIVE;
    if (CK_RV rv = lookupPrivateKey(m, *s, base, op.key); rv != CKR_OK) return rv;
    if (CK_RV rv = checkKeyFamily(*findMechanism(CKM_ECDH1_DERIVE), op.key); rv != CKR_OK) return rv;
    if (!(op.key.key.key.usage & cardapp::kUsageDerive)) return CKR_KEY_FUNCTION_NOT_PERMITTED;
    const bool x25519 = op.key.type == crypto::KeyType::X25519;
    std::size_t fieldBytes = x25519 ? 32 : (op.key.bits + 7) / 8;
    auto data = bytesOf(p->pPublicData, p->ulPublicDataLen);
    auto point = x25519 ? x25519Peer(data) : peerPoint(data, fieldBytes);
    if (!point) return CKR_MECHANISM_PARAM_INVALID;

    SecretKeyOptions opt;
    std::optional<CK_ULONG> valueLen;
    if (CK_RV rv = readTemplate(templateSpan(t, n), opt, valueLen); rv != CKR_OK) return rv;
    if (valueLen && (*valueLen == 0 || *valueLen > fieldBytes)) return CKR_ATTRIBUTE_VALUE_INVALID;
    if (opt.keyType == CKK_AES && (!valueLen || (*valueLen != 16 && *valueLen != 24 && *valueLen != 32)))
        return CKR_TEMPLATE_INCONSISTENT;
    bool loggedIn = s->login() == LoginState::User;
    bool isPrivate = opt.fromTemplate.contains(CKA_PRIVATE) ? opt.fromTemplate[CKA_PRIVATE][0] != 0 : loggedIn;
    if (isPrivate && !loggedIn) return CKR_USER_NOT_LOGGED_IN;
    opt.fromTemplate[CKA_PRIVATE] = ckBool(isPrivate);

    // A CKA_ALWAYS_AUTHENTICATE base key cannot be derived from (no *Init step for the context login).
    CK_RV rv = CKR_OK;
    std::optional<core::ByteView> pin = contextPin(op, rv);
    if (rv != CKR_OK) return rv;
    auto z = s->context().token().deriveEcdh(op.key.key.key.ref, *point, pin);
    if (!z) {
        bool keep = false;
        return cardCallFailed(*s, op, z.error(), keep);
    }
    // CKA_VALUE = Z truncated from the front to CKA_VALUE_LEN.
    std::size_t len = valueLen ? *valueLen : z->size();
    opt.value.assign(z->end() - static_cast<std::ptrdiff_t>(std::min(len, z->size())), z->end());
    core::secureWipe(z->data(), z->size());
    // The base key is always sensitive and never extractable.
    opt.alwaysSensitive = opt.sensitive;
    opt.neverExtractable = !opt.extractable;
    SessionObject obj{s->handle(), secretKeyAttributes(opt)};
    core::secureWipe(opt.value.data(), opt.value.size());
    CK_OBJECT_HANDLE handle = nextHandle();
    obj.attributes.values[CKA_UNIQUE_ID] = ckString("session-" + std::to_string(handle));
    TokenContext& ctx = s->context();
    std::lock_guard lock(ctx.mutex);
    ctx.sessionObjects.emplace(handle, std::move(obj));
    *out = handle;
    return CKR_OK;
}

CK_RV generateRandom(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR, CK_ULONG) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    return CKR_RANDOM_NO_RNG;
}

CK_RV seedRandom(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR, CK_ULONG) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    return CKR_RANDOM_NO_RNG;
}

}  // namespace p11
