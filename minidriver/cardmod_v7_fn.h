// CARD_DATA (v7 layout) and the function pointer types of the minidriver interface. Included by
// cardmod_v7.h; member offsets per the spec digest §4 (checked by static_asserts on Windows x64).
#pragma once

typedef struct _CARD_DATA CARD_DATA, *PCARD_DATA;

// Callbacks provided by the CSP/KSP.
typedef LPVOID(WINAPI* PFN_CSP_ALLOC)(SIZE_T cBytes);
typedef LPVOID(WINAPI* PFN_CSP_REALLOC)(LPVOID pvMem, SIZE_T cBytes);
typedef void(WINAPI* PFN_CSP_FREE)(LPVOID pvMem);
typedef DWORD(WINAPI* PFN_CSP_CACHE_ADD_FILE)(PVOID pvCacheContext, LPWSTR wszTag, DWORD dwFlags, PBYTE pbData,
                                              DWORD cbData);
typedef DWORD(WINAPI* PFN_CSP_CACHE_LOOKUP_FILE)(PVOID pvCacheContext, LPWSTR wszTag, DWORD dwFlags,
                                                 PBYTE* ppbData, PDWORD pcbData);
typedef DWORD(WINAPI* PFN_CSP_CACHE_DELETE_FILE)(PVOID pvCacheContext, LPWSTR wszTag, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CSP_PAD_DATA)(PCARD_SIGNING_INFO pSigningInfo, DWORD cbMaxWidth, DWORD* pcbPaddedBuffer,
                                        PBYTE* ppbPaddedBuffer);
typedef DWORD(WINAPI* PFN_CSP_GET_DH_AGREEMENT)(PCARD_DATA pCardData, PVOID hSecretAgreement, BYTE* pbSecretAgreementIndex,
                                                DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CSP_UNPAD_DATA)(PCARD_RSA_DECRYPT_INFO pRSADecryptInfo, DWORD* pcbUnpaddedData,
                                          PBYTE* ppbUnpaddedData);

// v4 card functions.
typedef DWORD(WINAPI* PFN_CARD_DELETE_CONTEXT)(PCARD_DATA);
typedef DWORD(WINAPI* PFN_CARD_QUERY_CAPABILITIES)(PCARD_DATA, PCARD_CAPABILITIES);
typedef DWORD(WINAPI* PFN_CARD_DELETE_CONTAINER)(PCARD_DATA, BYTE bContainerIndex, DWORD dwReserved);
typedef DWORD(WINAPI* PFN_CARD_CREATE_CONTAINER)(PCARD_DATA, BYTE bContainerIndex, DWORD dwFlags, DWORD dwKeySpec,
                                                 DWORD dwKeySize, PBYTE pbKeyData);
typedef DWORD(WINAPI* PFN_CARD_GET_CONTAINER_INFO)(PCARD_DATA, BYTE bContainerIndex, DWORD dwFlags,
                                                   PCONTAINER_INFO pContainerInfo);
typedef DWORD(WINAPI* PFN_CARD_AUTHENTICATE_PIN)(PCARD_DATA, LPWSTR pwszUserId, PBYTE pbPin, DWORD cbPin,
                                                 PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_GET_CHALLENGE)(PCARD_DATA, PBYTE* ppbChallengeData, PDWORD pcbChallengeData);
typedef DWORD(WINAPI* PFN_CARD_AUTHENTICATE_CHALLENGE)(PCARD_DATA, PBYTE pbResponseData, DWORD cbResponseData,
                                                       PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_UNBLOCK_PIN)(PCARD_DATA, LPWSTR pwszUserId, PBYTE pbAuthenticationData,
                                            DWORD cbAuthenticationData, PBYTE pbNewPinData, DWORD cbNewPinData,
                                            DWORD cRetryCount, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_CHANGE_AUTHENTICATOR)(PCARD_DATA, LPWSTR pwszUserId, PBYTE pbCurrentAuthenticator,
                                                     DWORD cbCurrentAuthenticator, PBYTE pbNewAuthenticator,
                                                     DWORD cbNewAuthenticator, DWORD cRetryCount, DWORD dwFlags,
                                                     PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_DEAUTHENTICATE)(PCARD_DATA, LPWSTR pwszUserId, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_CREATE_DIRECTORY)(PCARD_DATA, LPSTR pszDirectory, CARD_DIRECTORY_ACCESS_CONDITION);
