// PKCS#11 3.0 key and storage attributes: CKA_ALLOWED_MECHANISMS (what a key may be used with) and
// CKA_UNIQUE_ID (token-assigned, read-only). Each test needs a profile fact (profile.h).
#include <algorithm>
#include <cstring>
#include <set>

#include "test_keys.h"

namespace p11test {
namespace {

std::vector<CK_MECHANISM_TYPE> mechanismsOf(const Bytes& raw) {
    std::vector<CK_MECHANISM_TYPE> out(raw.size() / sizeof(CK_MECHANISM_TYPE));
    if (!out.empty()) std::memcpy(out.data(), raw.data(), out.size() * sizeof(CK_MECHANISM_TYPE));
    return out;
}

std::vector<CK_MECHANISM_TYPE> tokenMechanisms(CK_SLOT_ID slot) {
    CK_ULONG n = 0;
    EXPECT_CKR_OK(p11()->C_GetMechanismList(slot, nullptr, &n));
    std::vector<CK_MECHANISM_TYPE> out(n);
    EXPECT_CKR_OK(p11()->C_GetMechanismList(slot, out.data(), &n));
    out.resize(n);
    return out;
}

class KeyAttributeTest : public KeyTest {};

TEST_F(KeyAttributeTest, AllowedMechanismsOfAnRsaSigningKey) {
    REQUIRE_PROFILE_FACT(allowedMechanismsListed);
    useKey(CKK_RSA, CKA_SIGN);
    if (HasFatalFailure()) return;
    const auto allowed = mechanismsOf(attributeBytes(session(), m_key.privateKey, CKA_ALLOWED_MECHANISMS));
    ASSERT_FALSE(allowed.empty());
    auto has = [&](CK_MECHANISM_TYPE t) { return std::find(allowed.begin(), allowed.end(), t) != allowed.end(); };
    EXPECT_TRUE(has(CKM_SHA256_RSA_PKCS));
    EXPECT_TRUE(has(CKM_RSA_PKCS));
    EXPECT_FALSE(has(CKM_ECDSA)) << "an RSA key";
    EXPECT_FALSE(has(CKM_RSA_PKCS_KEY_PAIR_GEN)) << "key generation is not a use of a key";
    const auto offered = tokenMechanisms(m_slot);
    for (CK_MECHANISM_TYPE m : allowed) {
        EXPECT_NE(std::find(offered.begin(), offered.end(), m), offered.end())
            << "0x" << std::hex << m << " allowed but not offered by the token";
        CK_MECHANISM_INFO info{};
        ASSERT_CKR_OK(p11()->C_GetMechanismInfo(m_slot, m, &info));
        EXPECT_TRUE(info.flags & (CKF_SIGN | CKF_DECRYPT)) << "0x" << std::hex << m;
    }
    // The list is the truth: a listed signing mechanism works with the key.
    const Bytes data = {'a', 'l', 'l', 'o', 'w', 'e', 'd'};
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    ASSERT_CKR_OK(p11()->C_SignInit(session(), &mech, m_key.privateKey));
    Bytes sig(1024);
    CK_ULONG n = sig.size();
    ASSERT_CKR_OK(p11()->C_Sign(session(), const_cast<CK_BYTE*>(data.data()), data.size(), sig.data(), &n));
    sig.resize(n);
    EXPECT_EQ(verifyRsaSha256(m_publicKey.get(), data, sig), "");
}

TEST_F(KeyAttributeTest, AllowedMechanismsOfAnEcDeriveKey) {
    REQUIRE_PROFILE_FACT(allowedMechanismsListed);
    useKey(CKK_EC, CKA_DERIVE);
    if (HasFatalFailure()) return;
    const auto allowed = mechanismsOf(attributeBytes(session(), m_key.privateKey, CKA_ALLOWED_MECHANISMS));
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), CKM_ECDH1_DERIVE), allowed.end());
    EXPECT_EQ(std::find(allowed.begin(), allowed.end(), CKM_RSA_PKCS), allowed.end());
}

TEST_F(KeyAttributeTest, UniqueIdsAreDistinctStableAndReadOnly) {
    REQUIRE_PROFILE_FACT(uniqueId);
    useKey(CKK_RSA, CKA_SIGN);
    if (HasFatalFailure()) return;
    const auto all = findObjects(session(), {});
    ASSERT_FALSE(all.empty());
    std::set<Bytes> seen;
    for (CK_OBJECT_HANDLE o : all) {
        const Bytes id = attributeBytes(session(), o, CKA_UNIQUE_ID);
        EXPECT_FALSE(id.empty()) << "object " << o;
        EXPECT_TRUE(seen.insert(id).second) << "CKA_UNIQUE_ID repeated";
    }
    Session other(m_slot);
    ASSERT_CKR_OK(other.openResult());
    EXPECT_EQ(attributeBytes(other.handle(), m_key.privateKey, CKA_UNIQUE_ID),
              attributeBytes(session(), m_key.privateKey, CKA_UNIQUE_ID));
    // Never from a template (3.0 §4.4.1).
    const CK_OBJECT_CLASS data = CKO_DATA;
    const Bytes uid = {'x'}, value = {1, 2, 3};
    std::vector<CK_ATTRIBUTE> t = {attr(CKA_CLASS, data), attr(CKA_TOKEN, kTrue), attr(CKA_UNIQUE_ID, uid),
                                   attr(CKA_VALUE, value)};
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_ATTRIBUTE_READ_ONLY, p11()->C_CreateObject(session(), t.data(), t.size(), &h));
}

}  // namespace
}  // namespace p11test
