// The PIV virtual card's APDU dispatcher (vcard "piv"); see vcard_dispatch.h.
#include "vcard_dispatch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static constexpr uint8_t kPivAid[] = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};
    fuzz::runDispatcher(data, size, "piv", kPivAid, {0x9000});
    return 0;
}
