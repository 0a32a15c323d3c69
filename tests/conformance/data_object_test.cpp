// Data objects (CKO_DATA, specs/pkcs11.md §6): create, find from every session, read, destroy, and the codes
// for a read-only session and a missing login. DataObjectTest.Piv* hold the PIV token's own rules: the
// card's standard objects (read-only, DER OIDs) and the four writable vendor objects.
#include <algorithm>

#include "config.h"
#include "fixtures.h"

namespace p11test {
namespace {

const CK_OBJECT_CLASS kData = CKO_DATA;
const Bytes kLabel1 = {'D', 'a', 't', 'a', ' ', 'o', 'b', 'j', 'e', 'c', 't', ' ', '1'};
const Bytes kPiv = {'P', 'I', 'V'};

Bytes pattern(std::size_t n, CK_BYTE seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = CK_BYTE(seed + i * 7);
    return b;
}

class DataObjectTest : public TokenTest {
  protected:
    static CK_RV loginWriter(CK_SESSION_HANDLE s) {
        const CK_USER_TYPE who = profile().dataObjectWriter;
        std::string pin = config().dataPin;
        if (pin.empty()) pin = who == CKU_SO ? config().soPin : config().userPin;
        return login(s, who, pin);
    }
    // A public token data object named by the label every profile accepts.
    static std::vector<CK_ATTRIBUTE> dataTemplate(const Bytes& value, const Bytes& label = kLabel1) {
        return {attr(CKA_CLASS, kData),      attr(CKA_TOKEN, kTrue), attr(CKA_PRIVATE, kFalse),
                attr(CKA_LABEL, label),      attr(CKA_APPLICATION, kPiv), attr(CKA_VALUE, value)};
    }
    static CK_RV create(CK_SESSION_HANDLE s, std::vector<CK_ATTRIBUTE> t, CK_OBJECT_HANDLE& h) {
        return p11()->C_CreateObject(s, t.data(), t.size(), &h);
    }
};

TEST_F(DataObjectTest, CreateFindReadDestroy) {
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginWriter(rw.handle()));
    const Bytes value = pattern(700, 0x11);
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    ASSERT_CKR_OK(create(rw.handle(), dataTemplate(value), h));
    EXPECT_NE(h, CK_INVALID_HANDLE);

    // Visible at once in another session, with the attributes the template gave.
    Session other(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(other.openResult());
    const auto found = findObjects(other.handle(), {attr(CKA_CLASS, kData), attr(CKA_LABEL, kLabel1)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], h);
    EXPECT_EQ(attributeBytes(other.handle(), h, CKA_VALUE), value);
    EXPECT_EQ(attributeBytes(other.handle(), h, CKA_APPLICATION), kPiv);
    EXPECT_EQ(attributeUlong(other.handle(), h, CKA_CLASS), CKO_DATA);
    EXPECT_TRUE(attributeBool(other.handle(), h, CKA_TOKEN));
    EXPECT_FALSE(attributeBool(other.handle(), h, CKA_PRIVATE));
    // A search on the value finds it too.
    EXPECT_EQ(findObjects(other.handle(), {attr(CKA_CLASS, kData), attr(CKA_VALUE, value)}).size(), 1u);

    // Buffer-too-small protocol on the value.
    Bytes small(value.size() - 1);
    CK_ATTRIBUTE a{CKA_VALUE, small.data(), small.size()};
    EXPECT_CKR(CKR_BUFFER_TOO_SMALL, p11()->C_GetAttributeValue(other.handle(), h, &a, 1));
    EXPECT_EQ(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);

    ASSERT_CKR_OK(p11()->C_DestroyObject(rw.handle(), h));
    EXPECT_TRUE(findObjects(other.handle(), {attr(CKA_CLASS, kData), attr(CKA_LABEL, kLabel1)}).empty());
    CK_OBJECT_CLASS cls = 0;
    CK_ATTRIBUTE c{CKA_CLASS, &cls, sizeof cls};
    EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, p11()->C_GetAttributeValue(other.handle(), h, &c, 1));
    EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, p11()->C_DestroyObject(rw.handle(), h));
}

