// Card minidriver interface, spec v7, written from /work/shared/specs/minidriver.md (not copied from
// Microsoft's cardmod.h). mingw-w64's own cardmod.h is v4/v5-level with wrong values (padding
// constants, CARD_KEY_SIZES, CARD_RSA_DECRYPT_INFO v1 only), so it is never included.
#pragma once

#include "minidriver/win_compat.h"

// ---- versions, flags, constants ----------------------------------------------------------------
#define CARD_DATA_VERSION_FOUR 4
#define CARD_DATA_VERSION_FIVE 5
#define CARD_DATA_VERSION_SIX 6
#define CARD_DATA_VERSION_SEVEN 7
#define CARD_DATA_CURRENT_VERSION CARD_DATA_VERSION_SEVEN

#define CARD_SECURE_KEY_INJECTION_NO_CARD_MODE 0x1
#define CARD_DATA_VALUE_UNKNOWN ((DWORD)-1)

#define CARD_BUFFER_SIZE_ONLY 0x20000000
#define CARD_RETURN_KEY_HANDLE 0x01000000
#define CARD_DH_AGREEMENT_INFO_VERSION 2
#define CARD_DERIVE_KEY_VERSION 1
#define CARD_DERIVE_KEY_VERSION_TWO 2
#define CARD_DERIVE_KEY_CURRENT_VERSION CARD_DERIVE_KEY_VERSION_TWO
#define CARD_PADDING_INFO_PRESENT 0x40000000
#define CARD_PADDING_NONE 0x1
#define CARD_PADDING_PKCS1 0x2
#define CARD_PADDING_PSS 0x4
#define CARD_PADDING_OAEP 0x8

#define CARD_CREATE_CONTAINER_KEY_GEN 1
#define CARD_CREATE_CONTAINER_KEY_IMPORT 2

#ifndef AT_ECDSA_P256
#define AT_ECDSA_P256 3
#define AT_ECDSA_P384 4
#define AT_ECDSA_P521 5
#define AT_ECDHE_P256 6
#define AT_ECDHE_P384 7
#define AT_ECDHE_P521 8
#endif

#define CARD_SIGNING_INFO_BASIC_VERSION 1
#define CARD_SIGNING_INFO_CURRENT_VERSION 2
#define CARD_RSA_KEY_DECRYPT_INFO_VERSION_ONE 1
#define CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO 2
#define CONTAINER_INFO_CURRENT_VERSION 1
#define CARD_CAPABILITIES_CURRENT_VERSION 1
#define CARD_FREE_SPACE_INFO_CURRENT_VERSION 1
#define CARD_KEY_SIZES_CURRENT_VERSION 1
#define CARD_FILE_INFO_CURRENT_VERSION 1
#define PIN_INFO_CURRENT_VERSION 6
#define PIN_CACHE_POLICY_CURRENT_VERSION 6

#define CONTAINER_MAP_VALID_CONTAINER 1
#define CONTAINER_MAP_DEFAULT_CONTAINER 2
#define MAX_CONTAINER_NAME_LEN 39

// PINs and roles (v6).
typedef DWORD PIN_ID, *PPIN_ID;
typedef DWORD PIN_SET, *PPIN_SET;
#define MAX_PINS 8
#define ROLE_EVERYONE 0
#define ROLE_USER 1
#define ROLE_ADMIN 2
#define CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE 1
#define CARD_AUTHENTICATE_PIN_PIN 2
#define PIN_CHANGE_FLAG_UNBLOCK 0x01
#define PIN_CHANGE_FLAG_CHANGEPIN 0x02
#define PIN_SET_NONE 0x00
#define PIN_SET_ALL_ROLES 0xFF
#define CREATE_PIN_SET(id) (1u << (id))
#define CARD_AUTHENTICATE_GENERATE_SESSION_PIN 0x10000000
#define CARD_AUTHENTICATE_SESSION_PIN 0x20000000
#define CARD_PIN_SILENT_CONTEXT 0x00000040
#define CARD_PIN_STRENGTH_PLAINTEXT 0x1
#define CARD_PIN_STRENGTH_SESSION_PIN 0x2
#define wszCARD_USER_EVERYONE L"anonymous"
#define wszCARD_USER_USER L"user"
#define wszCARD_USER_ADMIN L"admin"

