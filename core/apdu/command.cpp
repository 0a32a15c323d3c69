#include "core/apdu/command.h"

namespace apdu {

using core::Errc;
using core::fail;

core::Result<Bytes> Command::encode(bool forceExtended) const {
    if (data.size() > kMaxExtended) return fail(Errc::InvalidArgument, "APDU data longer than 65535 bytes");
    if (ne > kMaxExtended + 1) return fail(Errc::InvalidArgument, "APDU Le larger than 65536");
    const bool ext = forceExtended || needsExtended();
    Bytes out{cla, ins, p1, p2};
    out.reserve(4 + 3 + data.size() + 3);
    if (!ext) {
        if (!data.empty()) {
            out.push_back(static_cast<uint8_t>(data.size()));
            append(out, data);
        }
        if (ne) out.push_back(static_cast<uint8_t>(ne == 256 ? 0 : ne));
        return out;
    }
    if (!data.empty()) {
        out.push_back(0x00);
        out.push_back(static_cast<uint8_t>(data.size() >> 8));
        out.push_back(static_cast<uint8_t>(data.size()));
        append(out, data);
    }
    if (ne) {
        if (data.empty()) out.push_back(0x00);  // case 2E: the 00 marker stands before Le
        const std::size_t le = ne == 65536 ? 0 : ne;
        out.push_back(static_cast<uint8_t>(le >> 8));
        out.push_back(static_cast<uint8_t>(le));
    }
    return out;
}

core::Result<Command> Command::parse(ByteView raw) {
    const std::size_t L = raw.size();
    if (L < 4) return fail(Errc::WrongLength, "APDU shorter than its 4-byte header");
    Command c(raw[0], raw[1], raw[2], raw[3]);
    if (L == 4) return c;  // case 1
    if (L == 5) {          // case 2S
        c.ne = raw[4] ? raw[4] : 256;
        return c;
    }
    if (raw[4] != 0) {  // short Lc
        const std::size_t nc = raw[4];
        if (L == 5 + nc) {
            c.data.assign(raw.begin() + 5, raw.end());
            return c;
        }
        if (L == 6 + nc) {
            c.data.assign(raw.begin() + 5, raw.begin() + 5 + nc);
            c.ne = raw[L - 1] ? raw[L - 1] : 256;
            return c;
        }
        return fail(Errc::WrongLength, "APDU length does not match its short Lc");
    }
    // Extended: 00 marker at byte 4.
    if (L == 7) {  // case 2E
        const std::size_t le = std::size_t(raw[5]) << 8 | raw[6];
        c.ne = le ? le : 65536;
        return c;
    }
    if (L < 7) return fail(Errc::WrongLength, "truncated extended-length APDU");
    const std::size_t nc = std::size_t(raw[5]) << 8 | raw[6];
    if (nc == 0) return fail(Errc::WrongLength, "extended Lc of zero");
    if (L == 7 + nc) {
        c.data.assign(raw.begin() + 7, raw.end());
        return c;
    }
    if (L == 9 + nc) {
        c.data.assign(raw.begin() + 7, raw.begin() + 7 + nc);
        const std::size_t le = std::size_t(raw[L - 2]) << 8 | raw[L - 1];
        c.ne = le ? le : 65536;
        return c;
    }
    return fail(Errc::WrongLength, "APDU length does not match its extended Lc");
}

core::Result<Response> Response::parse(ByteView raw) {
    if (raw.size() < 2) return fail(Errc::Transport, "response shorter than a status word");
    Response r;
    r.data.assign(raw.begin(), raw.end() - 2);
    r.sw = static_cast<uint16_t>(raw[raw.size() - 2] << 8 | raw[raw.size() - 1]);
    return r;
}

Bytes Response::encode() const {
    Bytes out = data;
    out.push_back(sw1());
    out.push_back(sw2());
    return out;
}

}  // namespace apdu
