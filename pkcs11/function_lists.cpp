// The two function lists (2.40 for C_GetFunctionList, 3.0 for C_GetInterface) and the interface
// table. Static and read-only by contract; designated initialisers make the compiler check the order.
#include <cstring>

#include "pkcs11/entry_points.h"

namespace p11 {
namespace {

CK_FUNCTION_LIST g_list240 = {
    .version = kVersion240,
    .C_Initialize = &entry::C_Initialize,
    .C_Finalize = &entry::C_Finalize,
    .C_GetInfo = &entry::C_GetInfo,
    .C_GetFunctionList = &entry::C_GetFunctionList,
    .C_GetSlotList = &entry::C_GetSlotList,
    .C_GetSlotInfo = &entry::C_GetSlotInfo,
    .C_GetTokenInfo = &entry::C_GetTokenInfo,
    .C_GetMechanismList = &entry::C_GetMechanismList,
    .C_GetMechanismInfo = &entry::C_GetMechanismInfo,
    .C_InitToken = &entry::C_InitToken,
    .C_InitPIN = &entry::C_InitPIN,
    .C_SetPIN = &entry::C_SetPIN,
    .C_OpenSession = &entry::C_OpenSession,
    .C_CloseSession = &entry::C_CloseSession,
    .C_CloseAllSessions = &entry::C_CloseAllSessions,
    .C_GetSessionInfo = &entry::C_GetSessionInfo,
    .C_GetOperationState = &entry::C_GetOperationState,
    .C_SetOperationState = &entry::C_SetOperationState,
    .C_Login = &entry::C_Login,
    .C_Logout = &entry::C_Logout,
    .C_CreateObject = &entry::C_CreateObject,
    .C_CopyObject = &entry::C_CopyObject,
    .C_DestroyObject = &entry::C_DestroyObject,
    .C_GetObjectSize = &entry::C_GetObjectSize,
    .C_GetAttributeValue = &entry::C_GetAttributeValue,
    .C_SetAttributeValue = &entry::C_SetAttributeValue,
    .C_FindObjectsInit = &entry::C_FindObjectsInit,
    .C_FindObjects = &entry::C_FindObjects,
    .C_FindObjectsFinal = &entry::C_FindObjectsFinal,
    .C_EncryptInit = &entry::C_EncryptInit,
    .C_Encrypt = &entry::C_Encrypt,
    .C_EncryptUpdate = &entry::C_EncryptUpdate,
    .C_EncryptFinal = &entry::C_EncryptFinal,
    .C_DecryptInit = &entry::C_DecryptInit,
    .C_Decrypt = &entry::C_Decrypt,
    .C_DecryptUpdate = &entry::C_DecryptUpdate,
    .C_DecryptFinal = &entry::C_DecryptFinal,
    .C_DigestInit = &entry::C_DigestInit,
    .C_Digest = &entry::C_Digest,
    .C_DigestUpdate = &entry::C_DigestUpdate,
    .C_DigestKey = &entry::C_DigestKey,
    .C_DigestFinal = &entry::C_DigestFinal,
    .C_SignInit = &entry::C_SignInit,
    .C_Sign = &entry::C_Sign,
    .C_SignUpdate = &entry::C_SignUpdate,
    .C_SignFinal = &entry::C_SignFinal,
    .C_SignRecoverInit = &entry::C_SignRecoverInit,
    .C_SignRecover = &entry::C_SignRecover,
    .C_VerifyInit = &entry::C_VerifyInit,
    .C_Verify = &entry::C_Verify,
    .C_VerifyUpdate = &entry::C_VerifyUpdate,
    .C_VerifyFinal = &entry::C_VerifyFinal,
    .C_VerifyRecoverInit = &entry::C_VerifyRecoverInit,
    .C_VerifyRecover = &entry::C_VerifyRecover,
    .C_DigestEncryptUpdate = &entry::C_DigestEncryptUpdate,
    .C_DecryptDigestUpdate = &entry::C_DecryptDigestUpdate,
    .C_SignEncryptUpdate = &entry::C_SignEncryptUpdate,
    .C_DecryptVerifyUpdate = &entry::C_DecryptVerifyUpdate,
    .C_GenerateKey = &entry::C_GenerateKey,
    .C_GenerateKeyPair = &entry::C_GenerateKeyPair,
    .C_WrapKey = &entry::C_WrapKey,
    .C_UnwrapKey = &entry::C_UnwrapKey,
    .C_DeriveKey = &entry::C_DeriveKey,
    .C_SeedRandom = &entry::C_SeedRandom,
    .C_GenerateRandom = &entry::C_GenerateRandom,
    .C_GetFunctionStatus = &entry::C_GetFunctionStatus,
    .C_CancelFunction = &entry::C_CancelFunction,
    .C_WaitForSlotEvent = &entry::C_WaitForSlotEvent,
};

CK_FUNCTION_LIST_3_0 g_list30 = {
    .version = kVersion30,
    .C_Initialize = &entry::C_Initialize,
    .C_Finalize = &entry::C_Finalize,
    .C_GetInfo = &entry::C_GetInfo30,
    .C_GetFunctionList = &entry::C_GetFunctionList,
    .C_GetSlotList = &entry::C_GetSlotList,
    .C_GetSlotInfo = &entry::C_GetSlotInfo,
    .C_GetTokenInfo = &entry::C_GetTokenInfo,
    .C_GetMechanismList = &entry::C_GetMechanismList,
    .C_GetMechanismInfo = &entry::C_GetMechanismInfo,
    .C_InitToken = &entry::C_InitToken,
    .C_InitPIN = &entry::C_InitPIN,
    .C_SetPIN = &entry::C_SetPIN,
    .C_OpenSession = &entry::C_OpenSession,
    .C_CloseSession = &entry::C_CloseSession,
    .C_CloseAllSessions = &entry::C_CloseAllSessions,
    .C_GetSessionInfo = &entry::C_GetSessionInfo,
    .C_GetOperationState = &entry::C_GetOperationState,
    .C_SetOperationState = &entry::C_SetOperationState,
    .C_Login = &entry::C_Login,
    .C_Logout = &entry::C_Logout,
    .C_CreateObject = &entry::C_CreateObject,
    .C_CopyObject = &entry::C_CopyObject,
    .C_DestroyObject = &entry::C_DestroyObject,
    .C_GetObjectSize = &entry::C_GetObjectSize,
    .C_GetAttributeValue = &entry::C_GetAttributeValue,
    .C_SetAttributeValue = &entry::C_SetAttributeValue,
    .C_FindObjectsInit = &entry::C_FindObjectsInit,
    .C_FindObjects = &entry::C_FindObjects,
    .C_FindObjectsFinal = &entry::C_FindObjectsFinal,
    .C_EncryptInit = &entry::C_EncryptInit,
    .C_Encrypt = &entry::C_Encrypt,
    .C_EncryptUpdate = &entry::C_EncryptUpdate,
    .C_EncryptFinal = &entry::C_EncryptFinal,
    .C_DecryptInit = &entry::C_DecryptInit,
    .C_Decrypt = &entry::C_Decrypt,
    .C_DecryptUpdate = &entry::C_DecryptUpdate,
    .C_DecryptFinal = &entry::C_DecryptFinal,
    .C_DigestInit = &entry::C_DigestInit,
    .C_Digest = &entry::C_Digest,
    .C_DigestUpdate = &entry::C_DigestUpdate,
    .C_DigestKey = &entry::C_DigestKey,
    .C_DigestFinal = &entry::C_DigestFinal,
    .C_SignInit = &entry::C_SignInit,
    .C_Sign = &entry::C_Sign,
    .C_SignUpdate = &entry::C_SignUpdate,
    .C_SignFinal = &entry::C_SignFinal,
    .C_SignRecoverInit = &entry::C_SignRecoverInit,
    .C_SignRecover = &entry::C_SignRecover,
    .C_VerifyInit = &entry::C_VerifyInit,
    .C_Verify = &entry::C_Verify,
    .C_VerifyUpdate = &entry::C_VerifyUpdate,
    .C_VerifyFinal = &entry::C_VerifyFinal,
    .C_VerifyRecoverInit = &entry::C_VerifyRecoverInit,
    .C_VerifyRecover = &entry::C_VerifyRecover,
    .C_DigestEncryptUpdate = &entry::C_DigestEncryptUpdate,
    .C_DecryptDigestUpdate = &entry::C_DecryptDigestUpdate,
    .C_SignEncryptUpdate = &entry::C_SignEncryptUpdate,
    .C_DecryptVerifyUpdate = &entry::C_DecryptVerifyUpdate,
    .C_GenerateKey = &entry::C_GenerateKey,
    .C_GenerateKeyPair = &entry::C_GenerateKeyPair,
    .C_WrapKey = &entry::C_WrapKey,
    .C_UnwrapKey = &entry::C_UnwrapKey,
    .C_DeriveKey = &entry::C_DeriveKey,
    .C_SeedRandom = &entry::C_SeedRandom,
    .C_GenerateRandom = &entry::C_GenerateRandom,
    .C_GetFunctionStatus = &entry::C_GetFunctionStatus,
    .C_CancelFunction = &entry::C_CancelFunction,
    .C_WaitForSlotEvent = &entry::C_WaitForSlotEvent,
    .C_GetInterfaceList = &entry::C_GetInterfaceList,
    .C_GetInterface = &entry::C_GetInterface,
    .C_LoginUser = &entry::C_LoginUser,
    .C_SessionCancel = &entry::C_SessionCancel,
    .C_MessageEncryptInit = &entry::C_MessageEncryptInit,
    .C_EncryptMessage = &entry::C_EncryptMessage,
    .C_EncryptMessageBegin = &entry::C_EncryptMessageBegin,
    .C_EncryptMessageNext = &entry::C_EncryptMessageNext,
    .C_MessageEncryptFinal = &entry::C_MessageEncryptFinal,
    .C_MessageDecryptInit = &entry::C_MessageDecryptInit,
    .C_DecryptMessage = &entry::C_DecryptMessage,
    .C_DecryptMessageBegin = &entry::C_DecryptMessageBegin,
    .C_DecryptMessageNext = &entry::C_DecryptMessageNext,
    .C_MessageDecryptFinal = &entry::C_MessageDecryptFinal,
    .C_MessageSignInit = &entry::C_MessageSignInit,
    .C_SignMessage = &entry::C_SignMessage,
    .C_SignMessageBegin = &entry::C_SignMessageBegin,
    .C_SignMessageNext = &entry::C_SignMessageNext,
    .C_MessageSignFinal = &entry::C_MessageSignFinal,
    .C_MessageVerifyInit = &entry::C_MessageVerifyInit,
    .C_VerifyMessage = &entry::C_VerifyMessage,
    .C_VerifyMessageBegin = &entry::C_VerifyMessageBegin,
    .C_VerifyMessageNext = &entry::C_VerifyMessageNext,
    .C_MessageVerifyFinal = &entry::C_MessageVerifyFinal,
};

char g_interfaceName[] = "PKCS 11";  // CK_INTERFACE.pInterfaceName is char* in this header

// Newest first: C_GetInterface(NULL, NULL, ...) gives the 3.0 list. No CKF_INTERFACE_FORK_SAFE: a PC/SC
// context cannot be shared across fork.
CK_INTERFACE g_interfaces[] = {
    {g_interfaceName, &g_list30, 0},
    {g_interfaceName, &g_list240, 0},
};
constexpr CK_ULONG kInterfaceCount = sizeof g_interfaces / sizeof g_interfaces[0];

CK_VERSION versionOf(const CK_INTERFACE& i) { return *static_cast<const CK_VERSION*>(i.pFunctionList); }

}  // namespace

CK_FUNCTION_LIST* functionList240() { return &g_list240; }
CK_FUNCTION_LIST_3_0* functionList30() { return &g_list30; }

CK_RV getInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count) {
    if (!count) return CKR_ARGUMENTS_BAD;
    if (!list) {
        *count = kInterfaceCount;
        return CKR_OK;
    }
    if (*count < kInterfaceCount) {
        *count = kInterfaceCount;
        return CKR_BUFFER_TOO_SMALL;
    }
    for (CK_ULONG i = 0; i < kInterfaceCount; ++i) list[i] = g_interfaces[i];
    *count = kInterfaceCount;
    return CKR_OK;
}

CK_RV getInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR iface, CK_FLAGS flags) {
    if (!iface) return CKR_ARGUMENTS_BAD;
    for (CK_INTERFACE& i : g_interfaces) {
        if (name && std::strcmp(reinterpret_cast<const char*>(name), i.pInterfaceName) != 0) continue;
        CK_VERSION v = versionOf(i);
        if (version && (version->major != v.major || version->minor != v.minor)) continue;
        if ((i.flags & flags) != flags) continue;
        *iface = &i;
        return CKR_OK;
    }
    return CKR_ARGUMENTS_BAD;  // the spec names no code for "no such interface"; OpenSC uses this one
}

}  // namespace p11
