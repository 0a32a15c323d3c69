// The minidriver over an OpenPGP card: acquisition, file system, containers (RSA and EC), signatures
// with OpenSSL checking them, decryption, ECDH against OpenSSL, and the paddings the card cannot do.
#include <algorithm>

#include "tests/minidriver/openpgp_md_fixture.h"

namespace mdtest {
namespace {

using cardapp::KeyAlgorithm;

std::string hex(ByteView b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t x : b) s += {d[x >> 4], d[x & 15]};
    return s;
}

std::string recordName(ByteView rec) {
    std::string s;
    for (std::size_t i = 0; i < 80 && rec[i]; i += 2) s.push_back(char(rec[i]));
    return s;
}

TEST_F(OpenPgpMinidriverTest, AcquiresTheCardAndShowsItsFileSystem) {
    const Bytes sigSpki = provisionPgp(openpgp::key::kSig, KeyAlgorithm::Rsa2048, "sig");
    const Bytes decSpki = provisionPgp(openpgp::key::kDec, KeyAlgorithm::EcP256, "dec");
    const Bytes autSpki = provisionPgp(openpgp::key::kAut, KeyAlgorithm::EcP384, "");
    ASSERT_FALSE(sigSpki.empty() || decSpki.empty() || autSpki.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());

    // cardid: the 16-byte AID (D2 76 00 01 24 01 ...), the same in a second context.
    Bytes cardId, again;
    ASSERT_EQ(readCardFile(nullptr, "cardid", cardId), kOk);
    ASSERT_EQ(cardId.size(), 16u);
    EXPECT_EQ(Bytes(cardId.begin(), cardId.begin() + 6), (Bytes{0xD2, 0x76, 0x00, 0x01, 0x24, 0x01}));
    release();
    ASSERT_NO_FATAL_FAILURE(acquire());
    ASSERT_EQ(readCardFile(nullptr, "cardid", again), kOk);
    EXPECT_EQ(again, cardId);
    BYTE serial[32];
    DWORD n = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_SERIAL_NO, serial, sizeof serial, &n, 0), kOk);
    EXPECT_EQ(n, 12u);  // manufacturer + serial from the AID
    EXPECT_EQ(std::string(serial, serial + 4), "FF00");

    // cmapfile: three records; SIG RSA (signature size), DEC ECDH and AUT P-384; AUT is the default.
    Bytes map;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", map), kOk);
    ASSERT_EQ(map.size(), 3u * CONTAINER_MAP_RECORD_SIZE);
    const std::string id = hex(cardId);
    const char* names[] = {"-SIG", "-DEC", "-AUT"};
    for (BYTE i = 0; i < 3; ++i) {
        ByteView rec(map.data() + i * CONTAINER_MAP_RECORD_SIZE, CONTAINER_MAP_RECORD_SIZE);
        EXPECT_EQ(recordName(rec), id + names[i]) << int(i);
        EXPECT_EQ(rec[80] & CONTAINER_MAP_VALID_CONTAINER, CONTAINER_MAP_VALID_CONTAINER) << int(i);
        EXPECT_EQ((rec[80] & CONTAINER_MAP_DEFAULT_CONTAINER) != 0, i == kAut) << int(i);
    }
    auto sizeAt = [&](BYTE i, std::size_t off) {
        const std::size_t at = std::size_t(i) * CONTAINER_MAP_RECORD_SIZE + off;
        return map[at] | map[at + 1] << 8;
    };
    EXPECT_EQ(sizeAt(kSig, 82), 2048);
    EXPECT_EQ(sizeAt(kDec, 84), 256);  // ECDH: key-exchange size
    EXPECT_EQ(sizeAt(kAut, 82), 384);

    // Certificates: SIG (signature spec) as ksc00, DEC (ECDH) as kxc01; AUT has none.
    PBYTE list = nullptr;
    DWORD listLen = 0;
    ASSERT_EQ(m_data.pfnCardEnumFiles(&m_data, const_cast<LPSTR>("mscp"), reinterpret_cast<LPSTR*>(&list),
                                      &listLen, 0),
              kOk);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(list), listLen),
              std::string("cmapfile\0ksc00\0kxc01\0", 22));
    m_data.pfnCspFree(list);
    Bytes cert;
    ASSERT_EQ(readCardFile("mscp", "ksc00", cert), kOk);
    const std::string sigDer = itest::readFile(path("sig.der"));
    EXPECT_EQ(cert, Bytes(sigDer.begin(), sigDer.end()));
    ASSERT_EQ(readCardFile("mscp", "kxc01", cert), kOk);
    const std::string decDer = itest::readFile(path("dec.der"));
    EXPECT_EQ(cert, Bytes(decDer.begin(), decDer.end()));
    EXPECT_EQ(readCardFile("mscp", "ksc02", cert), c(SCARD_E_FILE_NOT_FOUND));
    EXPECT_EQ(readCardFile("mscp", "ksc03", cert), c(SCARD_E_FILE_NOT_FOUND));

    // Container info: RSA PUBLICKEYBLOB (little-endian modulus), ECDH P-256 and ECDSA P-384 blobs.
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, kSig, 0, &ci), kOk);
    EXPECT_EQ(ci.cbKeyExPublicKey, 0u);
    ASSERT_EQ(ci.cbSigPublicKey, 20u + 256u);
    EXPECT_EQ(reversed(ByteView(ci.pbSigPublicKey + 20, 256)), rsaModulus(sigSpki));
    m_data.pfnCspFree(ci.pbSigPublicKey);
    ci = {};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, kDec, 0, &ci), kOk);
    ASSERT_EQ(ci.cbKeyExPublicKey, 8u + 64u);
    EXPECT_EQ(Bytes(ci.pbKeyExPublicKey, ci.pbKeyExPublicKey + 4), (Bytes{0x45, 0x43, 0x4B, 0x31}));  // ECK1
    EXPECT_EQ(Bytes(ci.pbKeyExPublicKey + 8, ci.pbKeyExPublicKey + 72),
              Bytes(decSpki.end() - 64, decSpki.end()));
    m_data.pfnCspFree(ci.pbKeyExPublicKey);
    ci = {};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardGetContainerInfo(&m_data, kAut, 0, &ci), kOk);
    ASSERT_EQ(ci.cbSigPublicKey, 8u + 96u);
    EXPECT_EQ(Bytes(ci.pbSigPublicKey, ci.pbSigPublicKey + 4), (Bytes{0x45, 0x43, 0x53, 0x33}));  // ECS3
    EXPECT_EQ(Bytes(ci.pbSigPublicKey + 8, ci.pbSigPublicKey + 104),
              Bytes(autSpki.end() - 96, autSpki.end()));
    m_data.pfnCspFree(ci.pbSigPublicKey);
    EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, 3, 0, &ci), c(SCARD_E_NO_KEY_CONTAINER));

    // The PIN guarding each key: PW1 in signature mode for SIG, PW1 for the others.
    PIN_ID role = 0;
    DWORD len = 0;
    for (auto [index, expected] : {std::pair{kSig, PIN_ID(3)}, std::pair{kDec, PIN_ID(ROLE_USER)},
                                   std::pair{kAut, PIN_ID(ROLE_USER)}}) {
        ASSERT_EQ(m_data.pfnCardGetContainerProperty(&m_data, index, CCP_PIN_IDENTIFIER,
                                                     reinterpret_cast<PBYTE>(&role), sizeof role, &len, 0),
                  kOk);
        EXPECT_EQ(role, expected) << int(index);
    }
    CARD_FREE_SPACE_INFO space{};
    space.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardQueryFreeSpace(&m_data, 0, &space), kOk);
    EXPECT_EQ(space.dwMaxKeyContainers, 3u);
    EXPECT_EQ(space.dwKeyContainersAvailable, 0u);
    CARD_KEY_SIZES sizes{};
    sizes.dwVersion = CARD_KEY_SIZES_CURRENT_VERSION;
    ASSERT_EQ(m_data.pfnCardQueryKeySizes(&m_data, AT_SIGNATURE, 0, &sizes), kOk);
    EXPECT_EQ(sizes.dwMinimumBitlen, 2048u);
    EXPECT_EQ(sizes.dwMaximumBitlen, 4096u);
    PIN_SET pins = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_LIST_PINS, reinterpret_cast<PBYTE>(&pins),
                                        sizeof pins, &len, 0),
              kOk);
    EXPECT_EQ(pins, 0x1Fu);  // everyone, user, admin, signature PW1, resetting code
    // ROLE_ADMIN is PW3, a PIN: no challenge.
    PBYTE challenge = nullptr;
    DWORD challengeLen = 0;
    EXPECT_EQ(m_data.pfnCardGetChallenge(&m_data, &challenge, &challengeLen), c(SCARD_E_UNSUPPORTED_FEATURE));
}

