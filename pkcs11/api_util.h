// Small helpers shared by the *_api.cpp files: the output-length convention (specs/pkcs11.md §4),
// blank-padded text fields, template spans.
#pragma once

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "core/base/bytes.h"
#include "pkcs11/p11_header.h"

namespace p11 {

// NULL buffer: *len = needed, CKR_OK (operation stays active). Short buffer: *len = needed,
// CKR_BUFFER_TOO_SMALL (stays active). nullopt: the caller may write `needed` bytes to `out`.
inline std::optional<CK_RV> lengthQuery(CK_BYTE_PTR out, CK_ULONG_PTR len, std::size_t needed) {
    if (!out) {
        *len = needed;
        return CKR_OK;
    }
    if (*len < needed) {
        *len = needed;
        return CKR_BUFFER_TOO_SMALL;
    }
    return std::nullopt;
}

inline void copyOut(core::ByteView data, CK_BYTE_PTR out, CK_ULONG_PTR len) {
    if (!data.empty()) std::memcpy(out, data.data(), data.size());
    *len = data.size();
}

// CK_*_INFO text fields: blank-padded, not NUL-terminated.
template <std::size_t N>
void padCopy(unsigned char (&field)[N], std::string_view s) {
    std::memset(field, ' ', N);
    std::memcpy(field, s.data(), std::min(N, s.size()));
}

inline std::span<CK_ATTRIBUTE> templateSpan(CK_ATTRIBUTE_PTR t, CK_ULONG n) {
    return t ? std::span<CK_ATTRIBUTE>(t, n) : std::span<CK_ATTRIBUTE>();
}

inline core::ByteView bytesOf(const void* p, CK_ULONG n) {
    return p ? core::ByteView(static_cast<const uint8_t*>(p), n) : core::ByteView();
}

}  // namespace p11
