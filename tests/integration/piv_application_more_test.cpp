// The rest of the PIV driver's operations through pcscd against the virtual card: AES management keys,
// every RSA size and P-384, retired slots, compressed certificates, the CHUID and discovery objects,
// card authentication without PIN, key import, and the vendor extensions (version, serial, metadata,
// attestation). Signatures are verified with openssl against the public key.
#include <openssl/sha.h>

#include "card-apps/common/private_key_der.h"
#include "tests/integration/piv_application_fixture.h"

namespace itest {
namespace {

class PivApplicationMoreTest : public PivApplicationTest {
protected:
    // Signs `data` with `ref` (SHA-256, or SHA-384 for P-384) and checks the signature with openssl.
    void signAndVerify(uint8_t ref, KeyAlgorithm alg, const std::string& pem, bool withPin = true) {
        const Bytes data = text("verified by openssl\n");
        writeFile(path("data.txt"), std::string(data.begin(), data.end()));
        Bytes input;
        std::string digest = "-sha256";
        if (cardapp::isRsa(alg)) {
            input = pkcs1Sha256Block(data, cardapp::rsaModulusBytes(alg));
        } else if (alg == KeyAlgorithm::EcP384) {
            input.resize(SHA384_DIGEST_LENGTH);
            SHA384(data.data(), data.size(), input.data());
            digest = "-sha384";
        } else {
            input = sha256(data);
        }
        if (withPin) {
            ASSERT_NO_FATAL_FAILURE(verifyDefaultPin());
        }
        auto sig = app().sign(ref, input);
        ASSERT_TRUE(sig) << cardapp::keyAlgorithmName(alg) << ": " << sig.error().describe();
        writeFile(path("sig.bin"), std::string(sig->begin(), sig->end()));
        auto r = run({"openssl", "dgst", digest, "-verify", pem, "-signature", "sig.bin", "data.txt"});
        EXPECT_EQ(r.out, "Verified OK\n") << cardapp::keyAlgorithmName(alg) << ": " << r.describe();
    }
    // SET MANAGEMENT KEY (Yubico INS FF), sent raw: the driver has no task-level call for it.
    void setManagementKey(uint8_t alg, const Bytes& key) {
        Bytes data{alg, 0x9B, static_cast<uint8_t>(key.size())};
        core::append(data, key);
        apdu::Channel raw(transportRef());  // same card session: PIV stays selected, admin stays authenticated
        auto r = raw.transmitOk(apdu::Command(0x00, 0xFF, 0xFF, 0xFF, data), "SET MANAGEMENT KEY");
        ASSERT_TRUE(r) << r.error().describe();
    }
};

TEST_F(PivApplicationMoreTest, AesManagementKeys) {
    const struct {
        uint8_t alg;
        std::size_t len;
    } keys[] = {{0x08, 16}, {0x0A, 24}, {0x0C, 32}};
    Bytes current(piv::kDefaultManagementKey.begin(), piv::kDefaultManagementKey.end());
    for (const auto& k : keys) {
        ASSERT_TRUE(app().authenticateAdmin(current)) << "alg " << int(k.alg);
        Bytes next(k.len);
        for (std::size_t i = 0; i < next.size(); ++i) next[i] = static_cast<uint8_t>(0xA0 + i);
        ASSERT_NO_FATAL_FAILURE(setManagementKey(k.alg, next));
        Bytes wrong = next;
        wrong[0] ^= 0x01;
        auto bad = app().authenticateAdmin(wrong);
        ASSERT_FALSE(bad);
        EXPECT_EQ(bad.error().code, Errc::SecurityNotSatisfied) << bad.error().describe();
        auto good = app().authenticateAdmin(next);
        ASSERT_TRUE(good) << "alg " << int(k.alg) << ": " << good.error().describe();
        // The AES-authenticated session may generate keys.
        EXPECT_TRUE(app().generateKey(0x9E, KeyAlgorithm::EcP256)) << "alg " << int(k.alg);
        current = next;
    }
}

TEST_F(PivApplicationMoreTest, EveryRsaSizeAndP384Sign) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    const struct {
        uint8_t ref;
        KeyAlgorithm alg;
    } cases[] = {{0x9A, KeyAlgorithm::Rsa1024}, {0x82, KeyAlgorithm::Rsa3072}, {0x83, KeyAlgorithm::Rsa4096},
                 {0x9D, KeyAlgorithm::EcP384}};
    for (const auto& c : cases) {
        const std::string pem = "pub" + std::to_string(c.ref) + ".pem";
        auto info = generate(c.ref, c.alg, pem);
        ASSERT_EQ(info.algorithm, c.alg);
        ASSERT_NO_FATAL_FAILURE(signAndVerify(c.ref, c.alg, pem));
    }
}

TEST_F(PivApplicationMoreTest, RetiredSlotWithCompressedCertificate) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    generate(0x95, KeyAlgorithm::Rsa2048, "pub.pem");
    // A certificate larger than a YubiKey object (3063 bytes): the driver must gzip it.
    const std::string comment(3500, 'x');
    writeFile(path("big.ext"), "nsComment=" + comment + "\n");
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
       "-subj '/CN=MeSign Test CA' -days 2 2>/dev/null && "
       "openssl x509 -new -force_pubkey pub.pem -subj '/CN=Retired Key' -CA ca.pem -CAkey ca.key -days 2 "
       "-extfile big.ext -outform DER -out cert.der");
    const std::string der = readFile(path("cert.der"));
    ASSERT_GT(der.size(), 3063u);
    ASSERT_TRUE(app().writeCertificate(0x95, Bytes(der.begin(), der.end())));
    auto back = app().certificate(0x95);
    ASSERT_TRUE(back) << back.error().describe();
    ASSERT_TRUE(back->has_value());
    EXPECT_EQ(std::string((*back)->begin(), (*back)->end()), der);
    auto keys = app().keys();
    ASSERT_TRUE(keys) << keys.error().describe();
    auto it = std::find_if(keys->begin(), keys->end(), [](const auto& k) { return k.ref == 0x95; });
    ASSERT_NE(it, keys->end());
    EXPECT_TRUE(it->hasCertificate);
    ASSERT_TRUE(app().deleteCertificate(0x95));
    auto gone = app().certificate(0x95);
    ASSERT_TRUE(gone);
    EXPECT_FALSE(gone->has_value());
}