typedef enum { AlphaNumericPinType = 0, ExternalPinType, ChallengeResponsePinType, EmptyPinType } SECRET_TYPE;
typedef enum {
    AuthenticationPin = 0, DigitalSignaturePin, EncryptionPin, NonRepudiationPin, AdministratorPin,
    PrimaryCardPin, UnblockOnlyPin
} SECRET_PURPOSE;
typedef enum { PinCacheNormal = 0, PinCacheTimed, PinCacheNone, PinCacheAlwaysPrompt } PIN_CACHE_POLICY_TYPE;

typedef struct _PIN_CACHE_POLICY {
    DWORD dwVersion;
    PIN_CACHE_POLICY_TYPE PinCachePolicyType;
    DWORD dwPinCachePolicyInfo;
} PIN_CACHE_POLICY, *PPIN_CACHE_POLICY;

typedef struct _PIN_INFO {
    DWORD dwVersion;
    SECRET_TYPE PinType;
    SECRET_PURPOSE PinPurpose;
    PIN_SET dwChangePermission;
    PIN_SET dwUnblockPermission;
    PIN_CACHE_POLICY PinCachePolicy;
    DWORD dwFlags;
} PIN_INFO, *PPIN_INFO;

// Card properties (wide names).
#define CP_CARD_FREE_SPACE L"Free Space"
#define CP_CARD_CAPABILITIES L"Capabilities"
#define CP_CARD_KEYSIZES L"Key Sizes"
#define CP_CARD_READ_ONLY L"Read Only Mode"
#define CP_CARD_CACHE_MODE L"Cache Mode"
#define CP_SUPPORTS_WIN_X509_ENROLLMENT L"Supports Windows x.509 Enrollment"
#define CP_CARD_GUID L"Card Identifier"
#define CP_CARD_SERIAL_NO L"Card Serial Number"
#define CP_CARD_PIN_INFO L"PIN Information"
#define CP_CARD_LIST_PINS L"PIN List"
#define CP_CARD_AUTHENTICATED_STATE L"Authenticated State"
#define CP_CARD_PIN_STRENGTH_VERIFY L"PIN Strength Verify"
#define CP_CARD_PIN_STRENGTH_CHANGE L"PIN Strength Change"
#define CP_CARD_PIN_STRENGTH_UNBLOCK L"PIN Strength Unblock"
#define CP_KEY_IMPORT_SUPPORT L"Key Import Support"
#define CP_ENUM_ALGORITHMS L"Algorithms"
#define CP_PADDING_SCHEMES L"Padding Schemes"
#define CP_CHAINING_MODES L"Chaining Modes"
#define CP_PARENT_WINDOW L"Parent Window"
#define CP_PIN_CONTEXT_STRING L"PIN Context String"
#define CP_CACHE_MODE_GLOBAL_CACHE 1
#define CP_CACHE_MODE_SESSION_ONLY 2
#define CP_CACHE_MODE_NO_CACHE 3
#define CCP_CONTAINER_INFO L"Container Info"
#define CCP_PIN_IDENTIFIER L"PIN Identifier"
#define CCP_ASSOCIATED_ECDH_KEY L"Associated ECDH Key"

// File system names.
#define szBASE_CSP_DIR "mscp"
#define szCARD_IDENTIFIER_FILE "cardid"
#define szCACHE_FILE "cardcf"
#define szCARD_APPS "cardapps"
#define szCONTAINER_MAP_FILE "cmapfile"
#define szUSER_SIGNATURE_CERT_PREFIX "ksc"
#define szUSER_KEYEXCHANGE_CERT_PREFIX "kxc"
#define szROOT_STORE_FILE "msroots"

// ---- structures -----------------------------------------------------------------------------------
typedef enum { InvalidDirAc = 0, UserCreateDeleteDirAc = 1, AdminCreateDeleteDirAc = 2 } CARD_DIRECTORY_ACCESS_CONDITION;
typedef enum {
    InvalidAc = 0, EveryoneReadUserWriteAc = 1, UserWriteExecuteAc = 2, EveryoneReadAdminWriteAc = 3,
    UnknownAc = 4, UserReadWriteAc = 5, AdminReadWriteAc = 6
} CARD_FILE_ACCESS_CONDITION;

