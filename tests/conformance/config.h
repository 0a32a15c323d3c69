// Where the suite's settings come from: a command-line flag, else the environment.
//   --p11-module=PATH        MESIGN_P11_MODULE      the PKCS#11 module to dlopen (required)
//   --p11-profile=NAME       MESIGN_P11_PROFILE     softhsm | mesign (see profile.h)
//   --p11-slot-label=LABEL   MESIGN_P11_SLOT_LABEL  token label to test; default: first slot with a token
//                            MESIGN_P11_USER_PIN    user PIN (default 123456)
//                            MESIGN_P11_SO_PIN      SO PIN (default 12345678)
//                            MESIGN_P11_DATA_PIN    PIN of the profile's dataObjectWriter (default: the user
//                                                   PIN for CKU_USER, the SO PIN for CKU_SO)
#pragma once

#include <string>

namespace p11test {

struct Config {
    std::string modulePath;
    std::string profileName;
    std::string slotLabel;  // empty: first slot with a token
    std::string userPin;
    std::string soPin;
    std::string dataPin;  // empty: see above
};

// Read once; gtest_main owns argv, so flags are taken from /proc/self/cmdline (gtest ignores unknown flags).
const Config& config();

}  // namespace p11test