typedef DWORD(WINAPI* PFN_CARD_DELETE_DIRECTORY)(PCARD_DATA, LPSTR pszDirectoryName);
typedef DWORD(WINAPI* PFN_CARD_CREATE_FILE)(PCARD_DATA, LPSTR pszDirectoryName, LPSTR pszFileName,
                                            DWORD cbInitialCreationSize, CARD_FILE_ACCESS_CONDITION);
typedef DWORD(WINAPI* PFN_CARD_READ_FILE)(PCARD_DATA, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD dwFlags,
                                          PBYTE* ppbData, PDWORD pcbData);
typedef DWORD(WINAPI* PFN_CARD_WRITE_FILE)(PCARD_DATA, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD dwFlags,
                                           PBYTE pbData, DWORD cbData);
typedef DWORD(WINAPI* PFN_CARD_DELETE_FILE)(PCARD_DATA, LPSTR pszDirectoryName, LPSTR pszFileName, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_ENUM_FILES)(PCARD_DATA, LPSTR pszDirectoryName, LPSTR* pmszFileNames,
                                           LPDWORD pdwcbFileName, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_FILE_INFO)(PCARD_DATA, LPSTR pszDirectoryName, LPSTR pszFileName,
                                              PCARD_FILE_INFO pCardFileInfo);
typedef DWORD(WINAPI* PFN_CARD_QUERY_FREE_SPACE)(PCARD_DATA, DWORD dwFlags, PCARD_FREE_SPACE_INFO);
typedef DWORD(WINAPI* PFN_CARD_QUERY_KEY_SIZES)(PCARD_DATA, DWORD dwKeySpec, DWORD dwFlags, PCARD_KEY_SIZES);
typedef DWORD(WINAPI* PFN_CARD_SIGN_DATA)(PCARD_DATA, PCARD_SIGNING_INFO);
typedef DWORD(WINAPI* PFN_CARD_RSA_DECRYPT)(PCARD_DATA, PCARD_RSA_DECRYPT_INFO);
typedef DWORD(WINAPI* PFN_CARD_CONSTRUCT_DH_AGREEMENT)(PCARD_DATA, PCARD_DH_AGREEMENT_INFO);
// v5
typedef DWORD(WINAPI* PFN_CARD_DERIVE_KEY)(PCARD_DATA, PCARD_DERIVE_KEY);
typedef DWORD(WINAPI* PFN_CARD_DESTROY_DH_AGREEMENT)(PCARD_DATA, BYTE bSecretAgreementIndex, DWORD dwFlags);
// v6
typedef DWORD(WINAPI* PFN_CARD_GET_CHALLENGE_EX)(PCARD_DATA, PIN_ID PinId, PBYTE* ppbChallengeData,
                                                 PDWORD pcbChallengeData, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_AUTHENTICATE_EX)(PCARD_DATA, PIN_ID PinId, DWORD dwFlags, PBYTE pbPinData,
                                                DWORD cbPinData, PBYTE* ppbSessionPin, PDWORD pcbSessionPin,
                                                PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_CHANGE_AUTHENTICATOR_EX)(PCARD_DATA, DWORD dwFlags, PIN_ID dwAuthenticatingPinId,
                                                        PBYTE pbAuthenticatingPinData, DWORD cbAuthenticatingPinData,
                                                        PIN_ID dwTargetPinId, PBYTE pbTargetData, DWORD cbTargetData,
                                                        DWORD cRetryCount, PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_DEAUTHENTICATE_EX)(PCARD_DATA, PIN_SET PinId, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_CONTAINER_PROPERTY)(PCARD_DATA, BYTE bContainerIndex, LPCWSTR wszProperty,
                                                       PBYTE pbData, DWORD cbData, PDWORD pdwDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_SET_CONTAINER_PROPERTY)(PCARD_DATA, BYTE bContainerIndex, LPCWSTR wszProperty,
                                                       PBYTE pbData, DWORD cbDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_PROPERTY)(PCARD_DATA, LPCWSTR wszProperty, PBYTE pbData, DWORD cbData,
                                             PDWORD pdwDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_SET_PROPERTY)(PCARD_DATA, LPCWSTR wszProperty, PBYTE pbData, DWORD cbDataLen,
                                             DWORD dwFlags);
