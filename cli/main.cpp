// mesign-token: the command-line tool for MeSign tokens. Dispatches to one function per subcommand
// (commands.h); exit codes are in cli_error.h and cli/README.md.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/progress.h"

namespace {

const char* kUsage =
    "usage: mesign-token COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Commands:\n"
    "  list                  readers and tokens, with their pkcs11 URIs\n"
    "  info [URI]            a token: PIN status, keys, certificates\n"
    "  change-pin [URI]      change the user PIN (or the PUK with --puk)\n"
    "  unblock-pin [URI]     set a new PIN with the PUK\n"
    "  enroll [URI]          generate a key on the token and write a PKCS#10 request\n"
    "  import-cert [URI] FILE  write a certificate (PEM/DER/PKCS#7) for a key slot\n"
    "  import-p12 [URI] FILE   write the private key and certificate of a PKCS#12 file to a slot\n"
    "  sign-mail [URI]       S/MIME-sign a mail (stdin or --in) with a token key\n"
    "  sign-doc [URI]        detached CMS signature of a document\n"
    "  decrypt-mail [URI]    decrypt an S/MIME encrypted mail with a token key\n"
    "  encrypt-doc [URI]     encrypt a document to a slot's (or a file's) certificate\n"
    "  decrypt-doc [URI]     decrypt it with the token key\n"
    "  verify                verify a signed mail or a detached signature against a CA file\n"
    "  vcard create|start|stop|list  virtual cards for trying things out\n"
    "  doctor                check pcscd, readers, tokens, PINs, certificates and the PKCS#11 module\n"
    "  register-nss          add the PKCS#11 module to NSS databases (Thunderbird, Firefox)\n"
    "\n"
    "'mesign-token COMMAND --help' describes a command. PINs are asked without echo on the terminal or read\n"
    "from a file descriptor (--pin-fd N); --pin-value puts the PIN on the command line (insecure).\n"
    "Steps slower than a second show progress on stderr; --quiet (anywhere before a '--') hides it.\n"
    "Exit status: 0 ok, 1 operation failed, 2 usage error, 3 no token/reader, 4 PIN problem.\n";

}  // namespace

int main(int argc, char** argv) {
    // --quiet is global: taken out wherever it stands (up to a "--"), so every subcommand accepts it.
    std::vector<char*> kept(argv, argv + argc);
    for (auto it = kept.begin() + 1; it != kept.end() && std::strcmp(*it, "--") != 0;) {
        if (std::strcmp(*it, "--quiet") == 0) {
            cli::setProgressQuiet(true);
            it = kept.erase(it);
        } else {
            ++it;
        }
    }
    argc = static_cast<int>(kept.size());
    argv = kept.data();
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return cli::kExitUsage;
    }
    std::string cmd = argv[1];
    cli::Args rest(argv + 2, argv + argc);
    if (cmd == "-h" || cmd == "--help" || cmd == "help") return std::fputs(kUsage, stdout), cli::kExitOk;
    if (cmd == "list") return cli::runList(rest);
    if (cmd == "info") return cli::runInfo(rest);
    if (cmd == "change-pin") return cli::runChangePin(rest);
    if (cmd == "unblock-pin") return cli::runUnblockPin(rest);
    if (cmd == "enroll") return cli::runEnroll(rest);
    if (cmd == "import-cert") return cli::runImportCert(rest);
    if (cmd == "import-p12") return cli::runImportP12(rest);
    if (cmd == "sign-mail") return cli::runSignMail(rest);
    if (cmd == "sign-doc") return cli::runSignDoc(rest);
    if (cmd == "decrypt-mail") return cli::runDecryptMail(rest);
    if (cmd == "encrypt-doc") return cli::runEncryptDoc(rest);
    if (cmd == "decrypt-doc") return cli::runDecryptDoc(rest);
    if (cmd == "verify") return cli::runVerify(rest);
    if (cmd == "vcard") return cli::runVcard(rest);
    if (cmd == "doctor") return cli::runDoctor(rest);
    if (cmd == "register-nss") return cli::runRegisterNss(rest);
    std::fprintf(stderr, "mesign-token: unknown command '%s'\nTry 'mesign-token --help'.\n", cmd.c_str());
    return cli::kExitUsage;
}
