// BER-TLV reader: TlvReader, parseAll, find, unwrap. Invariants: every element lies inside the input,
// the reader always advances, and an element re-encoded with encodeTlv parses back to the same tag/value.
#include "core/apdu/tlv.h"
#include "fuzz_input.h"

#include <algorithm>

namespace {

bool inside(apdu::ByteView part, apdu::ByteView whole) {
    if (part.empty()) return true;
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void checkRoundTrip(const apdu::Tlv& t) {
    const auto enc = apdu::encodeTlv(t.tag, t.value);
    auto back = apdu::TlvReader(enc).next();
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(back->tag == t.tag);
    FUZZ_CHECK(std::ranges::equal(back->value, t.value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const apdu::Tag tag = static_cast<apdu::Tag>(in.byte()) << 8 | in.byte();
    const apdu::ByteView body = in.rest();

    apdu::TlvReader reader(body);
    std::size_t last = 0;
    while (!reader.atEnd()) {
        auto t = reader.next();
        if (!t) break;
        FUZZ_CHECK(reader.offset() > last);  // no element of size zero: the loop terminates
        FUZZ_CHECK(reader.offset() <= body.size());
        last = reader.offset();
        FUZZ_CHECK(inside(t->raw, body));
        FUZZ_CHECK(inside(t->value, t->raw));
        checkRoundTrip(*t);
    }

    if (auto all = apdu::parseAll(body)) {
        for (const auto& t : *all) FUZZ_CHECK(inside(t.value, body));
    }
    const apdu::Tag wanted = (tag & 0xFF00) ? tag : (tag & 0xFF);
    if (auto v = apdu::find(body, wanted)) FUZZ_CHECK(inside(*v, body));
    if (auto v = apdu::unwrap(body, wanted)) FUZZ_CHECK(inside(*v, body));
    return 0;
}
