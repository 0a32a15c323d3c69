// The answer line of the Wine check programs (piv_win_check.exe, openpgp_win_check.exe): `ok <hex>` or
// `err <core::Errc number>`, lowercase hex, as the Linux side of the comparison prints it.
#pragma once

#include <cstdio>
#include <string>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace wincheck {

inline std::string hex(core::ByteView b) {
    std::string s = core::toHex(b);
    for (char& c : s)
        if (c >= 'A' && c <= 'F') c = char(c - 'A' + 'a');
    return s;
}

inline void answer(const core::Result<core::Bytes>& r) {
    if (r)
        std::printf("ok %s\n", hex(*r).c_str());
    else
        std::printf("err %d\n", static_cast<int>(r.error().code));
}

}  // namespace wincheck