// v7 (secure key injection etc.): we never implement these, so their exact parameter lists are kept
// only as far as the table needs; each is a stub returning SCARD_E_UNSUPPORTED_FEATURE.
typedef struct _CARD_ENCRYPTED_DATA CARD_ENCRYPTED_DATA, *PCARD_ENCRYPTED_DATA;
typedef DWORD(WINAPI* PFN_MD_IMPORT_SESSION_KEY)(PCARD_DATA, LPCWSTR pwszBlobType, LPCWSTR pwszAlgId,
                                                 PCARD_KEY_HANDLE phKey, PBYTE pbInput, DWORD cbInput);
typedef DWORD(WINAPI* PFN_MD_ENCRYPT_DATA)(PCARD_DATA, CARD_KEY_HANDLE hKey, LPCWSTR pwszSecureFunction,
                                           PBYTE pbInput, DWORD cbInput, DWORD dwFlags,
                                           PCARD_ENCRYPTED_DATA* ppEncryptedData, PDWORD pcEncryptedData);
typedef DWORD(WINAPI* PFN_CARD_IMPORT_SESSION_KEY)(PCARD_DATA, BYTE bContainerIndex, LPVOID pPaddingInfo,
                                                   LPCWSTR pwszBlobType, LPCWSTR pwszAlgId, PCARD_KEY_HANDLE phKey,
                                                   PBYTE pbInput, DWORD cbInput, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_SHARED_KEY_HANDLE)(PCARD_DATA, PBYTE pbInput, DWORD cbInput, PBYTE* ppbOutput,
                                                      PDWORD pcbOutput, PCARD_KEY_HANDLE phKey);
typedef DWORD(WINAPI* PFN_CARD_GET_ALGORITHM_PROPERTY)(PCARD_DATA, LPCWSTR pwszAlgId, LPCWSTR pwszProperty,
                                                       PBYTE pbData, DWORD cbData, PDWORD pdwDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_KEY_PROPERTY)(PCARD_DATA, CARD_KEY_HANDLE hKey, LPCWSTR pwszProperty,
                                                 PBYTE pbData, DWORD cbData, PDWORD pdwDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_SET_KEY_PROPERTY)(PCARD_DATA, CARD_KEY_HANDLE hKey, LPCWSTR pwszProperty,
                                                 PBYTE pbInput, DWORD cbInput, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_DESTROY_KEY)(PCARD_DATA, CARD_KEY_HANDLE hKey);
typedef DWORD(WINAPI* PFN_CARD_PROCESS_ENCRYPTED_DATA)(PCARD_DATA, CARD_KEY_HANDLE hKey,
                                                       LPCWSTR pwszSecureFunction, PCARD_ENCRYPTED_DATA pEncryptedData,
                                                       DWORD cEncryptedData, PBYTE pbOutput, DWORD cbOutput,
                                                       PDWORD pdwOutputLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_CREATE_CONTAINER_EX)(PCARD_DATA, BYTE bContainerIndex, DWORD dwFlags, DWORD dwKeySpec,
                                                    DWORD dwKeySize, PBYTE pbKeyData, PIN_ID PinId);

