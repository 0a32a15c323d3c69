// Command and response APDUs (ISO 7816-4), short and extended. Both the host side (Channel) and the virtual
// cards (card side parser) use this codec; nothing else in the project encodes APDU headers by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace apdu {

using core::ByteView;
using core::Bytes;
using core::append;

constexpr uint8_t kClaChaining = 0x10;
constexpr std::size_t kMaxShortLc = 255;
constexpr std::size_t kMaxShortLe = 256;
constexpr std::size_t kMaxExtended = 65535;

struct Command {
    uint8_t cla = 0x00;
    uint8_t ins = 0x00;
    uint8_t p1 = 0x00;
    uint8_t p2 = 0x00;
    Bytes data;
    // Ne: 0 = no Le field; 256 (short) / 65536 (extended) are the "maximum" encodings.
    std::size_t ne = 0;

    Command() = default;
    Command(uint8_t c, uint8_t i, uint8_t a, uint8_t b, Bytes d = {}, std::size_t le = 0)
        : cla(c), ins(i), p1(a), p2(b), data(std::move(d)), ne(le) {}

    bool needsExtended() const { return data.size() > kMaxShortLc || ne > kMaxShortLe; }
    // Encodes short when possible, extended otherwise (or when forced).
    core::Result<Bytes> encode(bool forceExtended = false) const;
    // Card side: the parsing algorithm of iso7816.md §1.2. Errors carry Errc::WrongLength (-> SW 6700).
    static core::Result<Command> parse(ByteView raw);
};

struct Response {
    Bytes data;
    uint16_t sw = 0;

    uint8_t sw1() const { return static_cast<uint8_t>(sw >> 8); }
    uint8_t sw2() const { return static_cast<uint8_t>(sw & 0xFF); }
    bool ok() const { return sw == 0x9000; }

    static core::Result<Response> parse(ByteView raw);  // needs >= 2 bytes
    Bytes encode() const;                               // data || SW1 SW2
};

// Log-safe text of an APDU: header and length always; the data only for commands that cannot carry
// secrets. VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, PIV IMPORT KEY / SET MANAGEMENT KEY and
// OpenPGP key import are shown as "<redacted N bytes>".
std::string describeCommand(ByteView raw);
// Log-safe text of a response; `ins` is the command's INS, so results of private-key operations
// (GENERAL AUTHENTICATE, PSO) are shown by length only.
std::string describeResponse(uint8_t ins, ByteView raw);
bool commandCarriesSecret(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, ByteView data);

}  // namespace apdu
