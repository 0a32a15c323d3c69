// Token: data objects (CKO_DATA in the PKCS#11 module). PIV: which exist is learnt once per card and kept
// with the key list (in memory and, for the public ones, in the disk cache entry, which keeps its age so
// the one-hour bound on staleness still holds); values are read when asked for. OpenPGP: the private use
// DOs, read per Token (its lists are not cached on disk). Our own writes update the lists at once, so every
// session sees them.
#include <algorithm>
#include <array>

#include "card-apps/openpgp/openpgp_application.h"
#include "card-apps/piv/piv_data_objects.h"
#include "core/token/token_impl.h"

namespace token {

using core::Errc;
using core::fail;

namespace {

// OpenPGP private use DOs (tag = the DO). 0104 needs PW3 even to be read: a PKCS#11 user session can never
// read it, so it is not shown.
constexpr uint32_t kDo1 = 0x0101, kDo2 = 0x0102, kDo3 = 0x0103;
constexpr std::array<DataObjectSpec, 3> kOpenPgpSpecs = {{
    {kDo1, "Private DO 1", "", false, true},
    {kDo2, "Private DO 2", "", false, true},
    {kDo3, "Private DO 3", "", true, true},
}};

openpgp::OpenPgpApplication* openPgpOf(cardapp::CardApplication* app) {
    return dynamic_cast<openpgp::OpenPgpApplication*>(app);
}

void addUnique(std::optional<std::vector<uint32_t>>& list, uint32_t tag) {
    if (list && std::find(list->begin(), list->end(), tag) == list->end()) list->push_back(tag);
}

}  // namespace

std::span<const DataObjectSpec> dataObjectSpecs(AppKind app) {
    if (app == AppKind::OpenPgp) return kOpenPgpSpecs;
    return piv::dataObjectSpecs();
}

const DataObjectSpec* findDataObject(AppKind app, uint32_t tag) {
    for (const DataObjectSpec& s : dataObjectSpecs(app))
        if (s.tag == tag) return &s;
    return nullptr;
}

const char* dataObjectApplication(AppKind app) {
    return app == AppKind::OpenPgp ? "OpenPGP" : "PIV";
}

core::Result<std::vector<uint32_t>> Token::dataObjects() {
    return guarded(m_impl->mutex, [&]() -> core::Result<std::vector<uint32_t>> {
        Impl& d = *m_impl;
        const bool pgp = d.kind == AppKind::OpenPgp;
        // Which of a set of objects hold something: PIV probes, OpenPGP reads the DOs (short anyway).
        auto present = [&](bool pinProtected) -> core::Result<std::vector<uint32_t>> {
            return d.run([&]() -> core::Result<std::vector<uint32_t>> {
                if (!pgp) return d.piv()->dataObjectsPresent(pinProtected);
                std::vector<uint32_t> out;
                for (const DataObjectSpec& s : kOpenPgpSpecs) {
                    if (s.pinToRead != pinProtected) continue;
                    auto v = openPgpOf(d.app.get())->readPrivateDo(int(s.tag - 0x0100));
                    if (!v) return fail(v.error());
                    if (*v) out.push_back(s.tag);
                }
                return out;
            });
        };
        // PIV: the key list first, its disk entry may already say which public objects exist.
        if (!pgp)
            if (auto objs = d.loadObjects(); !objs) return fail(objs.error());
        const bool user = d.login.load() == LoginState::User;
        if (!d.publicData) {
            auto tags = present(false);
            if (!tags) return fail(tags.error());
            d.publicData = std::move(*tags);
            if (!pgp) d.storeCachedDataObjects();
        }
        std::vector<uint32_t> out = *d.publicData;
        if (user && !d.privateData) {
            auto tags = present(true);
            if (!tags) return fail(tags.error());
            // The run() above may have noticed a reset that dropped the login.
            if (d.login.load() != LoginState::User) return out;
            d.privateData = std::move(*tags);
        }
        if (user && d.privateData) out.insert(out.end(), d.privateData->begin(), d.privateData->end());
        return out;
    });
}

core::Result<std::optional<Bytes>> Token::readDataObject(uint32_t tag) {
    return guarded(m_impl->mutex, [&]() -> core::Result<std::optional<Bytes>> {
        Impl& d = *m_impl;
        if (!findDataObject(d.kind, tag)) return fail(Errc::InvalidArgument, "not a data object of this token");
        if (d.kind == AppKind::OpenPgp)
            return d.run([&] { return openPgpOf(d.app.get())->readPrivateDo(int(tag - 0x0100)); });
        return d.run([&] { return d.piv()->readDataObject(tag); });
    });
}

namespace {

// OpenPGP: who may write which DO (the card checks again; this gives the right error without an APDU).
core::Status requireOpenPgpWriter(LoginState login, uint32_t tag) {
    const LoginState need = tag == kDo2 ? LoginState::SoManagementKey : LoginState::User;
    if (login == need) return {};
    return fail(Errc::SecurityNotSatisfied,
                tag == kDo2 ? "private DO 2 needs the SO (PW3) login" : "this private DO needs the user login");
}

}  // namespace

core::Status Token::writeDataObject(uint32_t tag, ByteView content) {
    return guarded(m_impl->mutex, [&]() -> core::Status {
        Impl& d = *m_impl;
        const DataObjectSpec* spec = findDataObject(d.kind, tag);
        if (!spec || !spec->writable) return fail(Errc::InvalidArgument, "this data object is not writable");
        if (content.empty()) return fail(Errc::InvalidArgument, "an empty data object would delete it");
        MESIGN_TRY(d.takeLostLogin());
        if (d.kind == AppKind::OpenPgp) {
            MESIGN_TRY(requireOpenPgpWriter(d.login.load(), tag));
            MESIGN_TRY(d.run([&] { return openPgpOf(d.app.get())->writePrivateDo(int(tag - 0x0100), content); }));
            addUnique(spec->pinToRead ? d.privateData : d.publicData, tag);
            return {};
        }
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
        const DataObjectSpec* spec = findDataObject(d.kind, tag);
        if (!spec || !spec->writable) return fail(Errc::InvalidArgument, "this data object is not writable");
        MESIGN_TRY(d.takeLostLogin());
        if (d.kind == AppKind::OpenPgp) {
            MESIGN_TRY(requireOpenPgpWriter(d.login.load(), tag));
            MESIGN_TRY(d.run([&] { return openPgpOf(d.app.get())->writePrivateDo(int(tag - 0x0100), ByteView()); }));
            if (d.publicData) std::erase(*d.publicData, tag);
            if (d.privateData) std::erase(*d.privateData, tag);
            return {};
        }
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
