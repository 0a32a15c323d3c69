// Token: info, objects, login state, private-key operations, PIN management, on a virtual PIV card.
#include "test_crypto.h"

namespace tokentest {
namespace {

using cardapp::KeyAlgorithm;
using token::SoCredential;

using TokenTest = TokenFixture;

const cardapp::KeyInfo* findKey(const std::vector<token::KeyObject>& objs, uint8_t ref,
                                const token::KeyObject** o) {
    for (const auto& k : objs)
        if (k.key.ref == ref) {
            *o = &k;
            return &k.key;
        }
    return nullptr;
}

TEST_F(TokenTest, InfoDescribesTheCardWithoutSpendingTries) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    auto info = t->info();
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(info->application, "PIV");
    EXPECT_EQ(info->manufacturer, "MeSign");
    EXPECT_EQ(info->model, "PIV");
    EXPECT_FALSE(info->serial.empty());
    EXPECT_FALSE(info->cardId.empty());
    EXPECT_FALSE(info->label.empty());
    EXPECT_EQ(info->label.find(':'), std::string::npos);
    EXPECT_EQ(info->userPin.retriesLeft, 3);
    EXPECT_FALSE(info->userPin.verified);
    EXPECT_EQ(info->soPin.retriesLeft, 3);
    EXPECT_EQ(info->minPinLength, 6u);
    EXPECT_EQ(info->maxPinLength, 8u);

    auto bad = t->loginUser(kWrongPin);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::PinIncorrect);
    EXPECT_EQ(bad.error().retries, 2);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(t->info()->userPin.retriesLeft, 2) << "reading the counter spent a try";

    // Another token object on the same card reads the same counter from the card itself.
    token::Token other(m_manager->backend(), "Reader A", m_card->atr());
    EXPECT_EQ(other.info()->userPin.retriesLeft, 2);
    EXPECT_EQ(other.info()->serial, info->serial);

    ASSERT_TRUE(t->loginUser(kPin));
    auto after = t->info();
    EXPECT_EQ(after->userPin.retriesLeft, 3);
    EXPECT_TRUE(after->userPin.verified);
}

TEST_F(TokenTest, TwoCardsHaveDifferentIdentities) {
    m_world->addReader("Reader B");
    m_world->insertCard("Reader B");
    ASSERT_TRUE(m_manager->refresh());
    auto a = tokenIn(1), b = tokenIn(2);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->info()->serial, b->info()->serial);
    EXPECT_NE(a->info()->cardId, b->info()->cardId);
}

