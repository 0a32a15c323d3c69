// PKCS#11 attribute templates (pkcs11/attributes.h): the attribute sets of a certificate, public key and
// private key built from a parsed SPKI and certificate of the input, then a caller's template read
// (C_GetAttributeValue's core) and matched (C_FindObjects'). Input: app (bit 0: OpenPGP), key reference,
// usage bits, on-card flag, SPKI chunk, certificate chunk, then template entries of (type selector,
// buffer length + 1 or 0 for NULL). Buffers are exact-size heap blocks: ASan catches any over-write.
// Invariants: values copied are the set's; CKR_OK only when every entry was answered; a template read
// with CKR_OK matches the set it was read from.
#include <cstring>
#include <memory>
#include <vector>

#include "fuzz_input.h"
#include "pkcs11/attributes.h"

namespace {

std::optional<cardapp::KeyAlgorithm> algorithmOf(const crypto::PublicKey& k) {
    using cardapp::KeyAlgorithm;
    switch (k.type) {
    case crypto::KeyType::Rsa:
        if (k.bits == 1024) return KeyAlgorithm::Rsa1024;
        if (k.bits == 2048) return KeyAlgorithm::Rsa2048;
        if (k.bits == 3072) return KeyAlgorithm::Rsa3072;
        if (k.bits == 4096) return KeyAlgorithm::Rsa4096;
        return std::nullopt;
    case crypto::KeyType::Ec: return k.bits == 256 ? KeyAlgorithm::EcP256 : KeyAlgorithm::EcP384;
    case crypto::KeyType::Ed25519: return KeyAlgorithm::Ed25519;
    case crypto::KeyType::X25519: return KeyAlgorithm::X25519;
    }
    return std::nullopt;
}

void readAndMatch(const p11::AttributeSet& set, fuzz::Input in) {
    std::vector<CK_ATTRIBUTE_TYPE> known;
    for (const auto& [t, v] : set.values) known.push_back(t);
    for (auto t : set.sensitive) known.push_back(t);

    std::vector<CK_ATTRIBUTE> tmpl;
    std::vector<std::unique_ptr<uint8_t[]>> buffers;
    std::vector<CK_ULONG> sizes;
    while (!in.empty() && tmpl.size() < 32) {
        const uint8_t sel = in.byte();
        CK_ATTRIBUTE_TYPE type = (sel & 0x80 || known.empty()) ? static_cast<CK_ATTRIBUTE_TYPE>(sel & 0x7F) << 8 | in.byte()
                                                                : known[sel % known.size()];
        const uint8_t len = in.byte();
        CK_ATTRIBUTE a{type, nullptr, 0};
        if (len) {
            buffers.push_back(std::make_unique<uint8_t[]>(len - 1u));
            a.pValue = buffers.back().get();
            a.ulValueLen = len - 1u;
        } else {
            a.ulValueLen = in.byte();
        }
        sizes.push_back(a.ulValueLen);
        tmpl.push_back(a);
    }
    const CK_RV rv = p11::readAttributes(set, tmpl);
    bool allAnswered = true;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        const CK_ATTRIBUTE& a = tmpl[i];
        const core::Bytes* v = set.find(a.type);
        if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
            allAnswered = false;
            continue;
        }
        FUZZ_CHECK(v != nullptr);
        FUZZ_CHECK(a.ulValueLen == v->size());
        if (a.pValue) {
            FUZZ_CHECK(a.ulValueLen <= sizes[i]);
            FUZZ_CHECK(v->empty() || std::memcmp(a.pValue, v->data(), v->size()) == 0);
        }
    }
    FUZZ_CHECK((rv == CKR_OK) == allAnswered);
    bool allValues = true;
    for (const auto& a : tmpl) allValues = allValues && (a.pValue || a.ulValueLen == 0);
    if (rv == CKR_OK && allValues) FUZZ_CHECK(p11::matchesTemplate(set, tmpl));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Input in(data, size);
    const auto app = (in.byte() & 1) ? token::AppKind::OpenPgp : token::AppKind::Piv;
    token::KeyObject k;
    k.key.ref = in.byte();
    k.key.usage = in.byte() & 7;
    k.key.generatedOnCard = (in.byte() & 1) != 0;
    if (auto pk = crypto::parseSpki(in.chunk())) {
        k.key.algorithm = algorithmOf(*pk);
        k.key.publicKeyInfo = pk->spki;
        k.publicKey = std::move(*pk);
    }
    if (auto c = crypto::parseCertificate(in.chunk())) {
        k.certificate = std::move(*c);
        k.key.hasCertificate = true;
    }
    const auto rest = in.rest();
    readAndMatch(p11::profileAttributes(), fuzz::Input(rest.data(), rest.size()));
    if (k.certificate) readAndMatch(p11::certificateAttributes(k, app), fuzz::Input(rest.data(), rest.size()));
    if (k.publicKey && k.key.algorithm) {
        readAndMatch(p11::publicKeyAttributes(k, app), fuzz::Input(rest.data(), rest.size()));
        readAndMatch(p11::privateKeyAttributes(k, app), fuzz::Input(rest.data(), rest.size()));
    }
    return 0;
}
