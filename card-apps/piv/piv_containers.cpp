#include "card-apps/piv/piv_containers.h"

#include <zlib.h>

#include "card-apps/piv/piv_constants.h"
#include "core/apdu/tlv.h"

namespace piv {

using core::Errc;
using core::fail;

namespace {

core::Error malformed(std::string what) {
    return core::Error(Errc::Malformed, std::move(what));
}

// Walks the top-level objects of a container; any TLV error is Malformed.
core::Result<std::vector<apdu::Tlv>> objects(ByteView data, const char* what) {
    auto all = apdu::parseAll(data);
    if (!all) return fail(malformed(std::string(what) + ": " + all.error().message));
    return all;
}

std::string asText(ByteView v) {
    return std::string(v.begin(), v.end());
}

}  // namespace

core::Result<SelectInfo> decodeSelectResponse(ByteView data) {
    auto apt = apdu::unwrap(data, tag::kApplicationTemplate);
    if (!apt) return fail(malformed("SELECT answer: " + apt.error().message));
    auto items = objects(*apt, "SELECT template");
    if (!items) return fail(items.error());
    SelectInfo info;
    for (const auto& t : *items) {
        if (t.tag == tag::kAid) {
            info.aid.assign(t.value.begin(), t.value.end());
        } else if (t.tag == tag::kLabel) {
            info.label = asText(t.value);
        } else if (t.tag == tag::kAlgorithms) {
            // 80 01 <alg> entries followed by 06 01 00 (or PivApplet's 06 00): keep only the 80s.
            auto algs = objects(t.value, "SELECT algorithm list");
            if (!algs) return fail(algs.error());
            for (const auto& a : *algs)
                if (a.tag == tag::kAlgorithmId && a.value.size() == 1) info.algorithms.push_back(a.value[0]);
        }
    }
    if (info.aid.empty()) return fail(malformed("SELECT answer without application identifier (4F)"));
    return info;
}

core::Result<Chuid> decodeChuid(ByteView content) {
    auto items = objects(content, "CHUID");
    if (!items) return fail(items.error());
    Chuid c;
    for (const auto& t : *items) {
        Bytes v(t.value.begin(), t.value.end());
        switch (t.tag) {
            case tag::kFascn:
                c.fascn = std::move(v);
                break;
            case tag::kGuid:
                c.guid = std::move(v);
                break;
            case tag::kExpiration:
                c.expiration = asText(t.value);
                break;
            case tag::kCardholderUuid:
                c.cardholderUuid = std::move(v);
                break;
            case tag::kIssuerSignature:
                c.issuerSignature = std::move(v);
                break;
            default:
                break;  // 800-73-4 leftovers (32, 33, EE) and FE
        }
    }
    if (!c.guid.empty() && c.guid.size() != 16) return fail(malformed("CHUID GUID is not 16 bytes"));
    return c;
}

Bytes encodeChuid(const Chuid& c) {
    apdu::TlvBuilder b;
    b.add(tag::kFascn, c.fascn).add(tag::kGuid, c.guid);
    b.add(tag::kExpiration,
          ByteView(reinterpret_cast<const uint8_t*>(c.expiration.data()), c.expiration.size()));
    if (!c.cardholderUuid.empty()) b.add(tag::kCardholderUuid, c.cardholderUuid);
    b.add(tag::kIssuerSignature, c.issuerSignature).add(tag::kErrorDetection, ByteView());
    return b.take();
}

core::Result<Discovery> decodeDiscovery(ByteView value) {
    auto items = objects(value, "Discovery object");
    if (!items) return fail(items.error());
    Discovery d;
    bool havePolicy = false;
    for (const auto& t : *items) {
        if (t.tag == tag::kAid) {
            d.aid.assign(t.value.begin(), t.value.end());
        } else if (t.tag == tag::kPinUsagePolicy) {
            if (t.value.size() != 2) return fail(malformed("Discovery PIN usage policy is not 2 bytes"));
            d.pinPolicy1 = t.value[0];
            d.pinPolicy2 = t.value[1];
            havePolicy = true;
        }
    }
    if (!havePolicy) return fail(malformed("Discovery object without PIN usage policy (5F2F)"));
    return d;
}

core::Result<KeyHistory> decodeKeyHistory(ByteView content) {
    auto items = objects(content, "Key History object");
    if (!items) return fail(items.error());
    KeyHistory h;
    for (const auto& t : *items) {
        if ((t.tag == tag::kKeysWithOnCardCerts || t.tag == tag::kKeysWithOffCardCerts) &&
            t.value.size() != 1)
            return fail(malformed("Key History count is not 1 byte"));
        if (t.tag == tag::kKeysWithOnCardCerts) h.keysWithOnCardCerts = t.value[0];
        if (t.tag == tag::kKeysWithOffCardCerts) h.keysWithOffCardCerts = t.value[0];
        if (t.tag == tag::kOffCardCertUrl) h.offCardCertUrl = asText(t.value);
    }
    if (h.keysWithOnCardCerts + h.keysWithOffCardCerts > 20)
        return fail(malformed("Key History counts more than 20 retired keys"));
    return h;
}

Bytes encodeKeyHistory(const KeyHistory& h) {
    apdu::TlvBuilder b;
    b.addByte(tag::kKeysWithOnCardCerts, h.keysWithOnCardCerts);
    b.addByte(tag::kKeysWithOffCardCerts, h.keysWithOffCardCerts);
    if (!h.offCardCertUrl.empty())
        b.add(tag::kOffCardCertUrl,
              ByteView(reinterpret_cast<const uint8_t*>(h.offCardCertUrl.data()), h.offCardCertUrl.size()));
    b.add(tag::kErrorDetection, ByteView());
    return b.take();
}

core::Result<std::optional<Bytes>> decodeCertificateContainer(ByteView content) {
    if (content.empty()) return std::optional<Bytes>();  // created but unused object
    auto items = objects(content, "certificate container");
    if (!items) return fail(items.error());
    std::optional<ByteView> cert;
    uint8_t certInfo = 0;
    for (const auto& t : *items) {
        if (t.tag == tag::kCertificate) cert = t.value;
        if (t.tag == tag::kCertInfo && !t.value.empty()) certInfo = t.value[0];
    }
    if (!cert) return fail(malformed("certificate container without certificate (70)"));
    if (cert->empty()) return std::optional<Bytes>();
    // OpenSC also treats 80 as compressed (old cards); b1 is the gzip bit.
    if (!(certInfo & 0x01) && certInfo != 0x80)
        return std::optional<Bytes>(Bytes(cert->begin(), cert->end()));
    ByteView packed = *cert;
    // Net iD variant (yubikey-manager): 01 00 + 2-byte LE length, then a zlib stream.
    if (packed.size() > 4 && packed[0] == 0x01 && packed[1] == 0x00) packed = packed.subspan(4);
    auto der = inflateBounded(packed, kMaxCertificateSize);
    if (!der) return fail(der.error());
    return std::optional<Bytes>(std::move(*der));
}

core::Result<Bytes> encodeCertificateContainer(ByteView der, bool compress) {
    if (der.empty()) return fail(Errc::InvalidArgument, "empty certificate");
    Bytes body;
    if (compress) {
        auto z = gzipCompress(der);
        if (!z) return fail(z.error());
        body = std::move(*z);
    } else {
        body.assign(der.begin(), der.end());
    }
    apdu::TlvBuilder b;
    b.add(tag::kCertificate, body).addByte(tag::kCertInfo, compress ? 0x01 : 0x00);
    b.add(tag::kErrorDetection, ByteView());
    return b.take();
}

core::Result<Metadata> decodeMetadata(ByteView data) {
    auto items = objects(data, "GET METADATA answer");
    if (!items) return fail(items.error());
    Metadata m;
    auto byteOf = [](const apdu::Tlv& t) -> std::optional<uint8_t> {
        if (t.value.size() != 1) return std::nullopt;
        return t.value[0];
    };
    for (const auto& t : *items) {
        switch (t.tag) {
            case tag::kMetaAlgorithm:
                m.algorithm = byteOf(t);
                break;
            case tag::kMetaOrigin:
                m.origin = byteOf(t);
                break;
            case tag::kMetaIsDefault:
                if (auto b = byteOf(t)) m.isDefault = *b != 0;
                break;
            case tag::kMetaPolicy:
                if (t.value.size() != 2) return fail(malformed("GET METADATA policy is not 2 bytes"));
                m.pinPolicy = t.value[0];
                m.touchPolicy = t.value[1];
                break;
            case tag::kMetaPublicKey:
                m.publicKey.assign(t.value.begin(), t.value.end());
                break;
            case tag::kMetaRetries:
                if (t.value.size() != 2) return fail(malformed("GET METADATA retries is not 2 bytes"));
                m.retriesTotal = t.value[0];
                m.retriesRemaining = t.value[1];
                break;
            default:
                break;
        }
    }
    return m;
}

core::Result<Bytes> gzipCompress(ByteView data) {
    z_stream zs{};
    // windowBits 15 + 16: gzip wrapper, as PIV CertInfo 01 means.
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return fail(Errc::Internal, "zlib deflateInit2 failed");
    Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const std::size_t produced = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return fail(Errc::Internal, "zlib deflate did not finish");
    out.resize(produced);
    return out;
}

core::Result<Bytes> inflateBounded(ByteView data, std::size_t maxOut) {
    z_stream zs{};
    // windowBits 15 + 32: accept both gzip and zlib headers.
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return fail(Errc::Internal, "zlib inflateInit2 failed");
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    Bytes out;
    uint8_t chunk[4096];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        const std::size_t got = sizeof chunk - zs.avail_out;
        if (out.size() + got > maxOut) {
            inflateEnd(&zs);
            return fail(
                malformed("compressed certificate expands beyond " + std::to_string(maxOut) + " bytes"));
        }
        out.insert(out.end(), chunk, chunk + got);
        if (rc == Z_OK && got == 0 && zs.avail_in == 0) {
            rc = Z_BUF_ERROR;  // input ended before the stream did
            break;
        }
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return fail(malformed("compressed certificate is not a valid gzip/zlib stream"));
    return out;
}

namespace {
core::Result<core::SecureBytes> padReference(ByteView v, const char* what) {
    if (v.size() < 6 || v.size() > 8)
        return fail(Errc::InvalidArgument, std::string(what) + " must be 6 to 8 characters");
    core::SecureBytes out(8, 0xFF);
    std::copy(v.begin(), v.end(), out.begin());
    return out;
}
}  // namespace

core::Result<core::SecureBytes> formatPin(ByteView pin) {
    for (uint8_t c : pin)
        if (c < 0x20 || c > 0x7E) return fail(Errc::InvalidArgument, "PIN must be printable ASCII");
    return padReference(pin, "PIN");
}

core::Result<core::SecureBytes> formatPuk(ByteView puk) {
    return padReference(puk, "PUK");
}

}  // namespace piv
