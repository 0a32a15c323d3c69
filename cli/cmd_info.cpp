// list: readers and the tokens in them; info: one token (or all) with PIN status, keys and certificates.
// Neither spends a PIN try (PIN status comes from the retries query).
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/text_util.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kListHelp =
    "usage: mesign-token list [--json]\n"
    "Lists the smart-card readers and the tokens in them, each with its pkcs11 URI.\n";
const char* kInfoHelp =
    "usage: mesign-token info [--json] [TOKEN-URI]\n"
    "Shows a token (all tokens without a URI): application, serial, PIN and PUK tries left, key slots with\n"
    "their key type and CKA_ID, and certificates with subject, issuer and validity. Spends no PIN try.\n";

std::string keyType(const token::KeyObject& k, std::size_t* bits) {
    *bits = 0;
    if (k.publicKey) {
        *bits = k.publicKey->bits;
        switch (k.publicKey->type) {
        case crypto::KeyType::Rsa: return "RSA";
        case crypto::KeyType::Ec: return "EC " + k.publicKey->curveName;
        case crypto::KeyType::Ed25519: return "Ed25519";
        case crypto::KeyType::X25519: return "X25519";
        }
    }
    if (k.key.algorithm) return cardapp::keyAlgorithmName(*k.key.algorithm);
    return "unknown";
}

std::string pinText(const cardapp::PinStatus& p) {
    if (p.retriesLeft < 0) return "tries left unknown";
    if (p.blocked()) return "BLOCKED";
    std::string s = std::to_string(p.retriesLeft) + (p.retriesLeft == 1 ? " try left" : " tries left");
    if (p.maxRetries) s += " (of " + std::to_string(*p.maxRetries) + ")";
    return s;
}

std::string pinJson(const cardapp::PinStatus& p) {
    std::string s = "{\"retriesLeft\":" + std::to_string(p.retriesLeft);
    if (p.maxRetries) s += ",\"maxRetries\":" + std::to_string(*p.maxRetries);
    return s + ",\"blocked\":" + (p.blocked() ? "true" : "false") + "}";
}

std::string tokenJsonHead(const FoundToken& t) {
    const auto& i = t.info;
    return "\"label\":" + jsonString(i.label) + ",\"serial\":" + jsonString(i.serial) +
           ",\"application\":" + jsonString(i.application) + ",\"manufacturer\":" + jsonString(i.manufacturer) +
           ",\"model\":" + jsonString(i.model) + ",\"reader\":" + jsonString(t.slot.reader) +
           ",\"uri\":" + jsonString(tokenUri(i));
}

void printInfoText(const FoundToken& t, const std::vector<token::KeyObject>& keys) {
    const auto& i = t.info;
    std::printf("Token \"%s\"\n  URI:          %s\n  Reader:       %s\n  Application:  %s\n"
                "  Manufacturer: %s\n  Model:        %s\n  Serial:       %s\n  PIN:          %s\n  PUK:          %s\n",
                i.label.c_str(), tokenUri(i).c_str(), t.slot.reader.c_str(), i.application.c_str(),
                i.manufacturer.c_str(), i.model.c_str(), i.serial.c_str(), pinText(i.userPin).c_str(),
                pinText(i.soPin).c_str());
    if (keys.empty()) std::printf("  Keys:         none\n");
    std::time_t now = std::time(nullptr);
    for (const auto& k : keys) {
        std::size_t bits = 0;
        std::string type = keyType(k, &bits);
        auto id = ckaIdForKeyRef(k.key.ref);
        std::printf("  Key %s (id %02x, %s): %s%s\n", slotName(k.key.ref).c_str(), id ? *id : 0,
                    k.key.label.c_str(), type.c_str(), bits && type == "RSA" ? (" " + std::to_string(bits)).c_str() : "");
        if (!k.certificate) {
            std::printf("    no certificate\n");
            continue;
        }
        const auto& c = *k.certificate;
        const char* state = now < c.notBefore ? " (not yet valid)" : now > c.notAfter ? " (EXPIRED)" : "";
        std::printf("    Certificate: %s\n    Issuer:      %s\n    Valid:       %s to %s%s\n", c.subject.c_str(),
                    c.issuer.c_str(), utcTime(c.notBefore).c_str(), utcTime(c.notAfter).c_str(), state);
        for (const auto& e : c.emails) std::printf("    Email:       %s\n", e.c_str());
    }
}