// A card carrying PIV and OpenPGP: the minidriver shows its PIV application (as the PKCS#11 module lists
// PIV first); the OpenPGP keys are not containers there.
class DualCardMinidriverTest : public MinidriverTest {
  protected:
    std::vector<std::string> cardOptions() const override { return {"--init", "piv,openpgp", "--once"}; }
};

TEST_F(DualCardMinidriverTest, ShowsThePivApplication) {
    const Bytes piv = provision(0x9A, KeyAlgorithm::EcP256, "");
    ASSERT_FALSE(piv.empty());
    ASSERT_NO_FATAL_FAILURE(acquire());
    Bytes map, cardId;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", map), kOk);
    ASSERT_EQ(map.size(), 4u * CONTAINER_MAP_RECORD_SIZE);  // PIV's four containers
    ASSERT_EQ(readCardFile(nullptr, "cardid", cardId), kOk);
    EXPECT_EQ(recordName(ByteView(map.data(), CONTAINER_MAP_RECORD_SIZE)), hex(cardId) + "-9A");
    EXPECT_NE(Bytes(cardId.begin(), cardId.begin() + 6), (Bytes{0xD2, 0x76, 0x00, 0x01, 0x24, 0x01}));
    PIN_SET pins = 0;
    DWORD len = 0;
    ASSERT_EQ(m_data.pfnCardGetProperty(&m_data, CP_CARD_LIST_PINS, reinterpret_cast<PBYTE>(&pins),
                                        sizeof pins, &len, 0),
              kOk);
    EXPECT_EQ(pins, 0x0Fu);  // everyone, user, admin (management key), PUK
}

}  // namespace
}  // namespace mdtest
