// Every entry point: one line through the guard (guard.h). Nothing else belongs here.
#include "pkcs11/entry_points.h"

#include "pkcs11/api.h"
#include "pkcs11/global_state.h"
#include "pkcs11/guard.h"

namespace p11::entry {
namespace {

CK_RV notSupported(const char* fn) { return guard(fn, [](Module&) { return CKR_FUNCTION_NOT_SUPPORTED; }); }

}  // namespace

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR p) { return guardNoInit("C_GetFunctionList", [&] { return p ? (*p = functionList240(), CKR_OK) : CKR_ARGUMENTS_BAD; }); }
CK_RV C_GetInterfaceList(CK_INTERFACE_PTR l, LP n) { return guardNoInit("C_GetInterfaceList", [&] { return getInterfaceList(l, n); }); }
CK_RV C_GetInterface(CK_UTF8CHAR_PTR nm, CK_VERSION_PTR v, CK_INTERFACE_PTR_PTR i, CK_FLAGS f) { return guardNoInit("C_GetInterface", [&] { return getInterface(nm, v, i, f); }); }
CK_RV C_Initialize(VP a) { return guardNoInit("C_Initialize", [&] { return initializeModule(a); }); }
CK_RV C_Finalize(VP r) { return guardNoInit("C_Finalize", [&] { return finalizeModule(r); }); }
CK_RV C_GetInfo(CK_INFO_PTR i) { return guard("C_GetInfo", [&](Module&) { return getInfo(i, kVersion240); }); }
CK_RV C_GetInfo30(CK_INFO_PTR i) { return guard("C_GetInfo", [&](Module&) { return getInfo(i, kVersion30); }); }
CK_RV C_GetSlotList(CK_BBOOL t, CK_SLOT_ID_PTR l, LP n) { return guard("C_GetSlotList", [&](Module& m) { return getSlotList(m, t, l, n); }); }
CK_RV C_GetSlotInfo(CK_SLOT_ID s, CK_SLOT_INFO_PTR i) { return guard("C_GetSlotInfo", [&](Module& m) { return getSlotInfo(m, s, i); }); }
CK_RV C_GetTokenInfo(CK_SLOT_ID s, CK_TOKEN_INFO_PTR i) { return guard("C_GetTokenInfo", [&](Module& m) { return getTokenInfo(m, s, i); }); }
CK_RV C_WaitForSlotEvent(CK_FLAGS f, CK_SLOT_ID_PTR s, VP r) { return guard("C_WaitForSlotEvent", [&](Module& m) { return waitForSlotEvent(m, f, s, r); }); }
CK_RV C_GetMechanismList(CK_SLOT_ID s, CK_MECHANISM_TYPE_PTR l, LP n) { return guard("C_GetMechanismList", [&](Module& m) { return getMechanismList(m, s, l, n); }); }
CK_RV C_GetMechanismInfo(CK_SLOT_ID s, CK_MECHANISM_TYPE t, CK_MECHANISM_INFO_PTR i) { return guard("C_GetMechanismInfo", [&](Module& m) { return getMechanismInfo(m, s, t, i); }); }
CK_RV C_InitToken(CK_SLOT_ID, CK_UTF8CHAR_PTR, L, CK_UTF8CHAR_PTR) { return notSupported("C_InitToken"); }
CK_RV C_InitPIN(H h, CK_UTF8CHAR_PTR p, L n) { return guard("C_InitPIN", [&](Module& m) { return initPin(m, h, p, n); }); }
CK_RV C_SetPIN(H h, CK_UTF8CHAR_PTR o, L on, CK_UTF8CHAR_PTR n, L nn) { return guard("C_SetPIN", [&](Module& m) { return setPin(m, h, o, on, n, nn); }); }
CK_RV C_OpenSession(CK_SLOT_ID s, CK_FLAGS f, VP, CK_NOTIFY, CK_SESSION_HANDLE_PTR h) { return guard("C_OpenSession", [&](Module& m) { return openSession(m, s, f, h); }); }
CK_RV C_CloseSession(H h) { return guard("C_CloseSession", [&](Module& m) { return closeSession(m, h); }); }
CK_RV C_CloseAllSessions(CK_SLOT_ID s) { return guard("C_CloseAllSessions", [&](Module& m) { return closeAllSessions(m, s); }); }
CK_RV C_GetSessionInfo(H h, CK_SESSION_INFO_PTR i) { return guard("C_GetSessionInfo", [&](Module& m) { return getSessionInfo(m, h, i); }); }
CK_RV C_GetOperationState(H, B, LP) { return notSupported("C_GetOperationState"); }
CK_RV C_SetOperationState(H, B, L, O, O) { return notSupported("C_SetOperationState"); }
CK_RV C_Login(H h, CK_USER_TYPE u, CK_UTF8CHAR_PTR p, L n) { return guard("C_Login", [&](Module& m) { return login(m, h, u, p, n); }); }
CK_RV C_Logout(H h) { return guard("C_Logout", [&](Module& m) { return logout(m, h); }); }
CK_RV C_CreateObject(H h, AP t, L n, CK_OBJECT_HANDLE_PTR o) { return guard("C_CreateObject", [&](Module& m) { return createObject(m, h, t, n, o); }); }
CK_RV C_CopyObject(H, O, AP, L, CK_OBJECT_HANDLE_PTR) { return notSupported("C_CopyObject"); }
CK_RV C_DestroyObject(H h, O o) { return guard("C_DestroyObject", [&](Module& m) { return destroyObject(m, h, o); }); }
CK_RV C_GetObjectSize(H h, O o, LP n) { return guard("C_GetObjectSize", [&](Module& m) { return getObjectSize(m, h, o, n); }); }
CK_RV C_GetAttributeValue(H h, O o, AP t, L n) { return guard("C_GetAttributeValue", [&](Module& m) { return getAttributeValue(m, h, o, t, n); }); }
CK_RV C_SetAttributeValue(H h, O o, AP t, L n) { return guard("C_SetAttributeValue", [&](Module& m) { return setAttributeValue(m, h, o, t, n); }); }
CK_RV C_FindObjectsInit(H h, AP t, L n) { return guard("C_FindObjectsInit", [&](Module& m) { return findObjectsInit(m, h, t, n); }); }
CK_RV C_FindObjects(H h, CK_OBJECT_HANDLE_PTR o, L mx, LP n) { return guard("C_FindObjects", [&](Module& m) { return findObjects(m, h, o, mx, n); }); }
CK_RV C_FindObjectsFinal(H h) { return guard("C_FindObjectsFinal", [&](Module& m) { return findObjectsFinal(m, h); }); }
CK_RV C_EncryptInit(H, MP, O) { return notSupported("C_EncryptInit"); }
CK_RV C_Encrypt(H, B, L, B, LP) { return notSupported("C_Encrypt"); }
CK_RV C_EncryptUpdate(H, B, L, B, LP) { return notSupported("C_EncryptUpdate"); }
CK_RV C_EncryptFinal(H, B, LP) { return notSupported("C_EncryptFinal"); }
CK_RV C_DecryptInit(H h, MP mc, O k) { return guard("C_DecryptInit", [&](Module& m) { return decryptInit(m, h, mc, k); }); }
CK_RV C_Decrypt(H h, B i, L il, B o, LP ol) { return guard("C_Decrypt", [&](Module& m) { return decrypt(m, h, i, il, o, ol); }); }
CK_RV C_DecryptUpdate(H h, B i, L il, B o, LP ol) { return guard("C_DecryptUpdate", [&](Module& m) { return decryptUpdate(m, h, i, il, o, ol); }); }
CK_RV C_DecryptFinal(H h, B o, LP ol) { return guard("C_DecryptFinal", [&](Module& m) { return decryptFinal(m, h, o, ol); }); }
CK_RV C_DigestInit(H, MP) { return notSupported("C_DigestInit"); }
CK_RV C_Digest(H, B, L, B, LP) { return notSupported("C_Digest"); }
CK_RV C_DigestUpdate(H, B, L) { return notSupported("C_DigestUpdate"); }
CK_RV C_DigestKey(H, O) { return notSupported("C_DigestKey"); }
CK_RV C_DigestFinal(H, B, LP) { return notSupported("C_DigestFinal"); }
CK_RV C_SignInit(H h, MP mc, O k) { return guard("C_SignInit", [&](Module& m) { return signInit(m, h, mc, k); }); }
CK_RV C_Sign(H h, B d, L dl, B s, LP sl) { return guard("C_Sign", [&](Module& m) { return sign(m, h, d, dl, s, sl); }); }
CK_RV C_SignUpdate(H h, B d, L dl) { return guard("C_SignUpdate", [&](Module& m) { return signUpdate(m, h, d, dl); }); }
CK_RV C_SignFinal(H h, B s, LP sl) { return guard("C_SignFinal", [&](Module& m) { return signFinal(m, h, s, sl); }); }
CK_RV C_SignRecoverInit(H, MP, O) { return notSupported("C_SignRecoverInit"); }
CK_RV C_SignRecover(H, B, L, B, LP) { return notSupported("C_SignRecover"); }
CK_RV C_VerifyInit(H, MP, O) { return notSupported("C_VerifyInit"); }
CK_RV C_Verify(H, B, L, B, L) { return notSupported("C_Verify"); }
CK_RV C_VerifyUpdate(H, B, L) { return notSupported("C_VerifyUpdate"); }
CK_RV C_VerifyFinal(H, B, L) { return notSupported("C_VerifyFinal"); }
CK_RV C_VerifyRecoverInit(H, MP, O) { return notSupported("C_VerifyRecoverInit"); }
CK_RV C_VerifyRecover(H, B, L, B, LP) { return notSupported("C_VerifyRecover"); }
CK_RV C_DigestEncryptUpdate(H, B, L, B, LP) { return notSupported("C_DigestEncryptUpdate"); }
CK_RV C_DecryptDigestUpdate(H, B, L, B, LP) { return notSupported("C_DecryptDigestUpdate"); }
CK_RV C_SignEncryptUpdate(H, B, L, B, LP) { return notSupported("C_SignEncryptUpdate"); }
CK_RV C_DecryptVerifyUpdate(H, B, L, B, LP) { return notSupported("C_DecryptVerifyUpdate"); }
CK_RV C_GenerateKey(H, MP, AP, L, CK_OBJECT_HANDLE_PTR) { return notSupported("C_GenerateKey"); }
CK_RV C_GenerateKeyPair(H h, MP mc, AP pt, L pn, AP kt, L kn, CK_OBJECT_HANDLE_PTR po, CK_OBJECT_HANDLE_PTR ko) { return guard("C_GenerateKeyPair", [&](Module& m) { return generateKeyPair(m, h, mc, pt, pn, kt, kn, po, ko); }); }
CK_RV C_WrapKey(H, MP, O, O, B, LP) { return notSupported("C_WrapKey"); }
CK_RV C_UnwrapKey(H, MP, O, B, L, AP, L, CK_OBJECT_HANDLE_PTR) { return notSupported("C_UnwrapKey"); }
CK_RV C_DeriveKey(H h, MP mc, O b, AP t, L n, CK_OBJECT_HANDLE_PTR k) { return guard("C_DeriveKey", [&](Module& m) { return deriveKey(m, h, mc, b, t, n, k); }); }
CK_RV C_SeedRandom(H h, B s, L n) { return guard("C_SeedRandom", [&](Module& m) { return seedRandom(m, h, s, n); }); }
CK_RV C_GenerateRandom(H h, B o, L n) { return guard("C_GenerateRandom", [&](Module& m) { return generateRandom(m, h, o, n); }); }
CK_RV C_GetFunctionStatus(H) { return guard("C_GetFunctionStatus", [](Module&) { return CKR_FUNCTION_NOT_PARALLEL; }); }
CK_RV C_CancelFunction(H) { return guard("C_CancelFunction", [](Module&) { return CKR_FUNCTION_NOT_PARALLEL; }); }
CK_RV C_LoginUser(H h, CK_USER_TYPE u, CK_UTF8CHAR_PTR p, L n, CK_UTF8CHAR_PTR un, L unl) { return guard("C_LoginUser", [&](Module& m) { return loginUser(m, h, u, p, n, un, unl); }); }
CK_RV C_SessionCancel(H h, CK_FLAGS f) { return guard("C_SessionCancel", [&](Module& m) { return sessionCancel(m, h, f); }); }
CK_RV C_MessageEncryptInit(H, MP, O) { return notSupported("C_MessageEncryptInit"); }
CK_RV C_EncryptMessage(H, VP, L, B, L, B, L, B, LP) { return notSupported("C_EncryptMessage"); }
CK_RV C_EncryptMessageBegin(H, VP, L, B, L) { return notSupported("C_EncryptMessageBegin"); }
CK_RV C_EncryptMessageNext(H, VP, L, B, L, B, LP, CK_FLAGS) { return notSupported("C_EncryptMessageNext"); }
CK_RV C_MessageEncryptFinal(H) { return notSupported("C_MessageEncryptFinal"); }
CK_RV C_MessageDecryptInit(H, MP, O) { return notSupported("C_MessageDecryptInit"); }
CK_RV C_DecryptMessage(H, VP, L, B, L, B, L, B, LP) { return notSupported("C_DecryptMessage"); }
CK_RV C_DecryptMessageBegin(H, VP, L, B, L) { return notSupported("C_DecryptMessageBegin"); }
CK_RV C_DecryptMessageNext(H, VP, L, B, L, B, LP, CK_FLAGS) { return notSupported("C_DecryptMessageNext"); }
CK_RV C_MessageDecryptFinal(H) { return notSupported("C_MessageDecryptFinal"); }
CK_RV C_MessageSignInit(H, MP, O) { return notSupported("C_MessageSignInit"); }
CK_RV C_SignMessage(H, VP, L, B, L, B, LP) { return notSupported("C_SignMessage"); }
CK_RV C_SignMessageBegin(H, VP, L) { return notSupported("C_SignMessageBegin"); }
CK_RV C_SignMessageNext(H, VP, L, B, L, B, LP) { return notSupported("C_SignMessageNext"); }
CK_RV C_MessageSignFinal(H) { return notSupported("C_MessageSignFinal"); }
CK_RV C_MessageVerifyInit(H, MP, O) { return notSupported("C_MessageVerifyInit"); }
CK_RV C_VerifyMessage(H, VP, L, B, L, B, L) { return notSupported("C_VerifyMessage"); }
CK_RV C_VerifyMessageBegin(H, VP, L) { return notSupported("C_VerifyMessageBegin"); }
CK_RV C_VerifyMessageNext(H, VP, L, B, L, B, L) { return notSupported("C_VerifyMessageNext"); }
CK_RV C_MessageVerifyFinal(H) { return notSupported("C_MessageVerifyFinal"); }

}  // namespace p11::entry
