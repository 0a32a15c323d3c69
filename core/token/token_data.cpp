// Token: PIV data objects (CKO_DATA in the PKCS#11 module). Which exist is learnt once per card and kept
// with the key list (in memory and, for the public ones, in the disk cache entry, which keeps its age so
// the one-hour bound on staleness still holds); values are read when asked for. Our own writes update
// the lists at once, so every session sees them.
#include <algorithm>

#include "card-apps/piv/piv_data_objects.h"
#include "core/token/token_impl.h"

namespace token {

using core::Errc;
using core::fail;

core::Result<std::vector<uint32_t>> Token::dataObjects() {
    return guarded(m_impl->mutex, [&]() -> core::Result<std::vector<uint32_t>> {
        Impl& d = *m_impl;
        if (d.kind != AppKind::Piv) return std::vector<uint32_t>();
        // The key list first: its disk entry may already say which public objects exist.
        if (auto objs = d.loadObjects(); !objs) return fail(objs.error());
        const bool user = d.login.load() == LoginState::User;
        if (!d.publicData) {
            auto tags = d.run([&] { return d.piv()->dataObjectsPresent(false); });
            if (!tags) return fail(tags.error());
            d.publicData = std::move(*tags);
            d.storeCachedDataObjects();
        }
        std::vector<uint32_t> out = *d.publicData;
        if (user && !d.privateData) {
            auto tags = d.run([&] { return d.piv()->dataObjectsPresent(true); });
            if (!tags) return fail(tags.error());
            std::vector<uint32_t> priv;
            for (uint32_t t : *tags) {
                const piv::DataObjectSpec* spec = piv::findDataObject(t);
                if (spec && spec->pinToRead) priv.push_back(t);
            }
            // The run() above may have noticed a reset that dropped the login.
            if (d.login.load() == LoginState::User) d.privateData = std::move(priv);
            else return out;
        }
        if (user && d.privateData) out.insert(out.end(), d.privateData->begin(), d.privateData->end());
        return out;
    });
}

core::Result<std::optional<Bytes>> Token::readDataObject(uint32_t tag) {
    return guarded(m_impl->mutex, [&]() -> core::Result<std::optional<Bytes>> {
        Impl& d = *m_impl;
        if (d.kind != AppKind::Piv) return fail(Errc::NotSupported, "no data objects on this application");
        return d.run([&] { return d.piv()->readDataObject(tag); });
    });
}

core::Status Token::writeDataObject(uint32_t tag, ByteView content) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        if (d.kind != AppKind::Piv) return fail(Errc::NotSupported, "no data objects on this application");
        if (content.empty()) return fail(Errc::InvalidArgument, "an empty data object would delete it");
        MESIGN_TRY(d.takeLostLogin());
        MESIGN_TRY(d.requireSoManagementKey("writing a data object"));
        // The list the disk entry holds must learn of the change too: load it first.
        if (auto objs = d.loadObjects(); !objs) return fail(objs.error());
        MESIGN_TRY(d.run([&] { return d.piv()->writeDataObject(tag, content); }));
        if (d.publicData && std::find(d.publicData->begin(), d.publicData->end(), tag) == d.publicData->end()) {
            d.publicData->push_back(tag);
            d.storeCachedDataObjects();
        }
        return {};
    });
}

core::Status Token::deleteDataObject(uint32_t tag) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        if (d.kind != AppKind::Piv) return fail(Errc::NotSupported, "no data objects on this application");
        MESIGN_TRY(d.takeLostLogin());
        MESIGN_TRY(d.requireSoManagementKey("deleting a data object"));
        if (auto objs = d.loadObjects(); !objs) return fail(objs.error());
        MESIGN_TRY(d.run([&] { return d.piv()->writeDataObject(tag, ByteView()); }));
        if (d.publicData) {
            std::erase(*d.publicData, tag);
            d.storeCachedDataObjects();
        }
        return {};
    });
}

}  // namespace token
