// Command APDU and response parsing (and the log describers, which parse too). Invariant: a parsed
// command re-encodes to an APDU that parses back to the same fields; a response round-trips.
#include <algorithm>

#include "core/apdu/command.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const apdu::ByteView raw(data, size);

    if (auto c = apdu::Command::parse(raw)) {
        auto enc = c->encode();
        FUZZ_CHECK(enc.has_value());
        auto back = apdu::Command::parse(*enc);
        FUZZ_CHECK(back.has_value());
        FUZZ_CHECK(back->cla == c->cla && back->ins == c->ins && back->p1 == c->p1 && back->p2 == c->p2);
        FUZZ_CHECK(back->data == c->data);
        FUZZ_CHECK(back->ne == c->ne);
    }
    if (auto r = apdu::Response::parse(raw)) {
        FUZZ_CHECK(r->data.size() + 2 == size);
        const auto enc = r->encode();
        FUZZ_CHECK(std::ranges::equal(enc, raw));
    } else {
        FUZZ_CHECK(size < 2);
    }

    (void)apdu::describeCommand(raw);
    (void)apdu::describeResponse(size ? data[0] : 0, raw);
    if (size >= 4) (void)apdu::commandCarriesSecret(data[0], data[1], data[2], data[3], raw.subspan(4));
    return 0;
}
