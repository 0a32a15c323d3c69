// The minidriver entry points (filled into CARD_DATA by md_table.cpp) and helpers shared between the
// md_*.cpp files.
#pragma once

#include <string>

#include "minidriver/md_context.h"

namespace md {

// md_files.cpp
std::string lowerName(const char* s);                        // file names are case-insensitive
// Container index of "kscNN"/"kxcNN" (-1 if the name is not a certificate file).
int certFileIndex(const std::string& lowerFileName, BYTE maxContainers);
std::string containerName(const Context& ctx, BYTE index);  // stable "<cardid hex>-<slot>"
Bytes cacheFile(const Context& ctx);                         // cardcf contents
DWORD readVirtualFile(Context& ctx, const char* dir, const char* file, Bytes& out, CARD_FILE_ACCESS_CONDITION* ac);
DWORD WINAPI cardReadFile(PCARD_DATA, LPSTR, LPSTR, DWORD, PBYTE*, PDWORD);
DWORD WINAPI cardEnumFiles(PCARD_DATA, LPSTR, LPSTR*, LPDWORD, DWORD);
DWORD WINAPI cardGetFileInfo(PCARD_DATA, LPSTR, LPSTR, PCARD_FILE_INFO);
DWORD WINAPI cardQueryFreeSpace(PCARD_DATA, DWORD, PCARD_FREE_SPACE_INFO);
DWORD WINAPI cardQueryCapabilities(PCARD_DATA, PCARD_CAPABILITIES);
DWORD WINAPI cardQueryKeySizes(PCARD_DATA, DWORD, DWORD, PCARD_KEY_SIZES);

// md_keys.cpp
struct PublicKeyParts {
    Bytes modulus, exponent;  // RSA, big-endian
    Bytes x, y;               // EC, big-endian, field-size each
};
// Parses a DER SubjectPublicKeyInfo (RSA or uncompressed EC point) without a crypto library.
core::Result<PublicKeyParts> parseSpki(ByteView spki);
// The CAPI PUBLICKEYBLOB / BCRYPT_ECCKEY_BLOB of a container's key (spec §10.3).
core::Result<Bytes> publicKeyBlob(const Container& c);
DWORD WINAPI cardGetContainerInfo(PCARD_DATA, BYTE, DWORD, PCONTAINER_INFO);

// md_sign.cpp
DWORD WINAPI cardSignData(PCARD_DATA, PCARD_SIGNING_INFO);
DWORD WINAPI cardRsaDecrypt(PCARD_DATA, PCARD_RSA_DECRYPT_INFO);

// md_ecdh.cpp
DWORD WINAPI cardConstructDhAgreement(PCARD_DATA, PCARD_DH_AGREEMENT_INFO);
DWORD WINAPI cardDeriveKey(PCARD_DATA, PCARD_DERIVE_KEY);
DWORD WINAPI cardDestroyDhAgreement(PCARD_DATA, BYTE, DWORD);

// md_raw.cpp: raw APDU (status word split off). rawVendorApdu: a vendor command, re-sent once after
// re-selecting PIV on 6D00 (as the PIV driver does). unknownInstruction: 6D00/6E00/6A81.
core::Result<Bytes> rawApdu(Context& ctx, const Bytes& apdu, uint16_t& sw);
core::Result<Bytes> rawVendorApdu(Context& ctx, const Bytes& apdu, uint16_t& sw);
bool unknownInstruction(uint16_t sw);

// md_delete.cpp
DWORD WINAPI cardDeleteContainer(PCARD_DATA, BYTE, DWORD);

// md_admin.cpp
DWORD adminChallenge(Context& ctx, PBYTE* ppbChallengeData, PDWORD pcbChallengeData);
DWORD adminResponse(Context& ctx, PBYTE pbResponseData, DWORD cbResponseData);
DWORD WINAPI cardGetChallenge(PCARD_DATA, PBYTE*, PDWORD);
DWORD WINAPI cardAuthenticateChallenge(PCARD_DATA, PBYTE, DWORD, PDWORD);
DWORD WINAPI cardGetChallengeEx(PCARD_DATA, PIN_ID, PBYTE*, PDWORD, DWORD);

// md_write.cpp
DWORD WINAPI cardCreateContainerEx(PCARD_DATA, BYTE, DWORD, DWORD, DWORD, PBYTE, PIN_ID);
DWORD WINAPI cardCreateContainer(PCARD_DATA, BYTE, DWORD, DWORD, DWORD, PBYTE);
DWORD WINAPI cardCreateFile(PCARD_DATA, LPSTR, LPSTR, DWORD, CARD_FILE_ACCESS_CONDITION);
DWORD WINAPI cardWriteFile(PCARD_DATA, LPSTR, LPSTR, DWORD, PBYTE, DWORD);
DWORD WINAPI cardDeleteFile(PCARD_DATA, LPSTR, LPSTR, DWORD);

// md_pin.cpp
DWORD WINAPI cardAuthenticatePin(PCARD_DATA, LPWSTR, PBYTE, DWORD, PDWORD);
DWORD WINAPI cardAuthenticateEx(PCARD_DATA, PIN_ID, DWORD, PBYTE, DWORD, PBYTE*, PDWORD, PDWORD);
DWORD WINAPI cardDeauthenticate(PCARD_DATA, LPWSTR, DWORD);
DWORD WINAPI cardDeauthenticateEx(PCARD_DATA, PIN_SET, DWORD);

// md_pin_change.cpp
DWORD WINAPI cardChangeAuthenticator(PCARD_DATA, LPWSTR, PBYTE, DWORD, PBYTE, DWORD, DWORD, DWORD, PDWORD);
DWORD WINAPI cardChangeAuthenticatorEx(PCARD_DATA, DWORD, PIN_ID, PBYTE, DWORD, PIN_ID, PBYTE, DWORD, DWORD, PDWORD);
DWORD WINAPI cardUnblockPin(PCARD_DATA, LPWSTR, PBYTE, DWORD, PBYTE, DWORD, DWORD, DWORD);
// Maps a PIN verification failure (tries left into *pcAttemptsRemaining when given).
DWORD mapPinError(Context& ctx, const core::Error& e, PDWORD pcAttemptsRemaining);

// md_props.cpp
DWORD WINAPI cardGetProperty(PCARD_DATA, LPCWSTR, PBYTE, DWORD, PDWORD, DWORD);
DWORD WINAPI cardSetProperty(PCARD_DATA, LPCWSTR, PBYTE, DWORD, DWORD);
DWORD WINAPI cardGetContainerProperty(PCARD_DATA, BYTE, LPCWSTR, PBYTE, DWORD, PDWORD, DWORD);

}  // namespace md

namespace md {
// DER ECDSA-Sig-Value -> r || s, each `field` bytes big-endian (md_keys.cpp).
core::Result<Bytes> ecdsaDerToRaw(ByteView der, std::size_t field);
}  // namespace md
