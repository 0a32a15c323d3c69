// Log-safe renderings of APDUs. The redaction decision lives here, once, so that no transport or
// card log can print a PIN, PUK, management key or imported private key.
#include <cstdio>

#include "core/apdu/command.h"

namespace apdu {

namespace {
std::string hexByte(uint8_t b) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02X", b);
    return buf;
}
}  // namespace

bool commandCarriesSecret(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, ByteView data) {
    (void)cla;
    switch (ins) {
        case 0x20:  // VERIFY
        case 0x21:
        case 0x24:  // CHANGE REFERENCE DATA
        case 0x2C:  // RESET RETRY COUNTER
        case 0xFE:  // PIV (Yubico) IMPORT KEY
        case 0xFF:  // PIV (Yubico) SET MANAGEMENT KEY
            return !data.empty();
        case 0xDA:  // PUT DATA, simple TLV: OpenPGP writes the resetting code (D3) and key material here
        case 0xDB:  // PUT DATA, odd: OpenPGP key import uses an extended header list (4D)
            if (p1 == 0x00 && (p2 == 0xD3 || (p2 >= 0xD1 && p2 <= 0xD2))) return true;
            return !data.empty() && data[0] == 0x4D;
        case 0x87:  // GENERAL AUTHENTICATE with the management key: witnesses reveal nothing, but
                    // decrypted witness R1 is secret-derived; keep 9B exchanges out of logs.
            return p2 == 0x9B;
        default:
            return false;
    }
}

std::string describeCommand(ByteView raw) {
    if (raw.size() < 4) return "<short APDU: " + std::to_string(raw.size()) + " bytes>";
    std::string s = hexByte(raw[0]) + " " + hexByte(raw[1]) + " " + hexByte(raw[2]) + " " + hexByte(raw[3]);
    auto parsed = Command::parse(raw);
    if (!parsed) return s + " <malformed, " + std::to_string(raw.size()) + " bytes>";
    const Command& c = *parsed;
    if (!c.data.empty()) {
        s += " Lc=" + std::to_string(c.data.size());
        if (commandCarriesSecret(c.cla, c.ins, c.p1, c.p2, c.data))
            s += " <redacted " + std::to_string(c.data.size()) + " bytes>";
        else
            s += " " + core::toHex(c.data);
    }
    if (c.ne) s += " Le=" + std::to_string(c.ne);
    return s;
}

std::string describeResponse(uint8_t ins, ByteView raw) {
    if (raw.size() < 2) return "<short response: " + std::to_string(raw.size()) + " bytes>";
    const std::size_t n = raw.size() - 2;
    std::string s = "SW " + hexByte(raw[n]) + hexByte(raw[n + 1]);
    if (n == 0) return s;
    s += " (" + std::to_string(n) + " bytes)";
    // Results of private-key operations (decrypted keys, ECDH secrets) and 9B responses stay out.
    const bool secret = ins == 0x87 || ins == 0x2A || ins == 0x88 || ins == 0xC0;
    if (!secret) s += " " + core::toHex(raw.first(n));
    return s;
}

}  // namespace apdu
