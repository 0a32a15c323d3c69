// The cross-process object cache: a card's key list (public data only: certificates, public keys, key
// metadata, certificate tags) in one file per card identity, so that a new process that meets a known card
// lists its objects with a few probing APDUs instead of reading every slot.
//
// Files: $XDG_CACHE_HOME/mesign-token/ (else ~/.cache/mesign-token/), directory 0700, one
// "<application>-<hex card id>.cache" per card, 0600, written atomically (temporary file, fsync, rename).
// MESIGN_CACHE=off: neither read nor written; MESIGN_CACHE=refresh: never read (every process reads the
// card), still written. Never holds a PIN, a PUK, a management key or PIN counters.
//
// load() trusts nothing on disk: a file that is not ours (owner, type, size), truncated, corrupt (SHA-256
// over the body), of another format version, for another card, older than the lifetime or dated in the
// future reads as a miss. What the card may have changed since is the caller's check (Token: certificate
// tags of the main slots).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "card-apps/common/card_application.h"

namespace token {

struct CacheIdentity {
    std::string application;  // "PIV"
    core::Bytes cardId;       // ApplicationIdentity::cardId (never empty for a cached card)
    std::string serial;       // must match too: a copied CHUID on another card is another card
};

class ObjectCache {
public:
    // Upper bound on how long an entry is believed without a full read of the card.
    static constexpr std::chrono::seconds kDefaultLifetime{3600};
    enum class Mode { ReadWrite, WriteOnly };

    explicit ObjectCache(std::filesystem::path directory, Mode mode = Mode::ReadWrite,
                         std::chrono::seconds lifetime = kDefaultLifetime);
    // From MESIGN_CACHE, XDG_CACHE_HOME and HOME; nullopt when disabled or no home directory is known.
    static std::optional<ObjectCache> fromEnvironment();

    const std::filesystem::path& directory() const { return m_dir; }
    std::filesystem::path fileFor(const CacheIdentity& id) const;

    struct Decoded {
        CacheIdentity id;
        std::chrono::system_clock::time_point written;
        std::vector<cardapp::KeyInfo> keys;
        // Tags of the public data objects present (PIV CKO_DATA); nullopt: not probed when written.
        std::optional<std::vector<uint32_t>> dataObjects;
        // Whether the card took an extended-length probe (apdu::ChannelOptions); nullopt: not learned.
        std::optional<bool> extendedLength;
    };
    // The keys stored for this card, or nullopt (missing, unusable, stale: see above; never an error).
    std::optional<std::vector<cardapp::KeyInfo>> load(const CacheIdentity& id) const;
    // The whole entry (same checks as load()).
    std::optional<Decoded> loadEntry(const CacheIdentity& id) const;
    // Replaces the card's entry. Failures are logged and otherwise ignored (the cache is an optimisation).
    // `written` (default: now) lets an addition to an entry keep the entry's age: the lifetime bounds how
    // long the card was last read in full, not how long ago something was added.
    void store(const CacheIdentity& id, const std::vector<cardapp::KeyInfo>& keys,
               const std::vector<uint32_t>* dataObjects = nullptr,
               std::optional<std::chrono::system_clock::time_point> written = std::nullopt,
               std::optional<bool> extendedLength = std::nullopt) const;
    void erase(const CacheIdentity& id) const;

    // The file format, exposed for tests: encode() output is what store() writes.
    static core::Bytes encode(const CacheIdentity& id, const std::vector<cardapp::KeyInfo>& keys,
                              std::chrono::system_clock::time_point written,
                              const std::vector<uint32_t>* dataObjects = nullptr,
                              std::optional<bool> extendedLength = std::nullopt);
    static core::Result<Decoded> decode(core::ByteView file);

private:
    std::filesystem::path m_dir;
    Mode m_mode;
    std::chrono::seconds m_lifetime;
};

}  // namespace token
