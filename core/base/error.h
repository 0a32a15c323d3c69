// Error values shared by every layer. Expected failures travel as Result<T> (std::expected), never as
// exceptions, so they can cross into the C ABI shims unchanged and be mapped to CKR_* / SCARD_* codes there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace core {

enum class Errc {
    InvalidArgument,      // the caller passed something unusable (our bug or the user's input)
    Malformed,            // data from the card or a file that does not parse
    Transport,            // PC/SC or socket failure
    NoService,            // pcscd not running / not reachable
    NoReader,             // no such reader
    NoCard,               // reader empty
    CardRemoved,          // card pulled during use
    CardReset,            // another process reset the card: volatile state (PIN, selection) lost
    Timeout,
    Cancelled,            // a blocking wait was cancelled (C_Finalize during C_WaitForSlotEvent)
    NotFound,             // 6A82 / 6A88: object, key or application absent
    SecurityNotSatisfied, // 6982
    AuthBlocked,          // 6983: PIN/PUK blocked
    PinIncorrect,         // 63Cx / 6300: wrong PIN, retries in Error::retries
    WrongLength,          // 6700
    IncorrectData,        // 6A80: bad command data (also bad PIN format)
    ConditionsNotSatisfied,  // 6985
    NotSupported,         // 6D00, 6E00, 6A81, 6884: function not offered by the card/application
    IncorrectP1P2,        // 6A86, 6B00
    NoSpace,              // 6A84
    CardError,            // any other card status word
    Crypto,               // an OpenSSL operation failed
    Io,                   // file system
    Internal,             // a broken invariant inside the library
};

const char* errcName(Errc c);

struct Error {
    Errc code = Errc::Internal;
    std::string message;
    std::optional<uint16_t> sw;      // status word that produced this error, when one did
    std::optional<int> retries;      // tries left, from 63Cx (or a retries query)

    Error() = default;
    Error(Errc c, std::string msg) : code(c), message(std::move(msg)) {}

    // "PinIncorrect: wrong PIN (SW 63C2, 2 tries left)"
    std::string describe() const;
};

}  // namespace core
