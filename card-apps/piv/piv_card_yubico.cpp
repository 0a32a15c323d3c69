// PivCard: Yubico extensions (§6). Each answers NotSupported once the card said 6D00 / 6A81, without
// asking again (sendVendor caches it).
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "card-apps/piv/ossl_handles.h"
#include "card-apps/piv/piv_card.h"
#include "card-apps/piv/piv_card_util.h"
#include "card-apps/piv/piv_public_key.h"

namespace piv {

using cardapp::KeyAlgorithm;
using core::Errc;
using core::fail;

core::Result<Version> PivCard::getVersion() {
    auto data = sendVendor(apdu::Command(0x00, ins::kGetVersion, 0x00, 0x00, {}, 256), "GET VERSION");
    if (!data) return fail(data.error());
    if (data->size() != 3) return fail(Errc::Malformed, "GET VERSION answer is not 3 bytes");
    return Version{(*data)[0], (*data)[1], (*data)[2]};
}

core::Result<uint32_t> PivCard::getSerial() {
    auto data = sendVendor(apdu::Command(0x00, ins::kGetSerial, 0x00, 0x00, {}, 256), "GET SERIAL");
    if (!data) return fail(data.error());
    if (data->size() != 4) return fail(Errc::Malformed, "GET SERIAL answer is not 4 bytes");
    const auto& d = *data;
    return uint32_t(d[0]) << 24 | uint32_t(d[1]) << 16 | uint32_t(d[2]) << 8 | d[3];
}

core::Result<Metadata> PivCard::getMetadata(uint8_t ref) {
    // Le 65536: an RSA key's metadata holds its public key (~280 bytes); with extended length it comes in
    // one APDU. GET METADATA never probes (apdu::ChannelOptions): it waits for a read to have decided.
    auto data = sendVendor(apdu::Command(0x00, ins::kGetMetadata, 0x00, ref, {}, apdu::kMaxExtended + 1),
                           "GET METADATA");
    if (!data) return fail(data.error());
    return decodeMetadata(*data);
}

core::Result<Bytes> PivCard::attest(uint8_t slot) {
    auto data = sendVendor(apdu::Command(0x00, ins::kAttest, slot, 0x00, {}, 256), "ATTEST");
    if (!data) return fail(data.error());
    if (data->empty() || (*data)[0] != 0x30)
        return fail(Errc::Malformed, "ATTEST answer is not a DER certificate");
    return data;
}

namespace {

// Appends tag + length + value to a buffer reserved up front, so no reallocation leaves key bytes behind.
void appendSecret(Bytes& out, uint32_t t, core::ByteView v) {
    apdu::appendTag(out, t);
    apdu::appendLength(out, v.size());
    out.insert(out.end(), v.begin(), v.end());
}

core::Status appendBn(Bytes& out, uint32_t t, EVP_PKEY* pkey, const char* param, std::size_t width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1 || !raw)
        return fail(Errc::InvalidArgument, std::string("private key lacks ") + param);
    ossl::Bn bn(raw);
    core::SecureBytes v(width);
    if (BN_bn2binpad(bn.get(), v.data(), static_cast<int>(width)) < 0)
        return fail(Errc::InvalidArgument, std::string("private key component too large: ") + param);
    appendSecret(out, t, view(v));
    return {};
}

core::Result<KeyAlgorithm> importTemplate(EVP_PKEY* pkey, Bytes& out) {
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        KeyAlgorithm a{};
        switch (EVP_PKEY_get_bits(pkey)) {
            case 1024:
                a = KeyAlgorithm::Rsa1024;
                break;
            case 2048:
                a = KeyAlgorithm::Rsa2048;
                break;
            case 3072:
                a = KeyAlgorithm::Rsa3072;
                break;
            case 4096:
                a = KeyAlgorithm::Rsa4096;
                break;
            default:
                return fail(Errc::NotSupported, "RSA key size not supported by PIV");
        }
        // p, q, dP, dQ, qInv, each left-padded to half the modulus length.
        const std::size_t half = cardapp::rsaModulusBytes(a) / 2;
        MESIGN_TRY(appendBn(out, tag::kImportP, pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, half));
        MESIGN_TRY(appendBn(out, tag::kImportQ, pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, half));
        MESIGN_TRY(appendBn(out, tag::kImportDp, pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1, half));
        MESIGN_TRY(appendBn(out, tag::kImportDq, pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2, half));
        MESIGN_TRY(appendBn(out, tag::kImportQinv, pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, half));
        return a;
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        // The public half tells us the curve without a second parser.
        unsigned char* der = nullptr;
        const int len = i2d_PUBKEY(pkey, &der);
        if (len <= 0) return fail(Errc::InvalidArgument, "EC key without public part");
        auto a = algorithmFromSpki(core::ByteView(der, static_cast<std::size_t>(len)));
        OPENSSL_free(der);
        if (!a) return fail(a.error());
        MESIGN_TRY(appendBn(out, tag::kImportEcScalar, pkey, OSSL_PKEY_PARAM_PRIV_KEY, ecFieldBytes(*a)));
        return *a;
    }
    const bool ed = EVP_PKEY_is_a(pkey, "ED25519");
    if (ed || EVP_PKEY_is_a(pkey, "X25519")) {
        core::SecureBytes raw(32);
        std::size_t len = raw.size();
        if (EVP_PKEY_get_raw_private_key(pkey, raw.data(), &len) != 1 || len != 32)
            return fail(Errc::InvalidArgument, "cannot read the 25519 private key");
        appendSecret(out, ed ? tag::kImportEd25519Seed : tag::kImportX25519Key, view(raw));
        return ed ? KeyAlgorithm::Ed25519 : KeyAlgorithm::X25519;
    }
    return fail(Errc::NotSupported, "private key type not supported by PIV");
}

}  // namespace

core::Result<KeyAlgorithm> PivCard::importKey(uint8_t slot, ByteView privateKeyDer, GenerateOptions opts) {
    if (!findSlot(slot)) return fail(Errc::InvalidArgument, "not a PIV asymmetric key slot");
    const unsigned char* p = privateKeyDer.data();
    ossl::Pkey pkey(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(privateKeyDer.size())));
    if (!pkey) return fail(Errc::InvalidArgument, "private key is not DER PKCS#8 / RSA / EC");

    apdu::Command cmd(0x00, ins::kImportKey, 0x00, slot);
    detail::WipeOnExit wipe(cmd);
    cmd.data.reserve(5 * (256 + 4) + 16);  // largest case: RSA-4096
    auto a = importTemplate(pkey.get(), cmd.data);
    if (!a) return fail(a.error());
    cmd.p1 = algorithmId(*a);
    const uint8_t pin = static_cast<uint8_t>(opts.pinPolicy);
    const uint8_t touch = static_cast<uint8_t>(opts.touchPolicy);
    if (opts.pinPolicy != PinPolicyByte::Default) appendSecret(cmd.data, tag::kPinPolicy, ByteView(&pin, 1));
    if (opts.touchPolicy != TouchPolicy::Default)
        appendSecret(cmd.data, tag::kTouchPolicy, ByteView(&touch, 1));
    auto ok = sendVendor(cmd, "IMPORT KEY");
    if (!ok) return fail(ok.error());
    return *a;
}

}  // namespace piv