TEST_F(DataObjectTest, ReadOnlySession) {
    Session ro(m_slot);
    ASSERT_CKR_OK(ro.openResult());
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_SESSION_READ_ONLY, create(ro.handle(), dataTemplate(pattern(16, 1)), h));
}

TEST_F(DataObjectTest, CreateWithoutLogin) {
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    const CK_RV rv = create(rw.handle(), dataTemplate(pattern(16, 2)), h);
    EXPECT_CKR(profile().dataObjectCreateNotLoggedIn, rv);
    if (rv == CKR_OK) {
        EXPECT_CKR_OK(p11()->C_DestroyObject(rw.handle(), h));
    }
}

TEST_F(DataObjectTest, ArgumentErrors) {
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    auto t = dataTemplate(pattern(16, 3));
    EXPECT_CKR(CKR_ARGUMENTS_BAD, p11()->C_CreateObject(rw.handle(), t.data(), t.size(), nullptr));
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_ARGUMENTS_BAD, p11()->C_CreateObject(rw.handle(), nullptr, 1, &h));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_CreateObject(CK_INVALID_HANDLE, t.data(), t.size(), &h));
    EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, p11()->C_DestroyObject(rw.handle(), CK_INVALID_HANDLE));
}

// --- the PIV token's rules ---

TEST_F(DataObjectTest, PivStandardObjectsListedReadOnly) {
    REQUIRE_PROFILE_FACT(pivDataObjects);
    Session ro(m_slot);
    ASSERT_CKR_OK(ro.openResult());
    // CHUID: DER of 2.16.840.1.101.3.7.2.48.0, public, not modifiable, not destroyable.
    const Bytes chuidOid = {0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x30, 0x00};
    const auto found = findObjects(ro.handle(), {attr(CKA_CLASS, kData), attr(CKA_OBJECT_ID, chuidOid)});
    ASSERT_EQ(found.size(), 1u) << "the CHUID is listed before login";
    const CK_OBJECT_HANDLE chuid = found[0];
    const std::string label = "Card Holder Unique Identifier";
    EXPECT_EQ(attributeBytes(ro.handle(), chuid, CKA_LABEL), Bytes(label.begin(), label.end()));
    EXPECT_EQ(attributeBytes(ro.handle(), chuid, CKA_APPLICATION), kPiv);
    EXPECT_FALSE(attributeBool(ro.handle(), chuid, CKA_PRIVATE));
    EXPECT_FALSE(attributeBool(ro.handle(), chuid, CKA_MODIFIABLE));
    EXPECT_FALSE(attributeBool(ro.handle(), chuid, CKA_DESTROYABLE));
    const Bytes value = attributeBytes(ro.handle(), chuid, CKA_VALUE);
    ASSERT_GE(value.size(), 2u);
    EXPECT_EQ(value[0], 0x30) << "the CHUID starts with its FASC-N (tag 30)";

    ASSERT_CKR_OK(ro.close());  // the SO cannot log in while a read-only session exists
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginWriter(rw.handle()));
    EXPECT_CKR(CKR_ACTION_PROHIBITED, p11()->C_DestroyObject(rw.handle(), chuid));
    const CK_BYTE b = 0;
    CK_ATTRIBUTE set{CKA_VALUE, const_cast<CK_BYTE*>(&b), 1};
    EXPECT_CKR(CKR_ACTION_PROHIBITED, p11()->C_SetAttributeValue(rw.handle(), chuid, &set, 1));
}

