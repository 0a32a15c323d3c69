// Host-side checks for the token tests (OpenSSL with public keys only) and a shared fixture: a fake PC/SC
// world with one reader "Reader A" holding a fresh virtual PIV card, and a TokenManager over it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "card-apps/piv/management_key.h"
#include "core/token/token_manager.h"
#include "tests/support/fake_reader_backend.h"

namespace tokentest {

using core::Bytes;
using core::ByteView;
using core::Errc;

inline const Bytes kPin = {'1', '2', '3', '4', '5', '6'};
inline const Bytes kPuk = {'1', '2', '3', '4', '5', '6', '7', '8'};
inline const Bytes kWrongPin = {'6', '5', '4', '3', '2', '1'};
inline const Bytes kMgmtKey(piv::kDefaultManagementKey.begin(), piv::kDefaultManagementKey.end());
inline const Bytes kMessage = {'s', 'i', 'g', 'n', ' ', 'm', 'e'};

Bytes sha256(ByteView msg);
// EMSA-PKCS1-v1_5 block of SHA-256(msg) for a k-byte modulus (what the caller of Token::sign passes for RSA).
Bytes pkcs1Sha256Block(ByteView msg, std::size_t k);
// SHA-256 signature check (RSA PKCS#1 v1.5 or ECDSA DER) against a DER SubjectPublicKeyInfo.
bool verifySha256(ByteView spki, ByteView msg, ByteView signature);
// A certificate for `spki` ("CN=<cn>") issued by a throwaway CA.
Bytes makeCertificate(ByteView spki, const std::string& cn);
// Signs kMessage with the key (RSA: PKCS#1 block, EC: hash) and verifies it; returns an empty string or why
// not.
std::string signAndVerify(token::Token& t, uint8_t ref, ByteView spki, std::optional<ByteView> pin = {});

inline std::string describe(const core::Error& e) {
    return e.describe();
}

class TokenFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        m_world = std::make_shared<testsupport::FakeReaders>();
        m_world->addReader("Reader A");
        m_card = m_world->insertCard("Reader A");
        m_manager =
            std::make_unique<token::TokenManager>(std::make_unique<testsupport::FakeReaderBackend>(m_world));
        ASSERT_TRUE(m_manager->refresh());
    }

    std::shared_ptr<token::Token> tokenIn(token::SlotId id) {
        auto t = m_manager->token(id);
        EXPECT_TRUE(t) << (t ? "" : t.error().describe());
        return t ? *t : nullptr;
    }

    // SO login with the management key, key generation, then (optionally) a certificate; returns the SPKI.
    Bytes enrol(token::Token& t, uint8_t ref, cardapp::KeyAlgorithm alg, bool withCertificate = true);

    std::shared_ptr<testsupport::FakeReaders> m_world;
    std::shared_ptr<testsupport::FakeCard> m_card;
    std::unique_ptr<token::TokenManager> m_manager;
};

}  // namespace tokentest
