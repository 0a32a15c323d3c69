// Sessions and the per-token state they share: the login state is per application and token
// (specs/pkcs11.md §5), so it lives in one TokenContext that every session of the token points to.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/crypto/hash.h"
#include "core/crypto/public_key.h"
#include "core/token/token.h"
#include "pkcs11/attributes.h"
#include "pkcs11/p11_header.h"

namespace p11 {

enum class LoginState { Public, User, So };

// Objects created inside a session (ECDH-derived secrets); gone when the owner session closes.
struct SessionObject {
    CK_SESSION_HANDLE owner = 0;
    AttributeSet attributes;
};

class TokenContext {
public:
    TokenContext(CK_SLOT_ID slot, std::shared_ptr<token::Token> token)
        : m_slot(slot), m_token(std::move(token)) {}

    CK_SLOT_ID slot() const { return m_slot; }
    token::Token& token() const { return *m_token; }
    const std::shared_ptr<token::Token>& tokenPtr() const { return m_token; }

    std::mutex mutex;  // guards the members below; never held during card I/O
    LoginState login = LoginState::Public;
    token::SoCredential soCredential = token::SoCredential::ManagementKey;
    std::map<CK_SESSION_HANDLE, bool> sessions;  // handle -> read/write
    std::map<CK_OBJECT_HANDLE, SessionObject> sessionObjects;

    bool anyReadOnlySession() const;
    std::size_t readWriteCount() const;

private:
    CK_SLOT_ID m_slot;
    std::shared_ptr<token::Token> m_token;
};

// A private key as the crypto operations need it.
struct KeyHandle {
    CK_OBJECT_HANDLE handle = 0;
    token::KeyObject key;
    crypto::KeyType type = crypto::KeyType::Rsa;
    std::size_t bits = 0;         // RSA modulus bits / EC field bits
    bool alwaysAuthenticate = false;
    std::size_t rsaBytes() const { return (bits + 7) / 8; }
};

struct FindOperation {
    std::vector<CK_OBJECT_HANDLE> results;
    std::size_t next = 0;
};

// State shared by sign and decrypt operations: the key and a pending context-specific PIN.
struct KeyOperation {
    CK_MECHANISM_TYPE mechanism = 0;
    KeyHandle key;
    std::optional<core::SecureBytes> contextPin;  // CKU_CONTEXT_SPECIFIC, used at the card call
    bool dataSeen = false;                        // an Update/Sign happened: context login too late
};

struct SignOperation : KeyOperation {
    std::optional<crypto::HashAlg> hash;    // hash-and-sign mechanisms
    std::optional<crypto::Hasher> hasher;
    core::SecureBytes buffered;             // single-part mechanisms (also fed through SignUpdate)
    std::optional<Bytes> finishedHash;      // kept so a retry after a wrong context PIN can sign
    bool multiPart = false;
    crypto::HashAlg pssHash = crypto::HashAlg::Sha256;
    crypto::HashAlg pssMgf = crypto::HashAlg::Sha256;
    std::size_t pssSalt = 0;
};

struct DecryptOperation : KeyOperation {
    crypto::HashAlg oaepHash = crypto::HashAlg::Sha1;
    crypto::HashAlg oaepMgf = crypto::HashAlg::Sha1;
    Bytes oaepLabel;
    std::optional<core::SecureBytes> result;  // card answer kept when the caller's buffer was short
};

class Session {
public:
    Session(CK_SESSION_HANDLE h, CK_SLOT_ID slot, CK_FLAGS flags, std::shared_ptr<TokenContext> ctx)
        : m_handle(h), m_slot(slot), m_flags(flags), m_ctx(std::move(ctx)) {}

    CK_SESSION_HANDLE handle() const { return m_handle; }
    CK_SLOT_ID slot() const { return m_slot; }
    CK_FLAGS flags() const { return m_flags; }
    bool readWrite() const { return (m_flags & CKF_RW_SESSION) != 0; }
    TokenContext& context() const { return *m_ctx; }
    const std::shared_ptr<TokenContext>& contextPtr() const { return m_ctx; }
    LoginState login() const;
    CK_STATE state() const;

    std::mutex mutex;  // serialises calls on this session (operation state below)
    // The private key the last C_SignInit/C_DecryptInit here looked up, under the token generation and login
    // state it was built for: an application that signs again and again with one key (the usual case) does
    // not rebuild the key object per operation (lookupSessionKey, object_store.h).
    struct KeyLookup {
        CK_OBJECT_HANDLE handle = 0;
        uint64_t generation = 0;
        LoginState login = LoginState::Public;
        KeyHandle key;
    };
    std::optional<KeyLookup> lastKey;
    std::optional<FindOperation> find;
    std::optional<SignOperation> sign;
    std::optional<DecryptOperation> decrypt;

private:
    CK_SESSION_HANDLE m_handle;
    CK_SLOT_ID m_slot;
    CK_FLAGS m_flags;
    std::shared_ptr<TokenContext> m_ctx;
};

}  // namespace p11
