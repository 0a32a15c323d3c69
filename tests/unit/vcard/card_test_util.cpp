#include "card_test_util.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/apdu/tlv.h"
#include "vcard/open_card.h"

namespace vcard::test {

Rsp split(const Bytes& raw) {
    EXPECT_GE(raw.size(), 2u);
    if (raw.size() < 2) return {{}, 0};
    Rsp r;
    r.data.assign(raw.begin(), raw.end() - 2);
    r.sw = static_cast<uint16_t>(raw[raw.size() - 2] << 8 | raw[raw.size() - 1]);
    return r;
}

std::string swHex(uint16_t sw) {
    char b[8];
    std::snprintf(b, sizeof b, "%04X", sw);
    return b;
}

Bytes defaultMgmtKey() {
    return hexBytes("010203040506070801020304050607080102030405060708");
}

Bytes pinBlock(std::string_view pin) {
    Bytes b(pin.begin(), pin.end());
    while (b.size() < 8) b.push_back(0xFF);
    return b;
}

Rsp Host::raw(ByteView apdu) {
    return split(m_card.process(apdu));
}

Rsp Host::transmit(uint8_t ins, uint8_t p1, uint8_t p2, ByteView data, std::size_t ne) {
    std::size_t off = 0;
    while (data.size() - off > 255) {
        apdu::Command piece(0x10, ins, p1, p2, Bytes(data.begin() + off, data.begin() + off + 255));
        Rsp r = raw(*piece.encode());
        if (r.sw != 0x9000) return r;
        off += 255;
    }
    apdu::Command last(0x00, ins, p1, p2, Bytes(data.begin() + off, data.end()), ne);
    Rsp r = raw(*last.encode());
    Bytes all = r.data;
    while ((r.sw >> 8) == 0x61) {
        const std::size_t le = (r.sw & 0xFF) == 0 ? 256 : (r.sw & 0xFF);
        r = raw(*apdu::Command(0x00, 0xC0, 0x00, 0x00, {}, le).encode());
        all.insert(all.end(), r.data.begin(), r.data.end());
    }
    return {all, r.sw};
}

void Host::selectPiv() {
    Rsp r = raw("00A4040009A00000030800001000 00");
    ASSERT_EQ(r.sw, 0x9000);
}

uint16_t Host::verify(std::string_view pin) {
    Bytes cmd = hexBytes("0020008008");
    core::append(cmd, pinBlock(pin));
    return raw(cmd).sw;
}

uint16_t Host::authenticate(uint8_t alg, ByteView key) {
    Rsp w = transmit(0x87, alg, 0x9B, hexBytes("7C028000"));
    if (w.sw != 0x9000) return w.sw;
    auto inner = apdu::unwrap(w.data, 0x7C);
    EXPECT_TRUE(inner);
    if (!inner) return 0;
    auto witness = apdu::find(*inner, 0x80);
    EXPECT_TRUE(witness);
    if (!witness) return 0;
    Bytes r1 = blockDecrypt(alg, key, *witness);
    Bytes r2(r1.size());
    for (std::size_t i = 0; i < r2.size(); ++i) r2[i] = static_cast<uint8_t>(0x30 + i);
    Bytes tmpl =
        apdu::TlvBuilder().begin(0x7C).add(0x80, r1).add(0x81, r2).add(0x82, ByteView()).end().take();
    Rsp r = transmit(0x87, alg, 0x9B, tmpl);
    if (r.sw != 0x9000) return r.sw;
    EXPECT_EQ(r.data, apdu::TlvBuilder().begin(0x7C).add(0x82, blockEncrypt(alg, key, r2)).end().take());
    return r.sw;
}

uint16_t Host::authenticateDefault() {
    return authenticate(0x03, defaultMgmtKey());
}

Bytes Host::generate(uint8_t slot, uint8_t alg, ByteView extra) {
    Bytes inner = {0x80, 0x01, alg};
    core::append(inner, extra);
    Rsp r = transmit(0x47, 0x00, slot, apdu::encodeTlv(0xAC, inner));
    EXPECT_EQ(swHex(r.sw), "9000");
    auto v = apdu::unwrap(r.data, 0x7F49);
    EXPECT_TRUE(v);
    return v ? Bytes(v->begin(), v->end()) : Bytes{};
}

Bytes Host::generalAuth(uint8_t alg, uint8_t slot, uint8_t inputTag, ByteView input, uint16_t* sw) {
    Bytes tmpl = apdu::TlvBuilder().begin(0x7C).add(0x82, ByteView()).add(inputTag, input).end().take();
    Rsp r = transmit(0x87, alg, slot, tmpl);
    if (sw) *sw = r.sw;
    if (r.sw != 0x9000) return {};
    auto inner = apdu::unwrap(r.data, 0x7C);
    EXPECT_TRUE(inner);
    if (!inner) return {};
    auto res = apdu::find(*inner, 0x82);
    EXPECT_TRUE(res);
    return res ? Bytes(res->begin(), res->end()) : Bytes{};
}

namespace {
Bytes blockCipher(uint8_t alg, ByteView key, ByteView block, int enc) {
    const EVP_CIPHER* c = alg == 0x03   ? EVP_des_ede3_ecb()
                          : alg == 0x08 ? EVP_aes_128_ecb()
                          : alg == 0x0A ? EVP_aes_192_ecb()
                                        : EVP_aes_256_ecb();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes out(block.size() + 32);
    int n = 0, f = 0;
    EVP_CipherInit_ex(ctx, c, nullptr, key.data(), nullptr, enc);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_CipherUpdate(ctx, out.data(), &n, block.data(), static_cast<int>(block.size()));
    EVP_CipherFinal_ex(ctx, out.data() + n, &f);
    EVP_CIPHER_CTX_free(ctx);
    out.resize(static_cast<std::size_t>(n + f));
    return out;
}
}  // namespace

Bytes blockEncrypt(uint8_t alg, ByteView key, ByteView block) {
    return blockCipher(alg, key, block, 1);
}
Bytes blockDecrypt(uint8_t alg, ByteView key, ByteView block) {
    return blockCipher(alg, key, block, 0);
}

std::unique_ptr<VirtualCard> memoryCard() {
    auto c = createMemoryCard("piv");
    EXPECT_TRUE(c) << (c ? "" : c.error().describe());
    return c ? std::move(*c) : nullptr;
}

TempDir::TempDir() {
    char tmpl[] = "/tmp/vcard_test_XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    m_path = d ? d : "/tmp";
}

TempDir::~TempDir() {
    std::error_code ec;
    if (m_path != "/tmp") std::filesystem::remove_all(m_path, ec);
}

Bytes readFile(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), {});
}

void writeFile(const std::filesystem::path& p, ByteView data) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

}  // namespace vcard::test
