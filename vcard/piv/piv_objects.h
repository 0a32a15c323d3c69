// PIV data objects (piv.md §2): which tags exist, who may read them, and the contents a new card starts
// with (CCC, CHUID, Discovery).
#pragma once

#include <optional>

#include "vcard/piv/piv_types.h"

namespace vcard::piv::objects {

constexpr uint32_t kDiscovery = 0x7E;
constexpr uint32_t kBioGroupTemplate = 0x7F61;
constexpr uint32_t kChuid = 0x5FC102;
constexpr uint32_t kCcc = 0x5FC107;
constexpr uint32_t kPrintedInfo = 0x5FC109;
constexpr uint32_t kKeyHistory = 0x5FC10C;
constexpr uint32_t kAttestationCert = 0x5FFF01;

// YubiKey 4/5: 3072-byte APDU buffer - 9 bytes of 5C/53 header.
constexpr std::size_t kMaxObjectSize = 3063;
// Bound on all objects together (a YubiKey has roughly 50 KB).
constexpr std::size_t kMaxTotalSize = 96 * 1024;

// Tags a host may read or write: 7E, 7F61, the PIV range 5FC101–5FC123 and Yubico's 5FFF00–5FFFFF.
bool isValidTag(uint32_t tag);
// 5C value (1–3 bytes) to a tag; nullopt if it is not a valid object tag.
std::optional<uint32_t> tagFromBytes(ByteView b);
// Fingerprints, facial image, printed information, iris, pairing code: PIN (or OCC) to read.
bool needsPinToRead(uint32_t tag);
// Objects returned as their own TLV (Discovery, BIT group) rather than inside 53.
bool isBareTemplate(uint32_t tag);

// Certificate object of a key slot: 9A→5FC105 ... 82+n→5FC10D+n, F9→5FFF01.
uint32_t certObjectFor(uint8_t slot);

Bytes makeChuid(ByteView guid16);
Bytes makeCcc(ByteView cardId14);
Bytes makeDiscovery();
// 70 <DER> 71 01 00 FE 00
Bytes certContainer(ByteView der);

}  // namespace vcard::piv::objects
