// The OpenPGP virtual card's APDU dispatcher (vcard "openpgp"); see vcard_dispatch.h. A terminated
// application answers SELECT with 6285 (OpenPGP card 3.4 §7.2.16), which is a working card too.
#include "vcard_dispatch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static constexpr uint8_t kOpenPgpAid[] = {0xD2, 0x76, 0x00, 0x01, 0x24, 0x01};
    fuzz::runDispatcher(data, size, "openpgp", kOpenPgpAid, {0x9000, 0x6285});
    return 0;
}
