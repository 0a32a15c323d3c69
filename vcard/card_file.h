// The state file of one virtual card:
//   "MESIGNVC" (8) | format version (2, BE) | body length (4, BE) | body | SHA-256 of everything before (32)
// The body is a sequence of BER-TLV sections, one per applet (PIV: tag E1). The digest catches truncation
// and corruption before any field is interpreted. Writes are atomic: temp file in the same directory,
// fsync, rename, fsync of the directory.
#pragma once

#include <filesystem>

#include "core/base/bytes.h"
#include "core/base/result.h"

namespace vcard {

constexpr uint16_t kCardFileVersion = 1;

// Reads and checks the file; returns the body. Missing file -> Errc::Io ("no such card"); anything
// else wrong -> Errc::Malformed / Errc::Io with the path and the problem in the message.
core::Result<core::SecureBytes> readCardFile(const std::filesystem::path& path);
core::Status writeCardFile(const std::filesystem::path& path, core::ByteView body);

// TLV encoding into wiped storage (state bodies hold PINs and keys).
void putTlv(core::SecureBytes& out, uint32_t tag, core::ByteView value);
void putTlvByte(core::SecureBytes& out, uint32_t tag, uint8_t value);

}  // namespace vcard
