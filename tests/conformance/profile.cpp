#include "profile.h"

#include "config.h"

namespace p11test {

namespace {

Profile softhsm() {
    Profile p;
    p.name = "softhsm";
    p.v3Interfaces = false;  // 2.6.1 exports only C_GetFunctionList
    p.userKeyGeneration = true;
    p.ecdsaSha256 = false;  // CKR_MECHANISM_INVALID: SoftHSM hashes only for RSA
    p.oaepLabel = false;    // SHA-1 + label: C_DecryptInit OK, C_Decrypt CKR_GENERAL_ERROR (label ignored)
    p.oaepSha256 = false;   // C_DecryptInit: CKR_ARGUMENTS_BAD; OAEP is SHA-1/MGF1-SHA-1 only
    // library.reset_on_fork=false (Debian default): the child keeps using the parent's state.
    p.forkChildCall = CKR_OK;
    p.forkChildInitialize = CKR_CRYPTOKI_ALREADY_INITIALIZED;
    p.singlePartSignUpdate = CKR_OPERATION_NOT_INITIALIZED;
    p.dataObjectWriter = CKU_USER;
    p.dataObjectCreateNotLoggedIn = CKR_OK;  // public token objects need no login
    return p;
}

// libmesign-pkcs11.so as designed in specs/pkcs11.md (PIV card behind pcscd; keys provisioned on the card).
Profile mesign() {
    Profile p;
    p.name = "mesign";
    p.v3Interfaces = true;
    p.userKeyGeneration = false;  // on-card generation into fixed PIV slots needs SO (management key) auth
    p.ecdsaSha256 = true;
    p.oaepLabel = true;
    p.oaepSha256 = true;
    p.forkChildCall = CKR_CRYPTOKI_NOT_INITIALIZED;  // pid check at every entry point (§2)
    p.forkChildInitialize = CKR_OK;
    p.singlePartSignUpdate = CKR_OPERATION_NOT_INITIALIZED;  // same choice as SoftHSM; confirm with pkcs11/
    p.dataObjectWriter = CKU_SO;  // PUT DATA needs the management key (MESIGN_P11_DATA_PIN)
    p.dataObjectCreateNotLoggedIn = CKR_USER_NOT_LOGGED_IN;
    p.pivDataObjects = true;
    p.allowedMechanismsListed = true;
    p.uniqueId = true;
    return p;
}

}  // namespace

const Profile* findProfile(const std::string& name) {
    static const Profile kSofthsm = softhsm();
    static const Profile kMesign = mesign();
    if (name == kSofthsm.name) return &kSofthsm;
    if (name == kMesign.name) return &kMesign;
    return nullptr;
}

const Profile& profile() {
    // The environment refuses to start without a valid profile, so this cannot be null inside a test.
    return *findProfile(config().profileName);
}

}  // namespace p11test