TEST_F(DataObjectTest, PivTemplateRules) {
    REQUIRE_PROFILE_FACT(pivDataObjects);
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginWriter(rw.handle()));
    const Bytes value = pattern(32, 4);
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    const std::string chuid = "Card Holder Unique Identifier";
    EXPECT_CKR(CKR_ATTRIBUTE_VALUE_INVALID, create(rw.handle(), dataTemplate(value, Bytes(chuid.begin(), chuid.end())), h))
        << "a standard object is not writable";
    auto t = dataTemplate(value);
    const Bytes chuidOid = {0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x30, 0x00};
    t.push_back(attr(CKA_OBJECT_ID, chuidOid));
    EXPECT_CKR(CKR_ATTRIBUTE_VALUE_INVALID, create(rw.handle(), t, h)) << "a standard object's OID";
    const std::string other = "my data";
    EXPECT_CKR(CKR_ATTRIBUTE_VALUE_INVALID, create(rw.handle(), dataTemplate(value, Bytes(other.begin(), other.end())), h))
        << "the card stores no labels";
    t = dataTemplate(value);
    t[2] = attr(CKA_PRIVATE, kTrue);
    EXPECT_CKR(CKR_TEMPLATE_INCONSISTENT, create(rw.handle(), t, h)) << "the card cannot protect them";
    t = dataTemplate(value);
    t[1] = attr(CKA_TOKEN, kFalse);
    EXPECT_CKR(CKR_TEMPLATE_INCONSISTENT, create(rw.handle(), t, h));
    t = dataTemplate(value);
    t.pop_back();
    EXPECT_CKR(CKR_TEMPLATE_INCOMPLETE, create(rw.handle(), t, h));
    t = dataTemplate(value);
    const CK_ULONG bits = 2048;
    t.push_back(attr(CKA_MODULUS_BITS, bits));
    EXPECT_CKR(CKR_ATTRIBUTE_TYPE_INVALID, create(rw.handle(), t, h));
    EXPECT_CKR(CKR_DEVICE_MEMORY, create(rw.handle(), dataTemplate(pattern(4000, 5)), h))
        << "larger than a card object";
}

TEST_F(DataObjectTest, PivUserCannotWrite) {
    REQUIRE_PROFILE_FACT(pivDataObjects);
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginUser(rw.handle()));
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_USER_NOT_LOGGED_IN, create(rw.handle(), dataTemplate(pattern(16, 6)), h));
}

TEST_F(DataObjectTest, PivFreeObjectChosenUntilFull) {
    REQUIRE_PROFILE_FACT(pivDataObjects);
    Session rw(m_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_CKR_OK(rw.openResult());
    ASSERT_CKR_OK(loginWriter(rw.handle()));
    std::vector<CK_OBJECT_HANDLE> made;
    for (int i = 0; i < 4; ++i) {
        const Bytes value = pattern(10 + i, CK_BYTE(i));
        std::vector<CK_ATTRIBUTE> t = {attr(CKA_CLASS, kData), attr(CKA_TOKEN, kTrue), attr(CKA_VALUE, value)};
        CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
        ASSERT_CKR_OK(create(rw.handle(), t, h)) << "object " << i;
        EXPECT_EQ(attributeBytes(rw.handle(), h, CKA_VALUE), value);
        const std::string label = "Data object " + std::to_string(i + 1);
        EXPECT_EQ(attributeBytes(rw.handle(), h, CKA_LABEL), Bytes(label.begin(), label.end()));
        made.push_back(h);
    }
    const Bytes value = pattern(8, 9);
    std::vector<CK_ATTRIBUTE> t = {attr(CKA_CLASS, kData), attr(CKA_TOKEN, kTrue), attr(CKA_VALUE, value)};
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_DEVICE_MEMORY, create(rw.handle(), t, h)) << "all four writable objects are in use";
    for (CK_OBJECT_HANDLE m : made) EXPECT_CKR_OK(p11()->C_DestroyObject(rw.handle(), m));
    EXPECT_TRUE(findObjects(rw.handle(), {attr(CKA_CLASS, kData), attr(CKA_DESTROYABLE, kTrue)}).empty());
}

}  // namespace
}  // namespace p11test
