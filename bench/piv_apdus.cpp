// Hand-built PIV signature APDUs (see piv_apdus.h).
#include "bench/piv_apdus.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

namespace bench {
namespace {

bool ok9000(const Bytes& r) { return r.size() >= 2 && r[r.size() - 2] == 0x90 && r.back() == 0x00; }

Bytes berLength(std::size_t n) {
    if (n < 0x80) return {static_cast<uint8_t>(n)};
    if (n < 0x100) return {0x81, static_cast<uint8_t>(n)};
    return {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
}

// Dynamic authentication template 7C { 82 (empty: response wanted), 81 challenge }.
Bytes gaTemplate(const Bytes& challenge) {
    Bytes inner{0x82, 0x00, 0x81};
    Bytes l = berLength(challenge.size());
    inner.insert(inner.end(), l.begin(), l.end());
    inner.insert(inner.end(), challenge.begin(), challenge.end());
    Bytes out{0x7C};
    l = berLength(inner.size());
    out.insert(out.end(), l.begin(), l.end());
    out.insert(out.end(), inner.begin(), inner.end());
    return out;
}

// The 82 value of the response template (the signature).
Bytes responseValue(const Bytes& r) {
    auto readLen = [&](std::size_t& i) {
        std::size_t n = r.at(i++);
        if (n == 0x81) {
            n = r.at(i++);
        } else if (n == 0x82) {
            n = std::size_t(r.at(i)) << 8 | r.at(i + 1);
            i += 2;
        }
        return n;
    };
    std::size_t i = 0;
    if (r.empty() || r[i++] != 0x7C) fail("response is not a 7C template");
    readLen(i);
    while (i < r.size()) {
        const uint8_t tag = r[i++];
        const std::size_t n = readLen(i);
        if (i + n > r.size()) fail("truncated response template");
        if (tag == 0x82) return Bytes(r.begin() + static_cast<long>(i), r.begin() + static_cast<long>(i + n));
        i += n;
    }
    fail("no 82 in the response template");
}

}  // namespace

Bytes exchange(const Transmit& tx, uint8_t ins, uint8_t p1, uint8_t p2, const Bytes& data, bool le, bool extended) {
    std::size_t at = 0;
    Bytes rsp;
    if (extended) {  // one APDU: Lc and Le in three bytes each (ISO 7816-4 5.1), Le 0000 = 65536
        Bytes apdu{0x00, ins, p1, p2, 0x00, static_cast<uint8_t>(data.size() >> 8), static_cast<uint8_t>(data.size())};
        apdu.insert(apdu.end(), data.begin(), data.end());
        if (le) apdu.insert(apdu.end(), {0x00, 0x00});
        rsp = tx(apdu);
        if (rsp.size() < 2) fail("response without a status word");
        at = data.size();
    }
    while (at < data.size()) {
        const std::size_t len = std::min<std::size_t>(255, data.size() - at);
        const bool last = at + len == data.size();
        Bytes apdu{static_cast<uint8_t>(last ? 0x00 : 0x10), ins, p1, p2};
        if (len > 0) apdu.push_back(static_cast<uint8_t>(len));
        apdu.insert(apdu.end(), data.begin() + static_cast<long>(at), data.begin() + static_cast<long>(at + len));
        if (last && le) apdu.push_back(0x00);
        rsp = tx(apdu);
        if (rsp.size() < 2) fail("response without a status word");
        at += len;
        if (!last && !ok9000(rsp)) fail("chained piece refused");
    }
    Bytes out;
    while (rsp[rsp.size() - 2] == 0x61) {
        out.insert(out.end(), rsp.begin(), rsp.end() - 2);
        rsp = tx(Bytes{0x00, 0xC0, 0x00, 0x00, rsp.back()});
        if (rsp.size() < 2) fail("response without a status word");
    }
    if (!ok9000(rsp)) {
        char sw[8];
        std::snprintf(sw, sizeof sw, "%02X%02X", rsp[rsp.size() - 2], rsp.back());
        fail(std::string("card answered ") + sw);
    }
    out.insert(out.end(), rsp.begin(), rsp.end() - 2);
    return out;
}

void selectPiv(const Transmit& tx) {
    exchange(tx, 0xA4, 0x04, 0x00, Bytes{0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00}, true);
}

void verifyPin(const Transmit& tx, const std::string& pin) {
    Bytes padded(pin.begin(), pin.end());
    padded.resize(8, 0xFF);
    exchange(tx, 0x20, 0x00, 0x80, padded, false);
}

Bytes generalAuthenticate(const Transmit& tx, bool rsa, uint8_t keyRef, bool extended) {
    const Bytes hash = sha256(kMessage);
    Bytes challenge = hash;
    if (rsa) {  // 00 01 FF.. 00 DigestInfo(SHA-256)
        const Bytes prefix{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                           0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
        challenge.assign(256, 0xFF);
        challenge[0] = 0x00;
        challenge[1] = 0x01;
        const std::size_t t = prefix.size() + hash.size();
        challenge[256 - t - 1] = 0x00;
        std::copy(prefix.begin(), prefix.end(), challenge.end() - static_cast<long>(t));
        std::copy(hash.begin(), hash.end(), challenge.end() - 32);
    }
    return responseValue(exchange(tx, 0x87, rsa ? 0x07 : 0x11, keyRef, gaTemplate(challenge), true, extended && rsa));
}

void verifyRawOrFail(const Bytes& spki, bool rsa, const Bytes& sig) {
    const unsigned char* p = spki.data();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())),
                                                            EVP_PKEY_free);
    if (!pub) fail("public key does not parse");
    bool ok = false;
    if (rsa) {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        ok = EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, pub.get()) == 1 &&
             EVP_DigestVerify(md.get(), sig.data(), sig.size(),
                              reinterpret_cast<const unsigned char*>(kMessage.data()), kMessage.size()) == 1;
    } else {  // the card answers with the DER SEQUENCE
        const Bytes hash = sha256(kMessage);
        std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(pub.get(), nullptr),
                                                                        EVP_PKEY_CTX_free);
        ok = EVP_PKEY_verify_init(ctx.get()) == 1 &&
             EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), hash.data(), hash.size()) == 1;
    }
    if (!ok) fail("the card's signature does not verify with OpenSSL");
}

}  // namespace bench
