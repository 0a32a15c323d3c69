// Capability profiles: the facts about a module that decide what the suite may expect of it.
//
// Two mechanisms keep the suite honest:
//  * tests that do not apply to a module are excluded from its run by the gtest filter that CMakeLists.txt
//    attaches to the profile; such a test calls requireFact() first, so if the filter is ever lost the test
//    FAILS ("not applicable to profile ...") instead of passing silently;
//  * where the spec leaves a choice (fork, single-part update), the expected code is a fact of the profile.
#pragma once

#include <string>

#include "p11.h"

namespace p11test {

struct Profile {
    std::string name;
    // Exports C_GetInterfaceList/C_GetInterface (PKCS#11 3.0). Filter: InterfaceTest.*
    bool v3Interfaces = false;
    // The suite may generate its own key pairs (RSA-2048, P-256) with C_GenerateKeyPair after a user login.
    // False: the keys must already be on the token. Filter: KeyGenTest.*
    bool userKeyGeneration = false;
    // CKM_ECDSA_SHA256 is offered. Filter: SignTest.EcdsaSha256*
    bool ecdsaSha256 = false;
    // OAEP decryption accepts a non-empty label (CKZ_DATA_SPECIFIED). Filter: DecryptTest.OaepWithLabel
    bool oaepLabel = false;
    // OAEP with SHA-256/MGF1-SHA-256 (SoftHSM: SHA-1 only). Filter: DecryptTest.OaepSha256*
    bool oaepSha256 = false;
    // A fork()ed child calling into the parent's initialised library gets this code (spec: undefined;
    // specs/pkcs11.md §2 asks for CKR_CRYPTOKI_NOT_INITIALIZED).
    CK_RV forkChildCall = CKR_CRYPTOKI_NOT_INITIALIZED;
    // ... and this one from its own C_Initialize(NULL).
    CK_RV forkChildInitialize = CKR_OK;
    // Who may create token data objects (CKO_DATA), and what C_CreateObject of a public one answers in a R/W
    // session nobody logged in to (SoftHSM: anyone may; a PIV card: only the management-key holder).
    CK_USER_TYPE dataObjectWriter = CKU_USER;
    CK_RV dataObjectCreateNotLoggedIn = CKR_OK;
    // The token lists a PIV card's data objects (CHUID ...) with fixed labels. Filter: DataObjectTest.Piv*
    bool pivDataObjects = false;
    // Private keys list their mechanisms in CKA_ALLOWED_MECHANISMS (SoftHSM leaves it empty: unrestricted).
    // Filter: KeyAttributeTest.AllowedMechanisms*
    bool allowedMechanismsListed = false;
    // Objects carry the 3.0 CKA_UNIQUE_ID (SoftHSM 2.6: 2.40 only). Filter: KeyAttributeTest.UniqueIds*
    bool uniqueId = false;
    // C_SignUpdate after C_SignInit(CKM_RSA_PKCS), a single-part-only mechanism (spec names no code, §8).
    CK_RV singlePartSignUpdate = CKR_OPERATION_NOT_INITIALIZED;
};

// The profile named by --p11-profile / MESIGN_P11_PROFILE; an unknown or empty name is a setup error
// reported by the environment in main (see p11_environment.cpp).
const Profile* findProfile(const std::string& name);
const Profile& profile();

}  // namespace p11test

// First statement of a test that the profile filter should have excluded for modules lacking `fact`.
#define REQUIRE_PROFILE_FACT(fact)                                                                           \
    do {                                                                                                     \
        if (!::p11test::profile().fact)                                                                      \
            FAIL() << "test not applicable to profile '" << ::p11test::profile().name                        \
                   << "' (" #fact                                                                            \
                      " is false): exclude it in that profile's filter in tests/conformance/CMakeLists.txt"; \
    } while (0)
