// The Wine test fixture (wine_test.cpp for PIV cards, wine_openpgp_test.cpp for OpenPGP cards): one suite,
// so one Wine prefix (wineboot ~24 s) serves both. Tests whose name starts with "OpenPgp" get
// `mesign-vcard --init openpgp`, the others the PIV card. Helpers run the cross-built test programs
// (tests/minidriver/wine) and read their `name=value` / `ok|err` lines.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "tests/integration/process.h"
#include "tests/minidriver/minidriver_fixture.h"

namespace mdtest {

// md_probe's `name=value` lines.
std::map<std::string, std::string> parseProbe(const std::string& out);
// `name`'s value in parsed probe output, `fallback` when absent.
std::string value(const std::map<std::string, std::string>& m, const std::string& name,
                  const std::string& fallback = "");
// Lower-case hex (the programs' format) and back.
std::string lowerHex(ByteView b);
Bytes unhex(const std::string& s);
// A DWORD as md_probe prints it (%08lx).
std::string rc(DWORD v);
// A check program's answer line for a result of the Linux (OpenSSL) implementation.
std::string answer(const core::Result<Bytes>& r);
// DER SPKI of a DER certificate, with OpenSSL (empty if it does not parse).
Bytes certificateSpki(ByteView cert);
// The card's public key template (7F49 content) for an SPKI, built with OpenSSL: 81 n + 82 e, or 86 point.
Bytes templateFor(ByteView spki, bool rsa);

class MinidriverWineTest : public MinidriverTest {
  protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;
    std::vector<std::string> cardOptions() const override;

    // md_probe.exe with `args` under wine64, DLL overrides `overrides`, extra environment `env`.
    itest::CommandResult probe(const std::vector<std::string>& args, const std::string& overrides,
                               const std::vector<std::string>& env = {});
    // A request-per-line check program (wine/<exe>) fed `input` on stdin; its answer lines.
    std::vector<std::string> check(const char* exe, const std::string& input);
    std::string dllPath() const;
};

}  // namespace mdtest
