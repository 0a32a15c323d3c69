// ECDSA-Sig-Value (RFC 3279: SEQUENCE { r INTEGER, s INTEGER }) <-> r||s. Written by hand rather than with
// d2i_ECDSA_SIG: the card's answer must be checked strictly (DER only, bounded, r and s positive and no
// longer than the field, with a reason for each rejection), and the format is this small.
#include "core/crypto/public_key.h"

namespace crypto {

namespace {

using core::Errc;

constexpr std::size_t kMaxFieldBytes = 66;  // P-521; bounds every length below

std::unexpected<core::Error> badSignature(const char* why) {
    return core::fail(Errc::Malformed, std::string("malformed ECDSA signature: ") + why);
}

// One DER TLV with the expected tag; lengths in short form or minimal 0x81 form only.
bool readTlv(ByteView in, std::size_t& pos, uint8_t tag, ByteView& content) {
    if (pos >= in.size() || in[pos] != tag) return false;
    ++pos;
    if (pos >= in.size()) return false;
    std::size_t len = in[pos++];
    if (len == 0x81) {
        if (pos >= in.size() || in[pos] < 0x80) return false;
        len = in[pos++];
    } else if (len > 0x80) {
        return false;
    } else if (len == 0x80) {
        return false;  // indefinite length is BER, not DER
    }
    if (len > in.size() - pos) return false;
    content = in.subspan(pos, len);
    pos += len;
    return true;
}

// A positive, minimally encoded INTEGER of at most fieldBytes magnitude bytes, written left-padded.
const char* readInteger(ByteView in, std::size_t& pos, std::size_t fieldBytes, uint8_t* out) {
    ByteView v;
    if (!readTlv(in, pos, 0x02, v)) return "expected an INTEGER";
    if (v.empty()) return "empty INTEGER";
    if (v[0] & 0x80) return "negative INTEGER";
    if (v[0] == 0x00) {
        if (v.size() == 1) return "zero INTEGER";
        if (!(v[1] & 0x80)) return "non-minimal INTEGER";
        v = v.subspan(1);
    }
    if (v.size() > fieldBytes) return "INTEGER longer than the field";
    std::copy(v.begin(), v.end(), out + (fieldBytes - v.size()));
    return nullptr;
}

void writeLength(Bytes& out, std::size_t len) {
    if (len < 0x80) {
        out.push_back(static_cast<uint8_t>(len));
    } else {
        out.push_back(0x81);  // callers bound len below 256
        out.push_back(static_cast<uint8_t>(len));
    }
}

Bytes encodeInteger(ByteView magnitude) {
    std::size_t skip = 0;
    while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
    Bytes value;
    if (skip == magnitude.size() || (magnitude[skip] & 0x80)) value.push_back(0x00);
    value.insert(value.end(), magnitude.begin() + static_cast<std::ptrdiff_t>(skip), magnitude.end());
    Bytes out{0x02};
    writeLength(out, value.size());
    core::append(out, value);
    return out;
}

}  // namespace

core::Result<Bytes> ecdsaDerToRaw(ByteView der, std::size_t fieldBytes) {
    if (fieldBytes == 0 || fieldBytes > kMaxFieldBytes)
        return core::fail(Errc::InvalidArgument, "unsupported EC field size");
    std::size_t pos = 0;
    ByteView seq;
    if (!readTlv(der, pos, 0x30, seq)) return badSignature("expected a SEQUENCE");
    if (pos != der.size()) return badSignature("trailing bytes");
    Bytes raw(2 * fieldBytes, 0);
    std::size_t inner = 0;
    if (const char* why = readInteger(seq, inner, fieldBytes, raw.data())) return badSignature(why);
    if (const char* why = readInteger(seq, inner, fieldBytes, raw.data() + fieldBytes))
        return badSignature(why);
    if (inner != seq.size()) return badSignature("extra data after s");
    return raw;
}

core::Result<Bytes> ecdsaRawToDer(ByteView raw) {
    if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * kMaxFieldBytes)
        return core::fail(Errc::InvalidArgument, "r||s must have two halves of equal length");
    const std::size_t half = raw.size() / 2;
    const Bytes r = encodeInteger(raw.first(half));
    const Bytes s = encodeInteger(raw.subspan(half));
    Bytes out{0x30};
    writeLength(out, r.size() + s.size());
    core::append(out, r);
    core::append(out, s);
    return out;
}

}  // namespace crypto
