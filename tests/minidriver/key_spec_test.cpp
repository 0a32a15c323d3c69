// The key spec of a PIV RSA container in a new context (as after a reinsertion): AT_SIGNATURE when the
// slot's certificate allows signatures only (keyUsage without key/data encipherment), AT_KEYEXCHANGE when
// it allows encryption or says nothing; 9C is AT_SIGNATURE whatever its certificate says.
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {
namespace {

using cardapp::KeyAlgorithm;
constexpr DWORD kOk = SCARD_S_SUCCESS;

class MinidriverKeySpecTest : public MinidriverTest {
protected:
    std::string files() {
        LPSTR names = nullptr;
        DWORD len = 0;
        EXPECT_EQ(m_data.pfnCardEnumFiles(&m_data, const_cast<LPSTR>("mscp"), &names, &len, 0), kOk);
        std::string out(names ? names : "", names ? len : 0);
        if (names) m_data.pfnCspFree(names);
        return out;
    }
    // {signature key blob size, key exchange blob size} of a container.
    std::pair<DWORD, DWORD> blobs(BYTE index, Bytes* sigBlob = nullptr) {
        CONTAINER_INFO ci{};
        EXPECT_EQ(m_data.pfnCardGetContainerInfo(&m_data, index, 0, &ci), kOk);
        if (sigBlob && ci.pbSigPublicKey) sigBlob->assign(ci.pbSigPublicKey, ci.pbSigPublicKey + ci.cbSigPublicKey);
        if (ci.pbSigPublicKey) m_data.pfnCspFree(ci.pbSigPublicKey);
        if (ci.pbKeyExPublicKey) m_data.pfnCspFree(ci.pbKeyExPublicKey);
        return {ci.cbSigPublicKey, ci.cbKeyExPublicKey};
    }
};

TEST_F(MinidriverKeySpecTest, RsaKeySpecFollowsTheCertificatesKeyUsage) {
    const Bytes signOnly = provision(0x9A, KeyAlgorithm::Rsa2048, "sig", "digitalSignature,nonRepudiation");
    provision(0x9D, KeyAlgorithm::Rsa2048, "kx", "digitalSignature,keyEncipherment");
    provision(0x9E, KeyAlgorithm::Rsa2048, "plain");  // no keyUsage extension
    ASSERT_FALSE(signOnly.empty());
    ASSERT_NO_FATAL_FAILURE(dropSecurityStatus());
    ASSERT_NO_FATAL_FAILURE(acquire());

    EXPECT_EQ(files(), std::string("cmapfile\0ksc00\0kxc02\0kxc03\0\0", 28));
    Bytes cmap;
    ASSERT_EQ(readCardFile("mscp", "cmapfile", cmap), kOk);
    EXPECT_EQ(cmap[82] | (cmap[83] << 8), 2048) << "9A: signature key size";
    EXPECT_EQ(cmap[84] | (cmap[85] << 8), 0);
    EXPECT_EQ(cmap[2 * 86 + 84] | (cmap[2 * 86 + 85] << 8), 2048) << "9D: key exchange key size";
    EXPECT_EQ(cmap[3 * 86 + 84] | (cmap[3 * 86 + 85] << 8), 2048) << "9E: key exchange key size";

    Bytes sigBlob;
    EXPECT_EQ(blobs(0, &sigBlob), (std::pair<DWORD, DWORD>{20 + 256, 0}));
    ASSERT_EQ(sigBlob.size(), 20u + 256u);
    EXPECT_EQ(sigBlob[5], 0x24);  // CALG_RSA_SIGN 0x00002400, little-endian
    EXPECT_EQ((blobs(2)), (std::pair<DWORD, DWORD>{0, 20 + 256}));
    EXPECT_EQ((blobs(3)), (std::pair<DWORD, DWORD>{0, 20 + 256}));

    // The signature key signs as AT_SIGNATURE (and is not a key exchange key).
    ASSERT_EQ(authenticate("123456"), kOk);
    Bytes hash = sha256(Bytes{'k', 'e', 'y', 's', 'p', 'e', 'c'});
    CARD_SIGNING_INFO info = signingInfo(0, AT_SIGNATURE, CALG_SHA_256, hash);
    ASSERT_EQ(m_data.pfnCardSignData(&m_data, &info), kOk);
    const Bytes sig(info.pbSignedData, info.pbSignedData + info.cbSignedData);
    m_data.pfnCspFree(info.pbSignedData);
    EXPECT_TRUE(verifyRsa(signOnly, hash, reversed(sig), "SHA256", false, 0));
}

}  // namespace
}  // namespace mdtest
