#include "vcard/openpgp/openpgp_import.h"

#include <algorithm>

#include "core/apdu/tlv.h"
#include "vcard/openpgp/openpgp_crypto.h"
#include "vcard/openpgp/openpgp_internal.h"

namespace vcard::openpgp {

namespace {

// One (tag, length) pair of the 7F48 template: BER tag and length without a value.
bool readHeader(ByteView t, std::size_t& pos, uint32_t& tag, std::size_t& len) {
    if (pos >= t.size()) return false;
    tag = t[pos++];
    if ((tag & 0x1F) == 0x1F) {
        do {
            if (pos >= t.size() || tag > 0xFFFFFF) return false;
            tag = (tag << 8) | t[pos];
        } while (t[pos++] & 0x80);
    }
    if (pos >= t.size()) return false;
    const uint8_t first = t[pos++];
    if (first < 0x80) {
        len = first;
        return true;
    }
    const std::size_t n = first & 0x7F;
    if (n == 0 || n > 2 || pos + n > t.size()) return false;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | t[pos++];
    return true;
}

core::Result<ByteView> need(const ImportParts& p, uint32_t tag) {
    auto it = p.values.find(tag);
    if (it == p.values.end() || it->second.empty())
        return core::fail(core::Errc::IncorrectData, "key import: a mandatory part is missing");
    return it->second;
}

ByteView optional(const ImportParts& p, uint32_t tag) {
    auto it = p.values.find(tag);
    return it == p.values.end() ? ByteView() : it->second;
}

bool onlyTags(const ImportParts& p, std::initializer_list<uint32_t> allowed) {
    for (const auto& [tag, v] : p.values)
        if (std::find(allowed.begin(), allowed.end(), tag) == allowed.end()) return false;
    return true;
}

}  // namespace

std::optional<ImportParts> parseImport(ByteView data) {
    auto list = apdu::unwrap(data, 0x4D);
    if (!list) return std::nullopt;
    auto members = apdu::parseAll(*list);
    if (!members || members->size() != 3 || (*members)[1].tag != 0x7F48 || (*members)[2].tag != 0x5F48)
        return std::nullopt;
    ImportParts parts;
    const auto slot = slotFromCrt((*members)[0].raw);
    if (!slot) return std::nullopt;
    parts.slot = *slot;
    const ByteView tmpl = (*members)[1].value, values = (*members)[2].value;
    std::size_t pos = 0, offset = 0;
    while (pos < tmpl.size()) {
        uint32_t tag = 0;
        std::size_t len = 0;
        if (!readHeader(tmpl, pos, tag, len) || len > values.size() - offset) return std::nullopt;
        if (!parts.values.emplace(tag, values.subspan(offset, len)).second) return std::nullopt;
        offset += len;
    }
    if (offset != values.size()) return std::nullopt;
    return parts;
}

core::Result<KeyPtr> importFromParts(const AlgoSpec& spec, const ImportParts& p) {
    const auto bad = [] { return core::fail(core::Errc::IncorrectData, "key import: unexpected part"); };
    if (spec.kind == KeyKind::Rsa) {
        if (!onlyTags(p, {0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97})) return bad();
        auto e = need(p, 0x91), pr = need(p, 0x92), q = need(p, 0x93);
        if (!e || !pr || !q) return core::fail(core::Errc::IncorrectData, "key import: e, p or q missing");
        crypto::RsaParts parts{*e, *pr, *q, optional(p, 0x94), optional(p, 0x95), optional(p, 0x96),
                               optional(p, 0x97)};
        return crypto::importRsa(spec, parts);
    }
    if (!onlyTags(p, {0x92, 0x99})) return bad();
    auto d = need(p, 0x92);
    if (!d) return core::fail(d.error());
    if (isEc(spec.kind)) return crypto::importEc(spec.kind, *d, optional(p, 0x99));
    return crypto::import25519(spec.kind, *d, optional(p, 0x99));
}

}  // namespace vcard::openpgp