TEST_F(TokenTest, ObjectsFollowKeyGenerationAndCertificates) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    auto empty = t->objects();
    ASSERT_TRUE(empty) << empty.error().describe();
    const uint64_t g0 = t->generation();

    const Bytes rsa = enrol(*t, 0x9A, KeyAlgorithm::Rsa2048);
    const Bytes ec = enrol(*t, 0x9C, KeyAlgorithm::EcP256);
    const Bytes ec384 = enrol(*t, 0x9D, KeyAlgorithm::EcP384, /*withCertificate=*/false);
    EXPECT_GE(t->generation(), g0 + 5);

    auto objs = t->objects();
    ASSERT_TRUE(objs) << objs.error().describe();
    const token::KeyObject* o = nullptr;
    ASSERT_TRUE(findKey(*objs, 0x9A, &o));
    ASSERT_TRUE(o->publicKey);
    EXPECT_EQ(o->publicKey->type, crypto::KeyType::Rsa);
    EXPECT_EQ(o->publicKey->bits, 2048u);
    EXPECT_EQ(o->publicKey->spki, rsa);
    ASSERT_TRUE(o->certificate);
    EXPECT_EQ(o->certificate->commonName, "Key 154");
    EXPECT_EQ(o->certificate->spki, rsa);

    ASSERT_TRUE(findKey(*objs, 0x9C, &o));
    ASSERT_TRUE(o->publicKey);
    EXPECT_EQ(o->publicKey->type, crypto::KeyType::Ec);
    EXPECT_EQ(o->publicKey->curveName, "P-256");
    EXPECT_EQ(o->key.pinPolicy, cardapp::PinPolicy::Always);
    ASSERT_TRUE(o->certificate);
    EXPECT_EQ(o->certificate->spki, ec);

    ASSERT_TRUE(findKey(*objs, 0x9D, &o));
    ASSERT_TRUE(o->publicKey);
    EXPECT_EQ(o->publicKey->spki, ec384);
    EXPECT_FALSE(o->certificate);

    // Cached: no APDU for a second listing.
    const uint64_t apdus = m_card->apduCount();
    auto again = t->objects();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->size(), objs->size());
    EXPECT_EQ(m_card->apduCount(), apdus);

    // A new key in a slot with an old certificate: the certificate no longer belongs to the key.
    const uint64_t g1 = t->generation();
    auto fresh = t->generateKey(0x9A, KeyAlgorithm::Rsa2048);
    ASSERT_TRUE(fresh) << fresh.error().describe();
    EXPECT_GT(t->generation(), g1);
    objs = t->objects();
    ASSERT_TRUE(objs);
    ASSERT_TRUE(findKey(*objs, 0x9A, &o));
    EXPECT_EQ(o->publicKey->spki, fresh->key.publicKeyInfo);
    EXPECT_FALSE(o->certificate);

    const uint64_t g2 = t->generation();
    ASSERT_TRUE(t->deleteCertificate(0x9C));
    EXPECT_GT(t->generation(), g2);
    objs = t->objects();
    ASSERT_TRUE(findKey(*objs, 0x9C, &o));
    EXPECT_FALSE(o->certificate);
}

TEST_F(TokenTest, AdminOperationsNeedTheManagementKey) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->generateKey(0x9A, KeyAlgorithm::EcP256).error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(t->loginSo(SoCredential::Puk, kPuk));
    EXPECT_EQ(t->writeCertificate(0x9A, Bytes{0x30, 0x00}).error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(t->logout());
    Bytes wrongKey = kMgmtKey;
    wrongKey[0] ^= 0xFF;
    EXPECT_FALSE(t->loginSo(SoCredential::ManagementKey, wrongKey));
    EXPECT_FALSE(t->soLoggedIn());
    ASSERT_TRUE(t->loginSo(SoCredential::ManagementKey, kMgmtKey));
    EXPECT_TRUE(t->soLoggedIn());
    EXPECT_TRUE(t->generateKey(0x9A, KeyAlgorithm::EcP256));
}

TEST_F(TokenTest, LoginStateIsSharedAndExclusive) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->userLoggedIn());
    ASSERT_TRUE(t->loginUser(kPin));
    EXPECT_TRUE(t->userLoggedIn());
    EXPECT_TRUE(tokenIn(1)->userLoggedIn()) << "every user of the slot sees the same login";
    EXPECT_EQ(t->loginSo(SoCredential::ManagementKey, kMgmtKey).error().code, Errc::ConditionsNotSatisfied);
    ASSERT_TRUE(t->logout());
    EXPECT_FALSE(t->userLoggedIn());
    EXPECT_FALSE(t->info()->userPin.verified) << "logout makes the card forget the PIN";
    ASSERT_TRUE(t->loginSo(SoCredential::ManagementKey, kMgmtKey));
    EXPECT_EQ(t->loginUser(kPin).error().code, Errc::ConditionsNotSatisfied);
    ASSERT_TRUE(t->logout());
    EXPECT_FALSE(t->soLoggedIn());
    auto shortPin = t->loginUser(Bytes{'1', '2'});
    EXPECT_EQ(shortPin.error().code, Errc::InvalidArgument);
    EXPECT_EQ(t->info()->userPin.retriesLeft, 3) << "a malformed PIN never reaches the card";
}

TEST_F(TokenTest, ConnectionStaysOpenWhileLoggedIn) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->loginUser(kPin));
    const int connects = m_world->connectCount();
    EXPECT_EQ(m_card->openConnections(), 1);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(t->info());
    EXPECT_EQ(m_world->connectCount(), connects);
    EXPECT_TRUE(t->info()->userPin.verified) << "the card still knows the PIN";
}

