// doctor: checks the chain a signature needs — pcscd, readers, tokens and their PINs, certificates,
// the PKCS#11 module through libp11 — and says what to do about each problem. Spends no PIN try.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/p11_module.h"
#include "cli/text_util.h"
#include "cli/tokens.h"

namespace cli {

namespace {

const char* kDoctorHelp =
    "usage: mesign-token doctor [--module PATH]\n"
    "Checks pcscd, readers, tokens (PIN/PUK state, certificate validity) and the PKCS#11 module as\n"
    "applications load it. One line per check: [ok], [warn] or [FAIL] with advice. Exit 1 if any FAIL.\n";

struct Report {
    int failures = 0;
    void ok(const std::string& m) { std::printf("[ok]   %s\n", m.c_str()); }
    void warn(const std::string& m) { std::printf("[warn] %s\n", m.c_str()); }
    void failed(const std::string& m) {
        std::printf("[FAIL] %s\n", m.c_str());
        ++failures;
    }
};

void checkToken(Report& r, const FoundToken& t) {
    std::string name = "token \"" + t.info.label + "\"";
    r.ok(name + " (" + t.info.application + ", serial " + t.info.serial + ") in " + t.slot.reader);
    if (t.info.userPin.blocked()) r.failed(name + ": PIN blocked — mesign-token unblock-pin");
    else if (t.info.userPin.retriesLeft == 1) r.warn(name + ": one PIN try left");
    if (t.info.soPin.blocked()) r.warn(name + ": PUK blocked — the PIN can no longer be unblocked");
    auto keys = t.token->objects();
    if (!keys) {
        r.failed(name + ": cannot read its keys: " + fromCore(keys.error(), "").message);
        return;
    }
    std::time_t now = std::time(nullptr);
    int certs = 0;
    for (const auto& k : *keys) {
        if (!k.certificate) continue;
        ++certs;
        const auto& c = *k.certificate;
        std::string what = name + " slot " + slotName(k.key.ref) + " certificate \"" + c.commonName + "\"";
        if (now > c.notAfter) r.warn(what + " expired on " + utcTime(c.notAfter));
        else if (now < c.notBefore) r.warn(what + " is not valid before " + utcTime(c.notBefore));
        else if (c.notAfter - now < 30 * 24 * 3600) r.warn(what + " expires on " + utcTime(c.notAfter));
    }
    if (certs == 0) r.warn(name + ": no certificates (mesign-token enroll, then import-cert)");
}

}  // namespace

int runDoctor(const Args& argv) {
    auto args = parseArgs(argv, {{"module", true}});
    if (!args) return report(args.error());
    if (args->help) return std::fputs(kDoctorHelp, stdout), kExitOk;
    if (!args->positional.empty()) return report({kExitUsage, "doctor takes no arguments"});
    Report r;
    Tokens tokens;
    auto readers = tokens.readers();
    if (!readers) {
        r.failed("pcscd: " + readers.error().message + " — start it (systemctl start pcscd.socket)");
        return kExitFailed;
    }
    r.ok("pcscd is running");
    if (readers->empty())
        r.failed("no smart-card readers — plug one in (virtual cards: package vsmartcard-vpcd, then restart pcscd)");
    for (const auto& s : *readers)
        r.ok("reader \"" + s.reader + "\": " + (s.cardPresent ? "card present" : "no card"));
    std::vector<std::string> problems;
    auto found = tokens.all(&problems);
    for (const auto& p : problems) r.failed(p);
    std::vector<std::string> serials;
    if (found) {
        if (found->empty()) r.warn("no token present (insert one, or mesign-token vcard start NAME)");
        for (const auto& t : *found) {
            checkToken(r, t);
            serials.push_back(t.info.serial);
        }
    }
    std::string module = pkcs11ModulePath(*args);
    if (::access(module.c_str(), R_OK) != 0) {
        r.failed("PKCS#11 module " + module + " not found (--module PATH or MESIGN_PKCS11_MODULE)");
    } else if (auto shown = client::moduleTokenSerials(module); !shown) {
        r.failed("PKCS#11 module: " + shown.error().message);
    } else {
        r.ok("PKCS#11 module " + module + " loads in libp11 and shows " + std::to_string(shown->size()) + " token(s)");
        for (const auto& s : serials)
            if (std::find(shown->begin(), shown->end(), s) == shown->end())
                r.failed("the PKCS#11 module does not show the token with serial " + s);
    }
    return r.failures ? kExitFailed : kExitOk;
}

}  // namespace cli
