#pragma once

#include <expected>

#include "core/base/error.h"

namespace core {

template <typename T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc c, std::string message) {
    return std::unexpected(Error(c, std::move(message)));
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

}  // namespace core

// Propagate an error from an expression returning Result/Status; evaluates to nothing useful.
#define MESIGN_TRY(expr)                                        \
    do {                                                        \
        auto&& mesign_try_r_ = (expr);                          \
        if (!mesign_try_r_) return ::core::fail(std::move(mesign_try_r_).error()); \
    } while (0)
