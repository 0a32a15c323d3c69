// The few Windows types and codes the portable minidriver code needs. On Windows they come from
// windows.h / winscard.h; natively on Linux pcsc-lite's winscard.h supplies the SCard* API and the basic
// integer types (note: pcsc-lite's DWORD is `unsigned long`, 8 bytes, so native struct layouts differ
// from Windows — only the Windows build must match the ABI, see the static_asserts in cardmod_v7.h).
#pragma once

#ifdef _WIN32
#include <windows.h>
#include <wincrypt.h>
#include <winscard.h>
#include <bcrypt.h>
// Codes the spec digest lists as present in mingw's winerror.h; guarded in case a header lacks one.
#ifndef NTE_BUFFER_TOO_SMALL
#define NTE_BUFFER_TOO_SMALL ((LONG)0x80090028)
#endif
#else
#include <PCSC/winscard.h>
#include <cstddef>
#include <cstdint>

#define WINAPI
#define MD_NATIVE_COMPAT 1

using PBYTE = BYTE*;
using PVOID = void*;
using WCHAR = wchar_t;  // UTF-32 natively; only ever compared/copied, never serialised as-is
using LPWSTR = WCHAR*;
using LPCWSTR = const WCHAR*;
using ULONG_PTR = std::uintptr_t;
using SIZE_T = std::size_t;
using ALG_ID = unsigned int;
using HWND = void*;
using HINSTANCE = void*;

#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif

#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_REVISION_MISMATCH 1306L
#define NTE_BAD_DATA ((LONG)0x80090005)
#define NTE_BAD_ALGID ((LONG)0x80090008)
#define NTE_NO_MEMORY ((LONG)0x8009000E)
#define NTE_BUFFER_TOO_SMALL ((LONG)0x80090028)
#define NTE_NOT_SUPPORTED ((LONG)0x80090029)

// CAPI / CNG definitions used by the minidriver interface (values from wincrypt.h / bcrypt.h).
#define AT_KEYEXCHANGE 1
#define AT_SIGNATURE 2
#define CRYPT_NOHASHOID 0x00000001
#define PUBLICKEYBLOB 0x6
#define CUR_BLOB_VERSION 2
#define CALG_MD5 0x00008003
#define CALG_SHA1 0x00008004
#define CALG_SSL3_SHAMD5 0x00008008
#define CALG_SHA_256 0x0000800c
#define CALG_SHA_384 0x0000800d
#define CALG_SHA_512 0x0000800e
#define CALG_RSA_SIGN 0x00002400
#define CALG_RSA_KEYX 0x0000a400
#define BCRYPT_ECDSA_PUBLIC_P256_MAGIC 0x31534345
#define BCRYPT_ECDSA_PUBLIC_P384_MAGIC 0x33534345
#define BCRYPT_ECDSA_PUBLIC_P521_MAGIC 0x35534345
#define BCRYPT_ECDH_PUBLIC_P256_MAGIC 0x314B4345
#define BCRYPT_ECDH_PUBLIC_P384_MAGIC 0x334B4345
#define BCRYPT_ECDH_PUBLIC_P521_MAGIC 0x354B4345

struct BCRYPT_PKCS1_PADDING_INFO {
    LPCWSTR pszAlgId;
};
struct BCRYPT_PSS_PADDING_INFO {
    LPCWSTR pszAlgId;
    ULONG cbSalt;
};
struct BCRYPT_OAEP_PADDING_INFO {
    LPCWSTR pszAlgId;
    PUCHAR pbLabel;
    ULONG cbLabel;
};
struct BCryptBuffer {
    ULONG cbBuffer;
    ULONG BufferType;
    PVOID pvBuffer;
};
struct BCryptBufferDesc {
    ULONG ulVersion;
    ULONG cBuffers;
    BCryptBuffer* pBuffers;
};
#define KDF_HASH_ALGORITHM 0x0
#define KDF_SECRET_PREPEND 0x1
#define KDF_SECRET_APPEND 0x2
#define KDF_HMAC_KEY 0x3
#define BCRYPT_KDF_HASH L"HASH"
#define BCRYPT_KDF_HMAC L"HMAC"
#define BCRYPT_KDF_TLS_PRF L"TLS_PRF"
#define BCRYPT_SHA1_ALGORITHM L"SHA1"
#define BCRYPT_SHA256_ALGORITHM L"SHA256"
#define BCRYPT_SHA384_ALGORITHM L"SHA384"
#define BCRYPT_SHA512_ALGORITHM L"SHA512"
#define BCRYPT_MD5_ALGORITHM L"MD5"
#endif

// Codes absent from older pcsc-lite / mingw headers (values from the spec digest §12).
#ifndef SCARD_W_CACHE_ITEM_NOT_FOUND
#define SCARD_W_CACHE_ITEM_NOT_FOUND ((LONG)0x80100070)
#define SCARD_W_CACHE_ITEM_STALE ((LONG)0x80100071)
#define SCARD_W_CACHE_ITEM_TOO_BIG ((LONG)0x80100072)
#endif
#ifndef SCARD_E_PIN_CACHE_EXPIRED
#define SCARD_E_PIN_CACHE_EXPIRED ((LONG)0x80100032)
#define SCARD_E_NO_PIN_CACHE ((LONG)0x80100033)
#define SCARD_E_READ_ONLY_CARD ((LONG)0x80100034)
#endif