std::string infoJson(const FoundToken& t, const std::vector<token::KeyObject>& keys) {
    std::string s = "{" + tokenJsonHead(t) + ",\"pin\":" + pinJson(t.info.userPin) + ",\"puk\":" + pinJson(t.info.soPin) +
                    ",\"keys\":[";
    bool first = true;
    for (const auto& k : keys) {
        std::size_t bits = 0;
        std::string type = keyType(k, &bits);
        auto id = ckaIdForKeyRef(k.key.ref);
        char idHex[4];
        std::snprintf(idHex, sizeof idHex, "%02x", id ? *id : 0);
        s += std::string(first ? "" : ",") + "{\"slot\":" + jsonString(slotName(k.key.ref)) + ",\"id\":" + jsonString(idHex) +
             ",\"label\":" + jsonString(k.key.label) + ",\"keyType\":" + jsonString(type) +
             ",\"keyBits\":" + std::to_string(bits) + ",\"uri\":" + jsonString(keyUri(t.info, k.key.ref));
        first = false;
        if (k.certificate) {
            const auto& c = *k.certificate;
            s += ",\"certificate\":{\"subject\":" + jsonString(c.subject) + ",\"issuer\":" + jsonString(c.issuer) +
                 ",\"notBefore\":" + jsonString(utcTime(c.notBefore)) + ",\"notAfter\":" + jsonString(utcTime(c.notAfter)) +
                 ",\"emails\":[";
            for (std::size_t e = 0; e < c.emails.size(); ++e) s += (e ? "," : "") + jsonString(c.emails[e]);
            s += "]}";
        } else {
            s += ",\"certificate\":null";
        }
        s += "}";
    }
    return s + "]}";
}

}  // namespace

int runList(const Args& argv) {
    auto args = parseArgs(argv, {{"json", false}});
    if (!args) return report(args.error());
    if (args->help) return std::fputs(kListHelp, stdout), kExitOk;
    if (!args->positional.empty()) return report({kExitUsage, "list takes no arguments (try 'info URI')"});
    Tokens tokens;
    auto slots = tokens.readers();
    if (!slots) return report(slots.error());
    std::vector<std::string> problems;
    auto found = tokens.all(&problems);
    if (!found) return report(found.error());
    bool json = args->has("json");
    std::string out = "{\"readers\":[";
    for (std::size_t r = 0; r < slots->size(); ++r) {
        const auto& s = (*slots)[r];
        if (json) {
            out += std::string(r ? "," : "") + "{\"name\":" + jsonString(s.reader) +
                   ",\"cardPresent\":" + (s.cardPresent ? "true" : "false") + ",\"tokens\":[";
        } else {
            std::printf("Reader \"%s\": %s\n", s.reader.c_str(), s.cardPresent ? "card present" : "no card");
        }
        bool first = true;
        for (const auto& t : *found) {
            if (t.slot.id != s.id) continue;
            if (json) {
                out += std::string(first ? "" : ",") + "{" + tokenJsonHead(t) + "}";
            } else {
                std::printf("  Token \"%s\" (%s, serial %s)\n    %s\n", t.info.label.c_str(),
                            t.info.application.c_str(), t.info.serial.c_str(), tokenUri(t.info).c_str());
            }
            first = false;
        }
        if (json) out += "]}";
    }
    if (json) std::printf("%s]}\n", out.c_str());
    else if (slots->empty()) std::printf("No readers.\n");
    for (const auto& p : problems) std::fprintf(stderr, "mesign-token: %s\n", p.c_str());
    return kExitOk;
}

int runInfo(const Args& argv) {
    auto args = parseArgs(argv, {{"json", false}});
    if (!args) return report(args.error());
    if (args->help) return std::fputs(kInfoHelp, stdout), kExitOk;
    if (args->positional.size() > 1) return report({kExitUsage, "info takes at most one token URI"});
    Tokens tokens;
    std::vector<FoundToken> chosen;
    if (args->positional.empty()) {
        auto found = tokens.all();
        if (!found) return report(found.error());
        if (found->empty()) return report({kExitNoToken, "no token found (is the token inserted?)"});
        chosen = *found;
    } else {
        auto one = tokens.select(args->positional.front());
        if (!one) return report(one.error());
        chosen.push_back(*one);
    }
    bool json = args->has("json");
    std::string out = "{\"tokens\":[";
    for (std::size_t n = 0; n < chosen.size(); ++n) {
        auto keys = [&] {
            Progress progress("reading the certificates of \"" + chosen[n].info.label + "\"");
            return chosen[n].token->objects();
        }();
        if (!keys) return report(fromCore(keys.error(), "cannot read the token's keys"));
        if (json) out += (n ? "," : "") + infoJson(chosen[n], *keys);
        else printInfoText(chosen[n], *keys);
    }
    if (json) std::printf("%s]}\n", out.c_str());
    return kExitOk;
}

}  // namespace cli