TEST_F(TokenTest, SignsWithRsaAndEcKeys) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    const Bytes rsa = enrol(*t, 0x9A, KeyAlgorithm::Rsa2048);
    const Bytes ec = enrol(*t, 0x9E, KeyAlgorithm::EcP384);  // 9E: PIN policy "never"
    ASSERT_TRUE(t->logout());
    EXPECT_EQ(signAndVerify(*t, 0x9E, ec), "") << "card authentication needs no PIN";
    auto noLogin = t->sign(0x9A, pkcs1Sha256Block(kMessage, 256));
    ASSERT_FALSE(noLogin);
    EXPECT_EQ(noLogin.error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(t->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*t, 0x9A, rsa), "");
    EXPECT_EQ(signAndVerify(*t, 0x9A, rsa), "");
    EXPECT_EQ(signAndVerify(*t, 0x9E, ec), "");
}

TEST_F(TokenTest, SignatureKeyNeedsAContextPinEachTime) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    const Bytes ec = enrol(*t, 0x9C, KeyAlgorithm::EcP256);
    ASSERT_TRUE(t->logout());
    ASSERT_TRUE(t->loginUser(kPin));
    EXPECT_EQ(signAndVerify(*t, 0x9C, ec, ByteView(kPin)), "");
    EXPECT_EQ(signAndVerify(*t, 0x9C, ec, ByteView(kPin)), "");
    auto without = t->sign(0x9C, sha256(kMessage));
    ASSERT_FALSE(without);
    EXPECT_EQ(without.error().code, Errc::SecurityNotSatisfied);
    auto wrong = t->sign(0x9C, sha256(kMessage), ByteView(kWrongPin));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::PinIncorrect);
    EXPECT_EQ(wrong.error().retries, 2);
    EXPECT_EQ(signAndVerify(*t, 0x9C, ec, ByteView(kPin)), "");
    EXPECT_EQ(t->info()->userPin.retriesLeft, 3);
}

TEST_F(TokenTest, PukAsSoUnblocksThePin) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(t->loginUser(kWrongPin));
    EXPECT_EQ(t->loginUser(kPin).error().code, Errc::AuthBlocked);
    EXPECT_TRUE(t->info()->userPin.blocked());

    EXPECT_EQ(t->loginSo(SoCredential::Puk, Bytes{'1', '2', '3'}).error().code, Errc::InvalidArgument);
    EXPECT_FALSE(t->soLoggedIn());
    EXPECT_EQ(t->unblockWithSoLogin(kPin).error().code, Errc::SecurityNotSatisfied);
    ASSERT_TRUE(t->loginSo(SoCredential::Puk, kPuk));
    EXPECT_TRUE(t->soLoggedIn());
    const Bytes newPin = {'2', '4', '6', '8', '1', '3'};
    auto st = t->unblockWithSoLogin(newPin);
    ASSERT_TRUE(st) << st.error().describe();
    ASSERT_TRUE(t->logout());
    EXPECT_FALSE(t->soLoggedIn());
    ASSERT_TRUE(t->loginUser(newPin));
    EXPECT_EQ(t->info()->userPin.retriesLeft, 3);
}

TEST_F(TokenTest, ChangesPinAndPuk) {
    auto t = tokenIn(1);
    ASSERT_TRUE(t);
    const Bytes newPin = {'1', '1', '1', '1', '1', '1'};
    const Bytes newPuk = {'8', '7', '6', '5', '4', '3', '2', '1'};
    EXPECT_EQ(t->changeUserPin(kWrongPin, newPin).error().code, Errc::PinIncorrect);
    ASSERT_TRUE(t->changeUserPin(kPin, newPin));
    ASSERT_TRUE(t->changeSoPin(kPuk, newPuk));
    ASSERT_TRUE(t->unblockUserPin(newPuk, kPin));
    ASSERT_TRUE(t->loginUser(kPin));
}

}  // namespace
}  // namespace tokentest
