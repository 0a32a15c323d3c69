// Test driver for the virtual card: raw APDUs in, exact responses out, plus helpers that do what a host
// would (chaining, GET RESPONSE, VERIFY, management-key authentication) with OpenSSL on the host side.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/apdu/command.h"
#include "core/base/bytes.h"
#include "vcard/virtual_card.h"

namespace vcard::test {

using core::Bytes;
using core::ByteView;
using core::hexBytes;

struct Rsp {
    Bytes data;
    uint16_t sw = 0;
};

Rsp split(const Bytes& raw);
std::string swHex(uint16_t sw);

// Key material of the default management key.
Bytes defaultMgmtKey();
Bytes pinBlock(std::string_view pin);  // ASCII, FF padded to 8

class Host {
  public:
    explicit Host(VirtualCard& card) : m_card(card) {}

    // One APDU exactly as given.
    Rsp raw(ByteView apdu);
    Rsp raw(std::string_view hex) { return raw(hexBytes(hex)); }
    // Encodes `cmd`, sends it in 255-byte chained pieces if needed (every intermediate piece must answer
    // 9000) and follows 61xx with GET RESPONSE; returns all data and the final SW.
    Rsp transmit(uint8_t ins, uint8_t p1, uint8_t p2, ByteView data = {}, std::size_t ne = 256);

    void selectPiv();
    uint16_t verify(std::string_view pin);
    // Mutual authentication with the management key; returns the final SW (and checks the card's proof).
    uint16_t authenticate(uint8_t alg, ByteView key);
    uint16_t authenticateDefault();
    // GENERATE (admin must already be authenticated); returns the 7F49 value.
    Bytes generate(uint8_t slot, uint8_t alg, ByteView extra = {});
    // GENERAL AUTHENTICATE with 81 (tag 0x81) or 85; returns the 82 value (empty on failure, sw set).
    Bytes generalAuth(uint8_t alg, uint8_t slot, uint8_t inputTag, ByteView input, uint16_t* sw = nullptr);

  private:
    VirtualCard& m_card;
};

// Block cipher (ECB, one block) for host-side management-key computations.
Bytes blockEncrypt(uint8_t alg, ByteView key, ByteView block);
Bytes blockDecrypt(uint8_t alg, ByteView key, ByteView block);

// A fresh in-memory card (fails the test on error).
std::unique_ptr<VirtualCard> memoryCard();

// mkdtemp-based directory removed in the destructor.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

Bytes readFile(const std::filesystem::path& p);
void writeFile(const std::filesystem::path& p, ByteView data);

}  // namespace vcard::test
