#include "vcard/openpgp/openpgp_algo.h"

#include <algorithm>

#include "core/apdu/tlv.h"

namespace vcard::openpgp {

namespace {

struct Curve {
    KeyKind kind;
    Bytes oid;  // DER content octets
};

// Accepted curve OIDs; the RFC 8410 forms are aliases some hosts (OpenSC) write.
const std::vector<Curve>& curves() {
    static const std::vector<Curve> kCurves = {
        {KeyKind::P256, {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}},
        {KeyKind::P384, {0x2B, 0x81, 0x04, 0x00, 0x22}},
        {KeyKind::Ed25519, {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01}},
        {KeyKind::X25519, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01}},
        {KeyKind::Ed25519, {0x2B, 0x65, 0x70}},
        {KeyKind::X25519, {0x2B, 0x65, 0x6E}},
    };
    return kCurves;
}

std::optional<AlgoSpec> parseRsa(ByteView a) {
    if (a.size() != 5 && a.size() != 6) return std::nullopt;
    AlgoSpec s;
    s.rsaBits = static_cast<unsigned>(a[1] << 8 | a[2]);
    s.rsaEBits = static_cast<unsigned>(a[3] << 8 | a[4]);
    if (s.rsaBits != 2048 && s.rsaBits != 3072 && s.rsaBits != 4096) return std::nullopt;
    // e = 65537 needs 17 bits; GnuPG writes 32, SmartPGP 17.
    if (s.rsaEBits < 17 || s.rsaEBits > 32) return std::nullopt;
    const uint8_t format = a.size() == 6 ? a[5] : 0;
    if (format > 3) return std::nullopt;
    s.rsaImport = static_cast<RsaImport>(format);
    return s;
}

}  // namespace

bool isEc(KeyKind k) {
    return k == KeyKind::P256 || k == KeyKind::P384;
}
std::size_t fieldBytes(KeyKind k) {
    return k == KeyKind::P384 ? 48 : 32;
}
bool canSign(KeyKind k) {
    return k != KeyKind::X25519;
}
bool canDecipher(KeyKind k) {
    return k != KeyKind::Ed25519;
}

std::optional<AlgoSpec> parseAttributes(Slot slot, ByteView a) {
    if (a.empty()) return std::nullopt;
    if (a[0] == algo_id::kRsa) return parseRsa(a);
    const uint8_t id = a[0];
    if (id != algo_id::kEcdh && id != algo_id::kEcdsa && id != algo_id::kEddsa) return std::nullopt;
    ByteView oid = a.subspan(1);
    AlgoSpec s;
    s.id = id;
    // A trailing 00/FF is the "public key in import" byte, not part of the OID.
    if (!oid.empty() && (oid.back() == 0x00 || oid.back() == 0xFF)) {
        s.importWithPublic = oid.back() == 0xFF;
        oid = oid.first(oid.size() - 1);
    }
    const auto& cs = curves();
    const auto it = std::find_if(cs.begin(), cs.end(), [&](const Curve& c) {
        return std::equal(oid.begin(), oid.end(), c.oid.begin(), c.oid.end());
    });
    if (it == cs.end()) return std::nullopt;
    s.kind = it->kind;
    // ECDH only in the decryption slot; signature algorithms only in SIG and AUT.
    const bool decSlot = slot == Slot::Dec;
    switch (s.kind) {
        case KeyKind::P256:
        case KeyKind::P384:
            if (decSlot ? id != algo_id::kEcdh : id != algo_id::kEcdsa) return std::nullopt;
            break;
        case KeyKind::Ed25519:
            if (decSlot || id != algo_id::kEddsa) return std::nullopt;
            break;
        case KeyKind::X25519:
            if (!decSlot || id != algo_id::kEcdh) return std::nullopt;
            break;
        case KeyKind::Rsa:
            return std::nullopt;
    }
    return s;
}

Bytes defaultAttributes() {
    return {algo_id::kRsa, 0x08, 0x00, 0x00, 0x20, 0x00};
}

Bytes algorithmInformation() {
    apdu::TlvBuilder b;
    const Bytes p256 = curves()[0].oid, p384 = curves()[1].oid, ed = curves()[2].oid, cv = curves()[3].oid;
    for (uint32_t tag : {0xC1u, 0xC2u, 0xC3u}) {
        for (uint8_t hi : {0x08, 0x0C, 0x10}) b.add(tag, {algo_id::kRsa, hi, 0x00, 0x00, 0x20, 0x00});
        const uint8_t ec = tag == 0xC2 ? algo_id::kEcdh : algo_id::kEcdsa;
        for (const Bytes* oid : {&p256, &p384}) {
            Bytes v{ec};
            core::append(v, *oid);
            b.add(tag, v);
        }
        Bytes v{tag == 0xC2 ? algo_id::kEcdh : algo_id::kEddsa};
        core::append(v, tag == 0xC2 ? cv : ed);
        b.add(tag, v);
    }
    return b.take();
}

}  // namespace vcard::openpgp
