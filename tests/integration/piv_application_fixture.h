// Fixture for the host PIV driver (piv::PivApplication) through PcscTransport, pcscd and vpcd, against
// the virtual card. Results of private-key operations are checked with OpenSSL, never with our own code.
#pragma once

#include <openssl/sha.h>

#include <memory>
#include <string>
#include <string_view>

#include "card-apps/piv/management_key.h"
#include "card-apps/piv/piv_application.h"
#include "core/transport/pcsc_transport.h"
#include "tests/integration/vcard_fixture.h"

namespace itest {

using cardapp::KeyAlgorithm;
using cardapp::PinKind;
using core::Bytes;
using core::ByteView;
using core::Errc;

inline Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline Bytes sha256(ByteView data) {
    Bytes h(SHA256_DIGEST_LENGTH);
    SHA256(data.data(), data.size(), h.data());
    return h;
}

// EMSA-PKCS1-v1_5 block for SHA-256 (RFC 8017 §9.2), k bytes long.
inline Bytes pkcs1Sha256Block(ByteView data, std::size_t k) {
    Bytes digestInfo = core::hexBytes("3031300d060960864801650304020105000420");
    core::append(digestInfo, sha256(data));
    Bytes block{0x00, 0x01};
    block.insert(block.end(), k - 3 - digestInfo.size(), 0xFF);
    block.push_back(0x00);
    core::append(block, digestInfo);
    return block;
}

class PivApplicationTest : public VcardFixture {
protected:
    void SetUp() override {
        VcardFixture::SetUp();
        if (HasFatalFailure()) return;
        auto ctx = transport::PcscContext::establish();
        ASSERT_TRUE(ctx) << ctx.error().describe();
        auto t = transport::PcscTransport::connect(*ctx, reader());
        ASSERT_TRUE(t) << t.error().describe();
        m_transport = std::move(*t);
        m_app = std::make_unique<piv::PivApplication>(*m_transport);
    }
    void TearDown() override {
        m_app.reset();
        m_transport.reset();
        VcardFixture::TearDown();
    }
    piv::PivApplication& app() { return *m_app; }
    transport::Transport& transportRef() { return *m_transport; }

    void authenticateDefaultAdmin() {
        auto s = app().authenticateAdmin(ByteView(piv::kDefaultManagementKey));
        ASSERT_TRUE(s) << s.error().describe();
    }
    void verifyDefaultPin() {
        auto s = app().verifyPin(PinKind::User, text("123456"));
        ASSERT_TRUE(s) << s.error().describe();
    }
    // Generates a key and stores its public key as PEM (via OpenSSL) in `pem`.
    cardapp::KeyInfo generate(uint8_t ref, KeyAlgorithm alg, const std::string& pem) {
        auto info = app().generateKey(ref, alg);
        EXPECT_TRUE(info) << info.error().describe();
        if (!info) return {};
        writeFile(path(pem + ".der"), std::string(info->publicKeyInfo.begin(), info->publicKeyInfo.end()));
        sh("openssl pkey -pubin -inform DER -in " + pem + ".der -out " + pem);
        return *info;
    }

private:
    std::unique_ptr<transport::PcscTransport> m_transport;
    std::unique_ptr<piv::PivApplication> m_app;
};

}  // namespace itest
