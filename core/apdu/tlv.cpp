#include "core/apdu/tlv.h"

#include <string>

namespace apdu {

using core::Errc;
using core::fail;

namespace {
core::Error malformed(std::size_t at, const char* what) {
    return core::Error(Errc::Malformed, std::string("BER-TLV: ") + what + " at offset " + std::to_string(at));
}
}  // namespace

bool TlvReader::atEnd() const {
    for (std::size_t i = m_pos; i < m_data.size(); ++i)
        if (m_data[i] != 0x00 && m_data[i] != 0xFF) return false;
    return true;
}

core::Result<Tlv> TlvReader::next() {
    // Skip inter-object padding (ISO 7816-4 allows 00/FF between objects).
    while (m_pos < m_data.size() && (m_data[m_pos] == 0x00 || m_data[m_pos] == 0xFF)) ++m_pos;
    const std::size_t start = m_pos;
    if (m_pos >= m_data.size()) return fail(malformed(m_pos, "no object left"));

    Tag tag = m_data[m_pos++];
    if ((tag & 0x1F) == 0x1F) {
        // Multi-byte tag: continuation bytes have b8 set; ISO 7816 uses at most 3 tag bytes, allow 4.
        for (int i = 0;; ++i) {
            if (m_pos >= m_data.size()) return fail(malformed(start, "truncated tag"));
            if (i == 3) return fail(malformed(start, "tag longer than 4 bytes"));
            uint8_t b = m_data[m_pos++];
            tag = tag << 8 | b;
            if (!(b & 0x80)) break;
        }
    }

    if (m_pos >= m_data.size()) return fail(malformed(start, "missing length"));
    std::size_t len = m_data[m_pos++];
    if (len == 0x80) return fail(malformed(start, "indefinite length"));
    if (len > 0x80) {
        const std::size_t n = len & 0x7F;
        if (n > 4) return fail(malformed(start, "length field longer than 4 bytes"));
        if (m_data.size() - m_pos < n) return fail(malformed(start, "truncated length"));
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | m_data[m_pos++];
    }
    if (m_data.size() - m_pos < len) return fail(malformed(start, "value runs past the end of the data"));

    Tlv t;
    t.tag = tag;
    t.value = m_data.subspan(m_pos, len);
    m_pos += len;
    t.raw = m_data.subspan(start, m_pos - start);
    return t;
}

core::Result<std::vector<Tlv>> parseAll(ByteView data) {
    std::vector<Tlv> out;
    TlvReader r(data);
    while (!r.atEnd()) {
        auto t = r.next();
        if (!t) return fail(t.error());
        out.push_back(*t);
    }
    return out;
}

core::Result<ByteView> find(ByteView data, Tag tag) {
    TlvReader r(data);
    while (!r.atEnd()) {
        auto t = r.next();
        if (!t) return fail(t.error());
        if (t->tag == tag) return t->value;
    }
    Bytes tagBytes;
    appendTag(tagBytes, tag);
    return fail(Errc::NotFound, "BER-TLV: tag " + core::toHex(tagBytes) + " not present");
}

core::Result<ByteView> unwrap(ByteView data, Tag tag) {
    TlvReader r(data);
    auto t = r.next();
    if (!t) return fail(t.error());
    if (t->tag != tag) return fail(malformed(0, "unexpected outer tag"));
    if (!r.atEnd()) return fail(malformed(r.offset(), "trailing data after the outer object"));
    return t->value;
}

void appendTag(Bytes& out, Tag tag) {
    bool started = false;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const uint8_t b = static_cast<uint8_t>(tag >> shift);
        if (b || started || shift == 0) {
            out.push_back(b);
            started = true;
        }
    }
}

void appendLength(Bytes& out, std::size_t len) {
    if (len < 0x80) {
        out.push_back(static_cast<uint8_t>(len));
    } else if (len <= 0xFF) {
        out.push_back(0x81);
        out.push_back(static_cast<uint8_t>(len));
    } else if (len <= 0xFFFF) {
        out.push_back(0x82);
        out.push_back(static_cast<uint8_t>(len >> 8));
        out.push_back(static_cast<uint8_t>(len));
    } else {
        out.push_back(0x83);
        out.push_back(static_cast<uint8_t>(len >> 16));
        out.push_back(static_cast<uint8_t>(len >> 8));
        out.push_back(static_cast<uint8_t>(len));
    }
}

Bytes encodeTlv(Tag tag, ByteView value) {
    Bytes out;
    out.reserve(value.size() + 8);
    appendTag(out, tag);
    appendLength(out, value.size());
    append(out, value);
    return out;
}

TlvBuilder& TlvBuilder::add(Tag tag, ByteView value) {
    appendTag(m_out, tag);
    appendLength(m_out, value.size());
    append(m_out, value);
    return *this;
}

TlvBuilder& TlvBuilder::add(Tag tag, std::initializer_list<uint8_t> value) {
    return add(tag, ByteView(value.begin(), value.size()));
}

TlvBuilder& TlvBuilder::raw(ByteView bytes) {
    append(m_out, bytes);
    return *this;
}

TlvBuilder& TlvBuilder::begin(Tag tag) {
    m_tags.push_back(tag);
    m_open.push_back({m_out.size()});
    return *this;
}

// The length of a constructed object is only known when it closes: move its value behind a
// freshly encoded tag and length.
TlvBuilder& TlvBuilder::end() {
    if (m_open.empty()) return *this;
    const std::size_t start = m_open.back().valueStart;
    const Tag tag = m_tags.back();
    m_open.pop_back();
    m_tags.pop_back();
    Bytes value(m_out.begin() + static_cast<std::ptrdiff_t>(start), m_out.end());
    m_out.resize(start);
    add(tag, value);
    return *this;
}

Bytes TlvBuilder::take() {
    while (!m_open.empty()) end();
    return std::move(m_out);
}

}  // namespace apdu
