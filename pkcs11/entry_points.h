// The module's entry points (C++ linkage, hidden): what the function lists point to. Only exports.cpp
// gives three of them C names in the shared library's dynamic symbol table.
#pragma once

#include "pkcs11/p11_header.h"

namespace p11::entry {

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);
CK_RV C_GetInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count);
CK_RV C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR iface, CK_FLAGS flags);
using H = CK_SESSION_HANDLE;
using O = CK_OBJECT_HANDLE;
using B = CK_BYTE_PTR;
using L = CK_ULONG;
using LP = CK_ULONG_PTR;
using MP = CK_MECHANISM_PTR;
using AP = CK_ATTRIBUTE_PTR;
using VP = CK_VOID_PTR;
CK_RV C_Initialize(VP);
CK_RV C_Finalize(VP);
CK_RV C_GetInfo(CK_INFO_PTR);
CK_RV C_GetSlotList(CK_BBOOL, CK_SLOT_ID_PTR, LP);
CK_RV C_GetSlotInfo(CK_SLOT_ID, CK_SLOT_INFO_PTR);
CK_RV C_GetTokenInfo(CK_SLOT_ID, CK_TOKEN_INFO_PTR);
CK_RV C_GetMechanismList(CK_SLOT_ID, CK_MECHANISM_TYPE_PTR, LP);
CK_RV C_GetMechanismInfo(CK_SLOT_ID, CK_MECHANISM_TYPE, CK_MECHANISM_INFO_PTR);
CK_RV C_InitToken(CK_SLOT_ID, CK_UTF8CHAR_PTR, L, CK_UTF8CHAR_PTR);
CK_RV C_InitPIN(H, CK_UTF8CHAR_PTR, L);
CK_RV C_SetPIN(H, CK_UTF8CHAR_PTR, L, CK_UTF8CHAR_PTR, L);
CK_RV C_OpenSession(CK_SLOT_ID, CK_FLAGS, VP, CK_NOTIFY, CK_SESSION_HANDLE_PTR);
CK_RV C_CloseSession(H);
CK_RV C_CloseAllSessions(CK_SLOT_ID);
CK_RV C_GetSessionInfo(H, CK_SESSION_INFO_PTR);
CK_RV C_GetOperationState(H, B, LP);
CK_RV C_SetOperationState(H, B, L, O, O);
CK_RV C_Login(H, CK_USER_TYPE, CK_UTF8CHAR_PTR, L);
CK_RV C_Logout(H);
CK_RV C_CreateObject(H, AP, L, CK_OBJECT_HANDLE_PTR);
CK_RV C_CopyObject(H, O, AP, L, CK_OBJECT_HANDLE_PTR);
CK_RV C_DestroyObject(H, O);
CK_RV C_GetObjectSize(H, O, LP);
CK_RV C_GetAttributeValue(H, O, AP, L);
CK_RV C_SetAttributeValue(H, O, AP, L);
CK_RV C_FindObjectsInit(H, AP, L);
CK_RV C_FindObjects(H, CK_OBJECT_HANDLE_PTR, L, LP);
CK_RV C_FindObjectsFinal(H);
CK_RV C_EncryptInit(H, MP, O);
CK_RV C_Encrypt(H, B, L, B, LP);
CK_RV C_EncryptUpdate(H, B, L, B, LP);
CK_RV C_EncryptFinal(H, B, LP);
CK_RV C_DecryptInit(H, MP, O);
CK_RV C_Decrypt(H, B, L, B, LP);
CK_RV C_DecryptUpdate(H, B, L, B, LP);
CK_RV C_DecryptFinal(H, B, LP);
CK_RV C_DigestInit(H, MP);
CK_RV C_Digest(H, B, L, B, LP);
CK_RV C_DigestUpdate(H, B, L);
CK_RV C_DigestKey(H, O);
CK_RV C_DigestFinal(H, B, LP);
CK_RV C_SignInit(H, MP, O);
CK_RV C_Sign(H, B, L, B, LP);
CK_RV C_SignUpdate(H, B, L);
CK_RV C_SignFinal(H, B, LP);
CK_RV C_SignRecoverInit(H, MP, O);
CK_RV C_SignRecover(H, B, L, B, LP);
CK_RV C_VerifyInit(H, MP, O);
CK_RV C_Verify(H, B, L, B, L);
CK_RV C_VerifyUpdate(H, B, L);
CK_RV C_VerifyFinal(H, B, L);
CK_RV C_VerifyRecoverInit(H, MP, O);
CK_RV C_VerifyRecover(H, B, L, B, LP);
CK_RV C_DigestEncryptUpdate(H, B, L, B, LP);
CK_RV C_DecryptDigestUpdate(H, B, L, B, LP);
CK_RV C_SignEncryptUpdate(H, B, L, B, LP);
CK_RV C_DecryptVerifyUpdate(H, B, L, B, LP);
CK_RV C_GenerateKey(H, MP, AP, L, CK_OBJECT_HANDLE_PTR);
CK_RV C_GenerateKeyPair(H, MP, AP, L, AP, L, CK_OBJECT_HANDLE_PTR, CK_OBJECT_HANDLE_PTR);
CK_RV C_WrapKey(H, MP, O, O, B, LP);
CK_RV C_UnwrapKey(H, MP, O, B, L, AP, L, CK_OBJECT_HANDLE_PTR);
CK_RV C_DeriveKey(H, MP, O, AP, L, CK_OBJECT_HANDLE_PTR);
CK_RV C_SeedRandom(H, B, L);
CK_RV C_GenerateRandom(H, B, L);
CK_RV C_GetFunctionStatus(H);
CK_RV C_CancelFunction(H);
CK_RV C_WaitForSlotEvent(CK_FLAGS, CK_SLOT_ID_PTR, VP);
CK_RV C_LoginUser(H, CK_USER_TYPE, CK_UTF8CHAR_PTR, L, CK_UTF8CHAR_PTR, L);
CK_RV C_SessionCancel(H, CK_FLAGS);
CK_RV C_MessageEncryptInit(H, MP, O);
CK_RV C_EncryptMessage(H, VP, L, B, L, B, L, B, LP);
CK_RV C_EncryptMessageBegin(H, VP, L, B, L);
CK_RV C_EncryptMessageNext(H, VP, L, B, L, B, LP, CK_FLAGS);
CK_RV C_MessageEncryptFinal(H);
CK_RV C_MessageDecryptInit(H, MP, O);
CK_RV C_DecryptMessage(H, VP, L, B, L, B, L, B, LP);
CK_RV C_DecryptMessageBegin(H, VP, L, B, L);
CK_RV C_DecryptMessageNext(H, VP, L, B, L, B, LP, CK_FLAGS);
CK_RV C_MessageDecryptFinal(H);
CK_RV C_MessageSignInit(H, MP, O);
CK_RV C_SignMessage(H, VP, L, B, L, B, LP);
CK_RV C_SignMessageBegin(H, VP, L);
CK_RV C_SignMessageNext(H, VP, L, B, L, B, LP);
CK_RV C_MessageSignFinal(H);
CK_RV C_MessageVerifyInit(H, MP, O);
CK_RV C_VerifyMessage(H, VP, L, B, L, B, L);
CK_RV C_VerifyMessageBegin(H, VP, L);
CK_RV C_VerifyMessageNext(H, VP, L, B, L, B, L);
CK_RV C_MessageVerifyFinal(H);
// C_GetInfo of the 3.0 list: reports cryptokiVersion 3.0 (the 2.40 list's reports 2.40).
CK_RV C_GetInfo30(CK_INFO_PTR);

}  // namespace p11::entry

namespace p11 {

// The two function lists (static, owned by the module) and the interface table.
CK_FUNCTION_LIST* functionList240();
CK_FUNCTION_LIST_3_0* functionList30();
CK_RV getInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count);
CK_RV getInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR iface, CK_FLAGS flags);

}  // namespace p11
