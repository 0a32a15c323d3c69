#include "pgp_test_util.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/apdu/command.h"
#include "core/apdu/tlv.h"
#include "vcard/open_card.h"

namespace vcard::pgptest {

std::string swHex(uint16_t sw) {
    char b[8];
    std::snprintf(b, sizeof b, "%04X", sw);
    return b;
}

Bytes ascii(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

Rsp Host::raw(ByteView apdu) {
    const Bytes r = m_card.process(apdu);
    EXPECT_GE(r.size(), 2u);
    if (r.size() < 2) return {};
    return {Bytes(r.begin(), r.end() - 2), static_cast<uint16_t>(r[r.size() - 2] << 8 | r[r.size() - 1])};
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

void Host::select() {
    ASSERT_EQ(swHex(raw("00A4040006D27600012401 00").sw), "9000");
}

uint16_t Host::verify(uint8_t ref, std::string_view pin) {
    return transmit(0x20, 0x00, ref, ascii(pin), 0).sw;
}

uint16_t Host::putData(uint16_t tag, ByteView value) {
    return transmit(0xDA, static_cast<uint8_t>(tag >> 8), static_cast<uint8_t>(tag), value, 0).sw;
}

void Host::setAttributes(int slot, std::string_view attrHex) {
    ASSERT_EQ(swHex(verify(0x83, "12345678")), "9000");
    ASSERT_EQ(swHex(putData(static_cast<uint16_t>(0xC1 + slot), hexBytes(attrHex))), "9000") << attrHex;
}

Bytes Host::generate(int slot) {
    Rsp r = transmit(0x47, 0x80, 0x00, crt(slot));
    EXPECT_EQ(swHex(r.sw), "9000");
    auto v = apdu::unwrap(r.data, 0x7F49);
    EXPECT_TRUE(v);
    return v ? Bytes(v->begin(), v->end()) : Bytes{};
}

Bytes crt(int slot) {
    static const uint8_t kTags[3] = {0xB6, 0xB8, 0xA4};
    return {kTags[slot], 0x00};
}

std::unique_ptr<VirtualCard> memoryCard(const std::string& apps) {
    auto c = createMemoryCard(apps);
    EXPECT_TRUE(c) << (c ? "" : c.error().describe());
    return c ? std::move(*c) : nullptr;
}

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pgpvcard.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp failed";
    m_path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(m_path, ec);
}

Bytes readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

}  // namespace vcard::pgptest
