// Test driver for the virtual OpenPGP card: raw APDUs in, exact status words out, plus what a host does
// (chaining, GET RESPONSE, VERIFY, admin setup).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/bytes.h"
#include "vcard/virtual_card.h"

namespace vcard::pgptest {

using core::Bytes;
using core::ByteView;
using core::hexBytes;

struct Rsp {
    Bytes data;
    uint16_t sw = 0;
};

std::string swHex(uint16_t sw);
Bytes ascii(std::string_view s);

class Host {
  public:
    explicit Host(VirtualCard& card) : m_card(card) {}

    Rsp raw(ByteView apdu);
    Rsp raw(std::string_view hex) { return raw(hexBytes(hex)); }
    // Status word of one APDU as 4 hex digits.
    std::string sw(std::string_view hex) { return swHex(raw(hex).sw); }
    // Short APDUs: data in 255-byte chained pieces, 61xx followed with GET RESPONSE.
    Rsp transmit(uint8_t ins, uint8_t p1, uint8_t p2, ByteView data = {}, std::size_t ne = 256);

    void select();  // OpenPGP by the 6-byte RID+PIX, expects 9000
    uint16_t verify(uint8_t ref, std::string_view pin);
    uint16_t putData(uint16_t tag, ByteView value);
    Rsp getData(uint16_t tag) { return transmit(0xCA, static_cast<uint8_t>(tag >> 8), static_cast<uint8_t>(tag)); }
    // VERIFY PW3 with the default and set the slot's algorithm attributes (C1 + slot).
    void setAttributes(int slot, std::string_view attrHex);
    // GENERATE (PW3 must be verified); returns the 7F49 value.
    Bytes generate(int slot);

  private:
    VirtualCard& m_card;
};

// CRT for key slot 0 (SIG), 1 (DEC), 2 (AUT).
Bytes crt(int slot);

// A fresh in-memory card with the given applications (fails the test on error).
std::unique_ptr<VirtualCard> memoryCard(const std::string& apps = "openpgp");

class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

Bytes readFile(const std::filesystem::path& p);

// Attribute values used across the tests.
inline constexpr std::string_view kRsa2048 = "010800002000";
inline constexpr std::string_view kP256Sign = "132A8648CE3D030107";
inline constexpr std::string_view kP384Sign = "132B81040022";
inline constexpr std::string_view kP256Ecdh = "122A8648CE3D030107";
inline constexpr std::string_view kP384Ecdh = "122B81040022";
inline constexpr std::string_view kEd25519 = "162B06010401DA470F01";
inline constexpr std::string_view kCv25519 = "122B060104019755010501";

}  // namespace vcard::pgptest