typedef struct _CARD_FILE_INFO {
    DWORD dwVersion;
    DWORD cbFileSize;
    CARD_FILE_ACCESS_CONDITION AccessCondition;
} CARD_FILE_INFO, *PCARD_FILE_INFO;

typedef struct _CARD_CAPABILITIES {
    DWORD dwVersion;
    BOOL fCertificateCompression;
    BOOL fKeyGen;
} CARD_CAPABILITIES, *PCARD_CAPABILITIES;

typedef struct _CARD_FREE_SPACE_INFO {
    DWORD dwVersion;
    DWORD dwBytesAvailable;
    DWORD dwKeyContainersAvailable;
    DWORD dwMaxKeyContainers;
} CARD_FREE_SPACE_INFO, *PCARD_FREE_SPACE_INFO;

typedef struct _CARD_KEY_SIZES {
    DWORD dwVersion;
    DWORD dwMinimumBitlen;
    DWORD dwDefaultBitlen;
    DWORD dwMaximumBitlen;
    DWORD dwIncrementalBitlen;
} CARD_KEY_SIZES, *PCARD_KEY_SIZES;

typedef struct _CONTAINER_INFO {
    DWORD dwVersion;
    DWORD dwReserved;
    DWORD cbSigPublicKey;
    PBYTE pbSigPublicKey;
    DWORD cbKeyExPublicKey;
    PBYTE pbKeyExPublicKey;
} CONTAINER_INFO, *PCONTAINER_INFO;

typedef struct _CARD_SIGNING_INFO {
    DWORD dwVersion;
    BYTE bContainerIndex;
    DWORD dwKeySpec;
    DWORD dwSigningFlags;
    ALG_ID aiHashAlg;
    PBYTE pbData;
    DWORD cbData;
    PBYTE pbSignedData;
    DWORD cbSignedData;
    LPVOID pPaddingInfo;  // v2
    DWORD dwPaddingType;  // v2
} CARD_SIGNING_INFO, *PCARD_SIGNING_INFO;

typedef struct _CARD_RSA_DECRYPT_INFO {
    DWORD dwVersion;
    BYTE bContainerIndex;
    DWORD dwKeySpec;
    PBYTE pbData;
    DWORD cbData;
    LPVOID pPaddingInfo;  // v2
    DWORD dwPaddingType;  // v2
} CARD_RSA_DECRYPT_INFO, *PCARD_RSA_DECRYPT_INFO;

typedef struct _CARD_DH_AGREEMENT_INFO {
    DWORD dwVersion;
    BYTE bContainerIndex;
    DWORD dwFlags;
    DWORD dwPublicKey;
    PBYTE pbPublicKey;
    PBYTE pbReserved;
    DWORD cbReserved;
    BYTE bSecretAgreementIndex;
} CARD_DH_AGREEMENT_INFO, *PCARD_DH_AGREEMENT_INFO;

typedef ULONG_PTR CARD_KEY_HANDLE, *PCARD_KEY_HANDLE;

typedef struct _CARD_DERIVE_KEY {
    DWORD dwVersion;
    DWORD dwFlags;
    LPCWSTR pwszKDF;
    BYTE bSecretAgreementIndex;
    PVOID pParameterList;
    PBYTE pbDerivedKey;
    DWORD cbDerivedKey;
    LPWSTR pwszAlgId;  // v2
    DWORD dwKeyLen;    // v2
    CARD_KEY_HANDLE hKey;  // v2
} CARD_DERIVE_KEY, *PCARD_DERIVE_KEY;

// Wire formats (cardcf 6 bytes, CONTAINER_MAP_RECORD 86 bytes) are serialised byte by byte in
// md_files.cpp, so they do not depend on native WCHAR/DWORD sizes; no structs for them here.
#define CARD_CACHE_FILE_SIZE 6
#define CONTAINER_MAP_RECORD_SIZE 86

#include "minidriver/cardmod_v7_fn.h"
