// Token and the cross-process object cache: whether a stored key list still describes the card, and
// keeping the stored list in step with our own writes.
#include <algorithm>

#include "core/base/log.h"
#include "core/token/token_impl.h"

namespace token {

namespace {

CacheIdentity cacheIdentity(const cardapp::ApplicationIdentity& id) {
    return CacheIdentity{id.application, id.cardId, id.serial};
}

const Bytes& storedTag(const std::vector<cardapp::KeyInfo>& keys, uint8_t ref) {
    static const Bytes kNone;
    for (const auto& k : keys)
        if (k.ref == ref) return k.certificateTag;
    return kNone;
}

bool storedKey(const std::vector<cardapp::KeyInfo>& keys, uint8_t ref) {
    return std::any_of(keys.begin(), keys.end(), [ref](const cardapp::KeyInfo& k) { return k.ref == ref; });
}

}  // namespace

// What the check sees: a certificate replaced, added or deleted in 9A/9C/9D/9E, or replaced/deleted in a
// retired slot that had one (the first 256 bytes of a certificate object hold its length, serial number
// and issuer), and, on cards with GET METADATA, a key added to or removed from a main slot that has no
// certificate. What it cannot see without reading more: a key or certificate added to an empty retired
// slot, or a key replaced while its certificate stays; those wait for the entry's lifetime, a failing key
// operation, MESIGN_CACHE=refresh, or a write through us.
std::optional<std::vector<cardapp::KeyInfo>> Token::Impl::loadCachedKeys() {
    piv::PivApplication* pivApp = piv();  // only PIV lists are cached (OpenPGP lists cost a few APDUs)
    if (!diskCache || !identity || !pivApp) return std::nullopt;
    auto entry = diskCache->loadEntry(cacheIdentity(*identity));
    if (!entry) return std::nullopt;
    std::vector<cardapp::KeyInfo>* keys = &entry->keys;
    std::vector<uint8_t> refs;
    for (const piv::SlotInfo& s : piv::kSlots)
        if (s.ref < piv::key::kRetiredFirst || s.ref > piv::key::kRetiredLast) refs.push_back(s.ref);
    for (const auto& k : *keys)
        if (!k.certificateTag.empty() && std::find(refs.begin(), refs.end(), k.ref) == refs.end())
            refs.push_back(k.ref);
    auto tags = pivApp->certificateTags(refs);
    if (!tags) {
        MESIGN_LOG("token", Info, "object cache: checking the card failed: " + tags.error().message);
        return std::nullopt;
    }
    for (uint8_t ref : refs) {
        if ((*tags)[ref] != storedTag(*keys, ref)) {
            MESIGN_LOG("token", Info, "object cache: a certificate changed on the card; reading it again");
            return std::nullopt;
        }
    }
    // A main slot without a certificate: only its metadata tells whether another program put a key there.
    std::vector<uint8_t> certless;
    for (const piv::SlotInfo& s : piv::kSlots)
        if ((s.ref < piv::key::kRetiredFirst || s.ref > piv::key::kRetiredLast) && storedTag(*keys, s.ref).empty())
            certless.push_back(s.ref);
    if (!certless.empty()) {
        auto present = pivApp->keysPresent(certless);
        if (!present && present.error().code != core::Errc::NotSupported) {
            MESIGN_LOG("token", Info, "object cache: checking the card failed: " + present.error().message);
            return std::nullopt;
        }
        for (uint8_t ref : certless) {
            if (present && (*present)[ref] != storedKey(*keys, ref)) {
                MESIGN_LOG("token", Info, "object cache: a key changed on the card; reading it again");
                return std::nullopt;
            }
        }
    }
    pivApp->learnKeys(*keys);
    // The card's answer to an earlier process's extended-length probe: no probe (and, on a card that
    // refuses, no wasted APDU) before this process's first signature. The ATR's word, if any, stands.
    if (entry->extendedLength && !pivApp->extendedLength())
        pivApp->learnExtendedLength(*entry->extendedLength);
    diskWritten = entry->written;
    publicData = entry->dataObjects;
    return std::move(entry->keys);
}

void Token::Impl::storeCachedKeys(const std::vector<cardapp::KeyInfo>& keys) {
    if (!diskCache || !identity || kind != AppKind::Piv) return;
    diskWritten = std::chrono::system_clock::now();
    diskCache->store(cacheIdentity(*identity), keys, publicData ? &*publicData : nullptr, diskWritten,
                     extendedLength());
}

void Token::Impl::storeCachedDataObjects() {
    if (publicData) storeCachedEntry();
}

void Token::Impl::storeCachedEntry() {
    if (!diskCache || !identity || kind != AppKind::Piv || !objects || !diskWritten) return;
    std::vector<cardapp::KeyInfo> keys;
    for (const KeyObject& k : *objects) keys.push_back(k.key);
    diskCache->store(cacheIdentity(*identity), keys, publicData ? &*publicData : nullptr, diskWritten,
                     extendedLength());
}

std::optional<bool> Token::Impl::extendedLength() {
    piv::PivApplication* pivApp = piv();
    return pivApp ? pivApp->extendedLength() : std::nullopt;
}

void Token::Impl::forgetObjects() {
    objects.reset();
    objectsFromDisk = false;
    diskWritten.reset();
    publicData.reset();
    privateData.reset();
    if (diskCache && identity) diskCache->erase(cacheIdentity(*identity));
}

}  // namespace token
