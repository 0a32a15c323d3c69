// Raw APDUs for what the card-application interface lacks (admin challenge-response, Yubico vendor
// commands), over the same transport the application uses.
#include "minidriver/md_functions.h"

namespace md {

core::Result<Bytes> rawApdu(Context& ctx, const Bytes& apdu, uint16_t& sw) {
    auto r = ctx.card->rawTransport().transmit(apdu);
    if (!r) return r;
    if (r->size() < 2) return core::fail(core::Errc::Malformed, "short response");
    sw = uint16_t((*r)[r->size() - 2] << 8 | (*r)[r->size() - 1]);
    r->resize(r->size() - 2);
    return r;
}

bool unknownInstruction(uint16_t sw) { return sw == 0x6D00 || sw == 0x6E00 || sw == 0x6A81; }

core::Result<Bytes> rawVendorApdu(Context& ctx, const Bytes& apdu, uint16_t& sw) {
    auto r = rawApdu(ctx, apdu, sw);
    if (!r || sw != 0x6D00) return r;
    // As the PIV driver does: 6D00 may mean another application was selected behind our back (PIN and
    // admin status gone with it). Re-select PIV (a current PIV keeps its security status) and ask
    // once more; a second 6D00 means the card lacks the instruction.
    uint16_t selSw = 0;
    auto sel = rawApdu(ctx, {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00}, selSw);
    if (!sel) return sel;
    if (selSw != 0x9000 && (selSw & 0xFF00) != 0x6100) return r;
    return rawApdu(ctx, apdu, sw);
}

}  // namespace md
