// The implementations behind the entry points, grouped by file. Each takes the live Module and the
// raw C arguments, validates them and returns the CK_RV. Only the guard calls these.
#pragma once

#include <span>
#include <vector>

#include "pkcs11/module.h"
#include "pkcs11/p11_header.h"

namespace p11 {

// slot_api.cpp
CK_RV getInfo(CK_INFO_PTR info, CK_VERSION cryptokiVersion);
CK_RV getSlotList(Module& m, CK_BBOOL tokenPresent, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
CK_RV getSlotInfo(Module& m, CK_SLOT_ID slot, CK_SLOT_INFO_PTR info);
CK_RV getTokenInfo(Module& m, CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info);
CK_RV waitForSlotEvent(Module& m, CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved);
CK_RV getMechanismList(Module& m, CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
CK_RV getMechanismInfo(Module& m, CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);

// session_api.cpp
CK_RV openSession(Module& m, CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out);
CK_RV closeSession(Module& m, CK_SESSION_HANDLE h);
CK_RV closeAllSessions(Module& m, CK_SLOT_ID slot);
CK_RV getSessionInfo(Module& m, CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info);
CK_RV sessionCancel(Module& m, CK_SESSION_HANDLE h, CK_FLAGS flags);

// login_api.cpp
CK_RV login(Module& m, CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len);
CK_RV loginUser(Module& m, CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len,
                CK_UTF8CHAR_PTR user, CK_ULONG userLen);
CK_RV logout(Module& m, CK_SESSION_HANDLE h);
CK_RV initPin(Module& m, CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len);
CK_RV setPin(Module& m, CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR oldPin, CK_ULONG oldLen, CK_UTF8CHAR_PTR newPin,
             CK_ULONG newLen);

// object_api.cpp / find_api.cpp
CK_RV getAttributeValue(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n);
CK_RV setAttributeValue(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n);
CK_RV getObjectSize(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ULONG_PTR size);
CK_RV destroyObject(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o);
CK_RV findObjectsInit(Module& m, CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n);
CK_RV findObjects(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count);
CK_RV findObjectsFinal(Module& m, CK_SESSION_HANDLE h);

// sign_api.cpp
CK_RV signInit(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key);
CK_RV sign(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen);
CK_RV signUpdate(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len);
CK_RV signFinal(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen);

// decrypt_api.cpp
CK_RV decryptInit(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key);
CK_RV decrypt(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out,
              CK_ULONG_PTR outLen);
CK_RV decryptUpdate(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out,
                    CK_ULONG_PTR outLen);
CK_RV decryptFinal(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen);

// card_write_api.cpp
CK_RV generateKeyPair(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_ATTRIBUTE_PTR pubT, CK_ULONG pubN,
                      CK_ATTRIBUTE_PTR privT, CK_ULONG privN, CK_OBJECT_HANDLE_PTR pubOut,
                      CK_OBJECT_HANDLE_PTR privOut);
CK_RV createObject(Module& m, CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
CK_RV destroyCertificate(Module& m, Session& s, CK_OBJECT_HANDLE o);
CK_RV destroyDataObject(Module& m, Session& s, CK_OBJECT_HANDLE o);
// The SO with the management key / PW3 in a R/W session, else CKR_SESSION_READ_ONLY / CKR_USER_NOT_LOGGED_IN.
CK_RV requireAdmin(Session& s);
// CKA_ID from either template (they must agree) → the key slot; no CKA_ID → the first free slot.
CK_RV chooseSlot(token::AppKind app, std::span<CK_ATTRIBUTE> pub, std::span<CK_ATTRIBUTE> priv,
                 const std::vector<token::KeyObject>& present, uint8_t& ref);

// key_import_api.cpp: C_CreateObject(CKO_PRIVATE_KEY), RSA with its CRT values or EC P-256/P-384.
CK_RV createPrivateKey(Module& m, Session& s, std::span<CK_ATTRIBUTE> t, CK_OBJECT_HANDLE_PTR out);

// derive_api.cpp
CK_RV deriveKey(Module& m, CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE base,
                CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
CK_RV generateRandom(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len);
CK_RV seedRandom(Module& m, CK_SESSION_HANDLE h, CK_BYTE_PTR seed, CK_ULONG len);

}  // namespace p11
