// The CARD_DATA function table, filled according to the negotiated version. Entry points we do not
// implement yet exist and return SCARD_E_UNSUPPORTED_FEATURE (the spec forbids NULL for most).
#include "minidriver/md_functions.h"

namespace md {
namespace {

template <typename F>
struct Unsupported;
template <typename... A>
struct Unsupported<DWORD(WINAPI*)(A...)> {
    static DWORD WINAPI fn(A...) { return code(SCARD_E_UNSUPPORTED_FEATURE); }
};
template <typename F>
constexpr F unsupported() {
    return &Unsupported<F>::fn;
}

}  // namespace

void fillFunctionTable(PCARD_DATA d, DWORD version) {
    d->pfnCardQueryCapabilities = cardQueryCapabilities;
    d->pfnCardDeleteContainer = cardDeleteContainer;
    d->pfnCardCreateContainer = cardCreateContainer;
    d->pfnCardGetContainerInfo = cardGetContainerInfo;
    d->pfnCardAuthenticatePin = cardAuthenticatePin;
    d->pfnCardGetChallenge = cardGetChallenge;
    d->pfnCardAuthenticateChallenge = cardAuthenticateChallenge;
    d->pfnCardUnblockPin = cardUnblockPin;
    d->pfnCardChangeAuthenticator = cardChangeAuthenticator;
    d->pfnCardDeauthenticate = cardDeauthenticate;
    d->pfnCardCreateDirectory = unsupported<PFN_CARD_CREATE_DIRECTORY>();
    d->pfnCardDeleteDirectory = unsupported<PFN_CARD_DELETE_DIRECTORY>();
    d->pvUnused3 = nullptr;
    d->pvUnused4 = nullptr;
    d->pfnCardCreateFile = cardCreateFile;
    d->pfnCardReadFile = cardReadFile;
    d->pfnCardWriteFile = cardWriteFile;
    d->pfnCardDeleteFile = cardDeleteFile;
    d->pfnCardEnumFiles = cardEnumFiles;
    d->pfnCardGetFileInfo = cardGetFileInfo;
    d->pfnCardQueryFreeSpace = cardQueryFreeSpace;
    d->pfnCardQueryKeySizes = cardQueryKeySizes;
    d->pfnCardSignData = cardSignData;
    d->pfnCardRSADecrypt = cardRsaDecrypt;
    d->pfnCardConstructDHAgreement = cardConstructDhAgreement;
    if (version >= CARD_DATA_VERSION_FIVE) {
        d->pfnCardDeriveKey = cardDeriveKey;
        d->pfnCardDestroyDHAgreement = cardDestroyDhAgreement;
        // pfnCspGetDHAgreement belongs to the CSP: left untouched.
    }
    if (version >= CARD_DATA_VERSION_SIX) {
        d->pfnCardGetChallengeEx = cardGetChallengeEx;
        d->pfnCardAuthenticateEx = cardAuthenticateEx;
        d->pfnCardChangeAuthenticatorEx = cardChangeAuthenticatorEx;
        d->pfnCardDeauthenticateEx = cardDeauthenticateEx;
        d->pfnCardGetContainerProperty = cardGetContainerProperty;
        d->pfnCardSetContainerProperty = unsupported<PFN_CARD_SET_CONTAINER_PROPERTY>();
        d->pfnCardGetProperty = cardGetProperty;
        d->pfnCardSetProperty = cardSetProperty;
    }
    if (version >= CARD_DATA_VERSION_SEVEN) {
        // pfnCspUnpadData belongs to the CSP: left untouched.
        d->pfnMDImportSessionKey = unsupported<PFN_MD_IMPORT_SESSION_KEY>();
        d->pfnMDEncryptData = unsupported<PFN_MD_ENCRYPT_DATA>();
        d->pfnCardImportSessionKey = unsupported<PFN_CARD_IMPORT_SESSION_KEY>();
        d->pfnCardGetSharedKeyHandle = unsupported<PFN_CARD_GET_SHARED_KEY_HANDLE>();
        d->pfnCardGetAlgorithmProperty = unsupported<PFN_CARD_GET_ALGORITHM_PROPERTY>();
        d->pfnCardGetKeyProperty = unsupported<PFN_CARD_GET_KEY_PROPERTY>();
        d->pfnCardSetKeyProperty = unsupported<PFN_CARD_SET_KEY_PROPERTY>();
        d->pfnCardDestroyKey = unsupported<PFN_CARD_DESTROY_KEY>();
        d->pfnCardProcessEncryptedData = unsupported<PFN_CARD_PROCESS_ENCRYPTED_DATA>();
        d->pfnCardCreateContainerEx = cardCreateContainerEx;
    }
}

}  // namespace md
