#include "pkcs11/key_ops.h"

#include "pkcs11/ckr_map.h"

namespace p11 {

CK_RV checkKeyFamily(const MechanismSpec& spec, const KeyHandle& key) {
    bool rsa = key.type == crypto::KeyType::Rsa;
    // ECDH1_DERIVE also takes an X25519 key (OpenPGP's decryption key).
    bool ec = key.type == crypto::KeyType::Ec ||
              (spec.kind == MechKind::Derive && key.type == crypto::KeyType::X25519);
    if (spec.family == KeyFamily::Rsa && !rsa) return CKR_KEY_TYPE_INCONSISTENT;
    if (spec.family == KeyFamily::Ec && !ec) return CKR_KEY_TYPE_INCONSISTENT;
    if (spec.family == KeyFamily::EdDsa && key.type != crypto::KeyType::Ed25519) return CKR_KEY_TYPE_INCONSISTENT;
    return CKR_OK;
}

std::optional<core::ByteView> contextPin(const KeyOperation& op, CK_RV& rv) {
    rv = CKR_OK;
    if (!op.key.alwaysAuthenticate) return std::nullopt;
    if (!op.contextPin) {
        rv = CKR_USER_NOT_LOGGED_IN;
        return std::nullopt;
    }
    return core::view(*op.contextPin);
}

CK_RV cardCallFailed(Session& s, KeyOperation& op, const core::Error& e, bool& keep) {
    keep = false;
    if (op.contextPin && e.code == core::Errc::PinIncorrect) {
        op.contextPin.reset();
        op.dataSeen = false;  // a new CKU_CONTEXT_SPECIFIC login may follow, then the retry
        keep = true;
        return CKR_PIN_INCORRECT;
    }
    switch (e.code) {
        case core::Errc::AuthBlocked:
        case core::Errc::CardReset:
        case core::Errc::SecurityNotSatisfied: {
            TokenContext& ctx = s.context();
            std::lock_guard lock(ctx.mutex);
            ctx.login = LoginState::Public;
            break;
        }
        default: break;
    }
    if (e.code == core::Errc::AuthBlocked) return CKR_PIN_LOCKED;
    return toCkr(e);
}

}  // namespace p11
