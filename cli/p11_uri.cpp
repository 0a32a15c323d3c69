#include "cli/p11_uri.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace cli {

namespace {

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percentDecode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hexDigit(s[i + 1]), lo = hexDigit(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

}  // namespace

CliResult<P11Uri> parseP11Uri(std::string_view text) {
    constexpr std::string_view scheme = "pkcs11:";
    if (!text.starts_with(scheme))
        return cliFail(kExitUsage, "'" + std::string(text) + "' is not a pkcs11 URI (pkcs11:token=...;serial=...)");
    std::string_view path = text.substr(scheme.size());
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    P11Uri uri;
    while (!path.empty()) {
        auto semi = path.find(';');
        std::string_view attr = path.substr(0, semi);
        path = semi == std::string_view::npos ? std::string_view() : path.substr(semi + 1);
        if (attr.empty()) continue;
        auto eq = attr.find('=');
        if (eq == std::string_view::npos)
            return cliFail(kExitUsage, "pkcs11 URI attribute '" + std::string(attr) + "' has no value");
        std::string name(attr.substr(0, eq));
        auto value = percentDecode(attr.substr(eq + 1));
        if (!value) return cliFail(kExitUsage, "bad percent-encoding in pkcs11 URI attribute '" + name + "'");
        if (name == "token") uri.token = *value;
        else if (name == "serial") uri.serial = *value;
        else if (name == "manufacturer") uri.manufacturer = *value;
        else if (name == "model") uri.model = *value;
        else if (name == "object") uri.object = *value;
        else if (name == "type") uri.type = *value;
        else if (name == "id") uri.id = core::Bytes(value->begin(), value->end());
        else if (name.starts_with("library-") || name.starts_with("slot-") || name.starts_with("x-")) continue;
        else return cliFail(kExitUsage, "unknown pkcs11 URI attribute '" + name + "'");
    }
    return uri;
}

std::string percentEncode(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

std::optional<uint8_t> ckaIdForKeyRef(uint8_t keyRef) {
    switch (keyRef) {
    case kOpenPgpSig: case kOpenPgpDec: case kOpenPgpAut: return keyRef;  // the module's OpenPGP CKA_IDs
    case 0x9A: return 1;
    case 0x9C: return 2;
    case 0x9D: return 3;
    case 0x9E: return 4;
    default: break;
    }
    if (keyRef >= 0x82 && keyRef <= 0x95) return static_cast<uint8_t>(keyRef - 0x82 + 5);
    return std::nullopt;
}

std::optional<uint8_t> keyRefForCkaId(uint8_t id) {
    static constexpr std::array<uint8_t, 4> kMain{0x9A, 0x9C, 0x9D, 0x9E};
    if (id >= 1 && id <= 4) return kMain[id - 1];
    if (id >= 5 && id <= 0x18) return static_cast<uint8_t>(id - 5 + 0x82);
    return std::nullopt;
}

CliResult<uint8_t> parseSlotName(std::string_view name) {
    if (name == "sig") return kOpenPgpSig;
    if (name == "dec") return kOpenPgpDec;
    if (name == "aut") return kOpenPgpAut;
    if (name.size() == 2) {
        int hi = hexDigit(name[0]), lo = hexDigit(name[1]);
        if (hi >= 0 && lo >= 0) {
            auto ref = static_cast<uint8_t>(hi * 16 + lo);
            if (ckaIdForKeyRef(ref)) return ref;
        }
    }
    return cliFail(kExitUsage, "unknown key slot '" + std::string(name) + "' (PIV: 9a, 9c, 9d, 9e or 82..95; OpenPGP: sig, dec, aut)");
}

CliResult<std::optional<uint8_t>> slotFromUriAndOption(const std::optional<std::string>& uriText,
                                                       const std::optional<std::string>& slotOption, bool openPgp) {
    std::optional<uint8_t> fromOption;
    if (slotOption) {
        auto s = parseSlotName(*slotOption);
        if (!s) return std::unexpected(s.error());
        fromOption = *s;
    }
    if (!uriText) return fromOption;
    auto uri = parseP11Uri(*uriText);
    if (!uri) return std::unexpected(uri.error());
    if (!uri->id) return fromOption;
    std::optional<uint8_t> fromId;
    if (uri->id->size() == 1) {
        const uint8_t id = uri->id->front();
        if (openPgp && id >= kOpenPgpSig && id <= kOpenPgpAut) fromId = id;
        if (!openPgp) fromId = keyRefForCkaId(id);
    }
    if (!fromId) return cliFail(kExitUsage, "the URI's id names no key slot of this token");
    if (fromOption && *fromOption != *fromId)
        return cliFail(kExitUsage, "--slot " + *slotOption + " and the URI's id name different keys");
    return fromId;
}

std::string slotName(uint8_t keyRef) {
    if (keyRef == kOpenPgpSig) return "sig";
    if (keyRef == kOpenPgpDec) return "dec";
    if (keyRef == kOpenPgpAut) return "aut";
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", keyRef);
    return buf;
}

}  // namespace cli
