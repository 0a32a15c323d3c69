// BER-TLV (ISO 7816-4 §5) reader and builder. The reader never reads past its buffer and reports every
// malformation as Errc::Malformed with the offset; tags are opaque numbers (PIV's legacy inner tags do not
// obey the constructed bit, so nothing here recurses on its own).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace apdu {

using core::ByteView;
using core::Bytes;
using core::append;

// Tag as its big-endian bytes packed into an integer: 0x5FC105, 0x7F49, 0x7C.
using Tag = uint32_t;

struct Tlv {
    Tag tag = 0;
    ByteView value;
    ByteView raw;  // tag + length + value
};

class TlvReader {
public:
    explicit TlvReader(ByteView data) : m_data(data) {}

    bool atEnd() const;  // also true when only 00/FF padding remains
    // Next object; Malformed on a truncated tag/length/value or an invalid length form.
    core::Result<Tlv> next();
    std::size_t offset() const { return m_pos; }

private:
    ByteView m_data;
    std::size_t m_pos = 0;
};

// Parses all top-level objects of `data` (must be well-formed to the end).
core::Result<std::vector<Tlv>> parseAll(ByteView data);
// First object with `tag` among the top-level objects of `data`; NotFound if absent, Malformed on bad data.
core::Result<ByteView> find(ByteView data, Tag tag);
// Value of the single outer object `tag` that must make up all of `data` (e.g. a 7C or 53 wrapper).
core::Result<ByteView> unwrap(ByteView data, Tag tag);

// Encodes a tag (1–4 bytes) and a minimal DER length.
void appendTag(Bytes& out, Tag tag);
void appendLength(Bytes& out, std::size_t len);
Bytes encodeTlv(Tag tag, ByteView value);

// Builder with nesting: begin(tag) ... end() patches the length when the constructed object closes.
class TlvBuilder {
public:
    TlvBuilder& add(Tag tag, ByteView value);
    TlvBuilder& add(Tag tag, std::initializer_list<uint8_t> value);
    TlvBuilder& addByte(Tag tag, uint8_t value) { return add(tag, {value}); }
    TlvBuilder& raw(ByteView bytes);
    TlvBuilder& begin(Tag tag);
    TlvBuilder& end();
    Bytes take();  // all begin() must have been closed

private:
    struct Open {
        std::size_t valueStart;
    };
    Bytes m_out;
    std::vector<Open> m_open;
    std::vector<Tag> m_tags;
};

}  // namespace apdu
