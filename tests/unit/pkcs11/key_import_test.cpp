// C_CreateObject(CKO_PRIVATE_KEY) on a PIV card without the Yubico import command: the card answers 6D00
// (instruction not supported) to IMPORT ASYMMETRIC KEY, which the module reports as
// CKR_FUNCTION_NOT_SUPPORTED, with the slot left empty. The rest of the import (exact template codes,
// signatures with imported keys) is tested through pcscd in tests/integration_openpgp (KeyImportModuleTest).
#include "tests/unit/pkcs11/p11_fixture.h"
#include "vcard/open_card.h"

namespace p11test {
namespace {

// The virtual PIV card, except that INS FE (IMPORT ASYMMETRIC KEY) is unknown to it.
class CardWithoutImport : public vcard::VirtualCard {
  public:
    explicit CardWithoutImport(std::unique_ptr<vcard::VirtualCard> inner) : m_inner(std::move(inner)) {}
    Bytes atr() const override { return m_inner->atr(); }
    void powerOn() override { m_inner->powerOn(); }
    void powerOff() override { m_inner->powerOff(); }
    void reset() override { m_inner->reset(); }
    Bytes process(ByteView apdu) override {
        if (apdu.size() >= 2 && apdu[1] == 0xFE) {
            ++imports;
            return {0x6D, 0x00};
        }
        return m_inner->process(apdu);
    }
    std::string describe() const override { return "PIV card without key import"; }
    int imports = 0;

  private:
    std::unique_ptr<vcard::VirtualCard> m_inner;
};

class KeyImportTest : public P11Test {};

TEST_F(KeyImportTest, CardWithoutImportCommandIsFunctionNotSupported) {
    auto inner = vcard::createMemoryCard("piv");
    ASSERT_TRUE(inner);
    auto card = std::make_unique<CardWithoutImport>(std::move(*inner));
    CardWithoutImport* raw = card.get();
    m_world->removeCard("Reader A");
    m_world->insertCard("Reader A", std::make_shared<testsupport::FakeCard>(std::move(card)));
    initialize();
    CK_SESSION_HANDLE h = open();
    ASSERT_EQ(login(h, CKU_SO, kMgmtKeyHex), CKR_OK);

    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_KEY_TYPE type = CKK_EC;
    CK_BYTE id = 0x01;
    Bytes params = core::hexBytes("06082A8648CE3D030107");
    Bytes scalar(32, 0x11);
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                        {CKA_KEY_TYPE, &type, sizeof type},
                        {CKA_ID, &id, 1},
                        {CKA_EC_PARAMS, params.data(), params.size()},
                        {CKA_VALUE, scalar.data(), scalar.size()}};
    CK_OBJECT_HANDLE o = 0;
    EXPECT_EQ(m_fl->C_CreateObject(h, t, 5, &o), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT_GE(raw->imports, 1) << "the card was asked";
    CK_OBJECT_CLASS pub = CKO_PUBLIC_KEY;
    EXPECT_TRUE(find(h, {{CKA_CLASS, &pub, sizeof pub}, {CKA_ID, &id, 1}}).empty()) << "no key appeared";
}

}  // namespace
}  // namespace p11test