struct _CARD_DATA {
    DWORD dwVersion;
    PBYTE pbAtr;
    DWORD cbAtr;
    LPWSTR pwszCardName;
    PFN_CSP_ALLOC pfnCspAlloc;
    PFN_CSP_REALLOC pfnCspReAlloc;
    PFN_CSP_FREE pfnCspFree;
    PFN_CSP_CACHE_ADD_FILE pfnCspCacheAddFile;
    PFN_CSP_CACHE_LOOKUP_FILE pfnCspCacheLookupFile;
    PFN_CSP_CACHE_DELETE_FILE pfnCspCacheDeleteFile;
    PVOID pvCacheContext;
    PFN_CSP_PAD_DATA pfnCspPadData;
    SCARDCONTEXT hSCardCtx;
    SCARDHANDLE hScard;
    PVOID pvVendorSpecific;
    // v4
    PFN_CARD_DELETE_CONTEXT pfnCardDeleteContext;
    PFN_CARD_QUERY_CAPABILITIES pfnCardQueryCapabilities;
    PFN_CARD_DELETE_CONTAINER pfnCardDeleteContainer;
    PFN_CARD_CREATE_CONTAINER pfnCardCreateContainer;
    PFN_CARD_GET_CONTAINER_INFO pfnCardGetContainerInfo;
    PFN_CARD_AUTHENTICATE_PIN pfnCardAuthenticatePin;
    PFN_CARD_GET_CHALLENGE pfnCardGetChallenge;
    PFN_CARD_AUTHENTICATE_CHALLENGE pfnCardAuthenticateChallenge;
    PFN_CARD_UNBLOCK_PIN pfnCardUnblockPin;
    PFN_CARD_CHANGE_AUTHENTICATOR pfnCardChangeAuthenticator;
    PFN_CARD_DEAUTHENTICATE pfnCardDeauthenticate;
    PFN_CARD_CREATE_DIRECTORY pfnCardCreateDirectory;
    PFN_CARD_DELETE_DIRECTORY pfnCardDeleteDirectory;
    LPVOID pvUnused3;
    LPVOID pvUnused4;
    PFN_CARD_CREATE_FILE pfnCardCreateFile;
    PFN_CARD_READ_FILE pfnCardReadFile;
    PFN_CARD_WRITE_FILE pfnCardWriteFile;
    PFN_CARD_DELETE_FILE pfnCardDeleteFile;
    PFN_CARD_ENUM_FILES pfnCardEnumFiles;
    PFN_CARD_GET_FILE_INFO pfnCardGetFileInfo;
    PFN_CARD_QUERY_FREE_SPACE pfnCardQueryFreeSpace;
    PFN_CARD_QUERY_KEY_SIZES pfnCardQueryKeySizes;
    PFN_CARD_SIGN_DATA pfnCardSignData;
    PFN_CARD_RSA_DECRYPT pfnCardRSADecrypt;
    PFN_CARD_CONSTRUCT_DH_AGREEMENT pfnCardConstructDHAgreement;
    // v5
    PFN_CARD_DERIVE_KEY pfnCardDeriveKey;
    PFN_CARD_DESTROY_DH_AGREEMENT pfnCardDestroyDHAgreement;
    PFN_CSP_GET_DH_AGREEMENT pfnCspGetDHAgreement;
    // v6
    PFN_CARD_GET_CHALLENGE_EX pfnCardGetChallengeEx;
    PFN_CARD_AUTHENTICATE_EX pfnCardAuthenticateEx;
    PFN_CARD_CHANGE_AUTHENTICATOR_EX pfnCardChangeAuthenticatorEx;
    PFN_CARD_DEAUTHENTICATE_EX pfnCardDeauthenticateEx;
    PFN_CARD_GET_CONTAINER_PROPERTY pfnCardGetContainerProperty;
    PFN_CARD_SET_CONTAINER_PROPERTY pfnCardSetContainerProperty;
    PFN_CARD_GET_PROPERTY pfnCardGetProperty;
    PFN_CARD_SET_PROPERTY pfnCardSetProperty;
    // v7
    PFN_CSP_UNPAD_DATA pfnCspUnpadData;
    PFN_MD_IMPORT_SESSION_KEY pfnMDImportSessionKey;
    PFN_MD_ENCRYPT_DATA pfnMDEncryptData;
    PFN_CARD_IMPORT_SESSION_KEY pfnCardImportSessionKey;
    PFN_CARD_GET_SHARED_KEY_HANDLE pfnCardGetSharedKeyHandle;
    PFN_CARD_GET_ALGORITHM_PROPERTY pfnCardGetAlgorithmProperty;
    PFN_CARD_GET_KEY_PROPERTY pfnCardGetKeyProperty;
    PFN_CARD_SET_KEY_PROPERTY pfnCardSetKeyProperty;
    PFN_CARD_DESTROY_KEY pfnCardDestroyKey;
    PFN_CARD_PROCESS_ENCRYPTED_DATA pfnCardProcessEncryptedData;
    PFN_CARD_CREATE_CONTAINER_EX pfnCardCreateContainerEx;
};

#if defined(_WIN64)
#include <cstddef>
static_assert(sizeof(CARD_DATA) == 504);
static_assert(offsetof(CARD_DATA, pfnCardDeleteContext) == 120);
static_assert(offsetof(CARD_DATA, pfnCspGetDHAgreement) == 344);
static_assert(offsetof(CARD_DATA, pfnCspUnpadData) == 416);
static_assert(sizeof(CARD_KEY_SIZES) == 20);
static_assert(sizeof(CARD_RSA_DECRYPT_INFO) == 48);
static_assert(sizeof(CARD_SIGNING_INFO) == 72);
static_assert(sizeof(CARD_DERIVE_KEY) == 72);
static_assert(sizeof(PIN_INFO) == 36);
#endif