TEST_F(PivApplicationMoreTest, ChuidAndDiscovery) {
    auto chuid = app().card().readChuid();
    ASSERT_TRUE(chuid) << chuid.error().describe();
    ASSERT_TRUE(chuid->has_value());
    EXPECT_EQ((*chuid)->guid.size(), 16u);
    auto discovery = app().card().readDiscovery();
    ASSERT_TRUE(discovery) << discovery.error().describe();
    ASSERT_TRUE(discovery->has_value());
    EXPECT_TRUE((*discovery)->pinPolicy1 & 0x40);  // the PIV PIN satisfies the access rules

    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    piv::Chuid changed = **chuid;
    for (auto& b : changed.guid) b ^= 0x5A;
    changed.expiration = "20401231";
    {
        transport::Transaction tx(transportRef());
        auto put = app().card().putChuid(changed);
        ASSERT_TRUE(put) << put.error().describe();
    }
    auto again = app().card().readChuid();
    ASSERT_TRUE(again && again->has_value());
    EXPECT_EQ((*again)->guid, changed.guid);
    EXPECT_EQ((*again)->expiration, "20401231");
}

TEST_F(PivApplicationMoreTest, CardAuthenticationKeyNeedsNoPin) {
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    generate(0x9E, KeyAlgorithm::EcP256, "pub.pem");
    ASSERT_NO_FATAL_FAILURE(signAndVerify(0x9E, KeyAlgorithm::EcP256, "pub.pem", /*withPin=*/false));
}

TEST_F(PivApplicationMoreTest, ImportedKeySigns) {
    sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -outform DER -out key.der && "
       "openssl pkey -inform DER -in key.der -pubout -out pub.pem");
    const std::string key = readFile(path("key.der"));
    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    {
        transport::Transaction tx(transportRef());
        auto alg = app().card().importKey(0x9D, *cardapp::componentsFromDer(Bytes(key.begin(), key.end())));
        ASSERT_TRUE(alg) << alg.error().describe();
        EXPECT_EQ(*alg, KeyAlgorithm::EcP256);
    }
    ASSERT_NO_FATAL_FAILURE(signAndVerify(0x9D, KeyAlgorithm::EcP256, "pub.pem"));
    auto meta = app().card().getMetadata(0x9D);
    ASSERT_TRUE(meta) << meta.error().describe();
    EXPECT_EQ(meta->origin, 0x02);  // imported
}

TEST_F(PivApplicationMoreTest, VendorExtensions) {
    auto version = app().card().getVersion();
    ASSERT_TRUE(version) << version.error().describe();
    EXPECT_GE(version->major, 5);
    auto serial = app().card().getSerial();
    ASSERT_TRUE(serial) << serial.error().describe();
    auto id = app().identity();
    ASSERT_TRUE(id);
    EXPECT_EQ(id->serial, std::to_string(*serial));
    auto pin = app().card().getMetadata(0x80);
    ASSERT_TRUE(pin) << pin.error().describe();
    EXPECT_EQ(pin->retriesRemaining, 3);
    EXPECT_EQ(pin->isDefault, true);

    ASSERT_NO_FATAL_FAILURE(authenticateDefaultAdmin());
    generate(0x9A, KeyAlgorithm::EcP256, "pub.pem");
    auto meta = app().card().getMetadata(0x9A);
    ASSERT_TRUE(meta) << meta.error().describe();
    EXPECT_EQ(meta->origin, 0x01);  // generated on the card
    auto att = app().card().attest(0x9A);
    ASSERT_TRUE(att) << att.error().describe();
    writeFile(path("att.der"), std::string(att->begin(), att->end()));
    // The attestation certificate certifies exactly the slot's public key.
    auto attested = sh("openssl x509 -inform DER -in att.der -noout -pubkey");
    auto expected = sh("cat pub.pem");
    EXPECT_EQ(attested.out, expected.out);
}

}  // namespace
}  // namespace itest
